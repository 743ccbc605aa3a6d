"""Record ids in page and API paths: a number too large for the database names no record."""

from __future__ import annotations

import pytest

HUGE = "9" * 30


@pytest.mark.parametrize(
    "path",
    [
        f"/organisations/{HUGE}",
        f"/needs/{HUGE}",
        f"/offers/{HUGE}",
        f"/exchanges/{HUGE}",
        f"/public/exchanges/{HUGE}",
        f"/needs/{HUGE}/matches",
    ],
)
def test_huge_ids_in_page_paths_answer_404(client, sign_in, make_user, path):
    sign_in(make_user(role="coordinator"))
    assert client.get(path).status_code == 404


def test_huge_id_in_api_path_answers_404_problem(client, api_token, make_user):
    headers = api_token(make_user(role="coordinator"))
    response = client.get(f"/api/v1/needs/{HUGE}", headers=headers)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
