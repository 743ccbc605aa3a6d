"""Memos: values kept until a commit here writes one of their tables, or until they age out;
ORM rows brought back into a session without a query, and never shared with it."""

from __future__ import annotations

import pytest
from sqlalchemy import event, func, select

from matchmaker import data_changes
from matchmaker.extensions import db
from matchmaker.memo import Memo, app_memo, revive, snapshot
from models import ApiToken, Need, OutboxMessage


class Counting:
    """A computation that counts its runs."""

    def __init__(self) -> None:
        self.runs = 0

    def __call__(self) -> int:
        self.runs += 1
        return self.runs


def test_a_value_is_computed_once_until_a_commit_writes_one_of_its_tables(app, make_organisation):
    memo: Memo[str, int] = Memo({"organisations"})
    compute = Counting()
    assert memo.get("k", compute) == memo.get("k", compute) == 1
    db.session.add(OutboxMessage(recipient="a@example.org", subject="s", body="b"))
    db.session.commit()  # another table: kept
    assert memo.get("k", compute) == 1
    make_organisation("Ministry of Labour", "ZMB")  # commits organisations
    assert memo.get("k", compute) == 2


def test_a_value_computed_across_such_a_commit_is_not_kept():
    memo: Memo[str, int] = Memo({"needs"})

    def during_a_commit() -> int:
        data_changes.changed({"needs"})
        return 7

    assert memo.get("k", during_a_commit) == 7
    assert len(memo) == 0
    assert memo.get("k", Counting()) == 1 and len(memo) == 1


def test_values_age_out_and_the_least_recently_used_leave_first():
    clock = [0.0]
    memo: Memo[int, int] = Memo({"needs"}, size=2, seconds=2.0, clock=lambda: clock[0])
    compute = Counting()
    memo.get(1, compute)
    memo.get(2, compute)
    memo.get(1, compute)  # 1 read again: 2 is now the least recent
    memo.get(3, compute)
    assert len(memo) == 2 and compute.runs == 3
    assert memo.get(1, compute) == 1  # still there
    assert memo.get(2, compute) == 4  # was evicted
    clock[0] = 2.0
    assert memo.get(1, compute) == 5  # aged out


def test_each_app_has_its_own_memo(app):
    first = app_memo("example", ("needs",))
    assert app_memo("example", ("needs",)) is first
    other = type(app)("other")
    with other.app_context():
        assert app_memo("example", ("needs",)) is not first


def test_a_revived_row_is_the_sessions_without_a_query_and_a_copy(
    app, make_organisation, make_need
):
    need = make_need(make_organisation("Ministry of Labour", "ZMB"), languages=["en"])
    row = snapshot(need)
    db.session.expunge_all()
    statements: list[str] = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        revived = revive(db.session, row)
        assert revived.title == need.title and revived in db.session
        revived.languages.append("fr")
        assert statements == []
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert row.values["languages"] == ["en"]  # the memo's copy is untouched
    assert revive(db.session, row) is revived  # the session's own object when it has it


@pytest.fixture
def token_user(make_user, api_token):
    user = make_user(role="coordinator")
    return user, api_token(user)


def test_a_deactivated_account_or_revoked_token_stops_at_once(client, token_user):
    user, headers = token_user
    assert client.get("/api/v1/needs", headers=headers).status_code == 200
    assert client.get("/api/v1/needs", headers=headers).status_code == 200  # from the memo
    user.active = False
    db.session.commit()
    assert client.get("/api/v1/needs", headers=headers).status_code == 401
    user.active = True
    db.session.commit()
    assert client.get("/api/v1/needs", headers=headers).status_code == 200
    db.session.scalar(select(ApiToken)).revoked_at = func.now()
    db.session.commit()
    assert client.get("/api/v1/needs", headers=headers).status_code == 401


def test_a_need_handed_to_another_organisation_stops_showing_its_matches_at_once(
    client, make_organisation, make_need, make_offer, make_user, api_token
):
    requester = make_organisation("Ministry of Labour", "ZMB")
    make_offer(make_organisation("Training Authority", "KEN"), themes=["skills_development"])
    need = make_need(requester, themes=["skills_development"])
    headers = api_token(make_user(requester))
    path = f"/api/v1/needs/{need.id}/matches"
    assert client.get(path, headers=headers).status_code == 200
    db.session.get(Need, need.id).organisation_id = make_organisation("Other", "GHA").id
    db.session.commit()
    assert client.get(path, headers=headers).status_code == 403  # no longer its own
