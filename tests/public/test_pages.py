"""Public dashboard and exchange pages: what they show, how they filter, what they never show."""

from __future__ import annotations

import re

from tests.public.conftest import SECRETS

EXPORTS = ("exchanges.csv", "exchanges.json", "offers.csv", "offers.json", "iati.xml")


def _text(client, path: str, status: int = 200) -> str:
    response = client.get(path)
    assert response.status_code == status, path
    return response.get_data(as_text=True)


def test_dashboard_shows_approved_ongoing_and_completed_exchanges(client, public_world):
    page = _text(client, "/public")
    assert "Peer learning on employment promotion" in page
    assert "Ongoing twinning on labour market information" in page
    assert "Exchanges found: 2" in page
    figures = dict(re.findall(r"<dt>([^<]+)</dt><dd>([^<]+)", page))
    assert figures["Exchanges shown"].strip() == "2"
    assert figures["Exchanges completed"].strip() == "1"
    assert figures["Countries involved"].strip() == "3"  # Zambia, Kenya, South Africa
    assert figures["Average usefulness (1 to 5)"].strip() == "4.5"


def test_map_draws_one_arc_per_country_pair_and_a_table_of_them(client, public_world):
    page = _text(client, "/public")
    arcs = re.findall(r'<path d="M[^"]+Q[^"]+" stroke-width="([\d.]+)"', page)
    assert len(arcs) == 2  # Kenya -> Zambia (2 exchanges), South Africa -> Zambia (1)
    assert float(arcs[0]) > float(arcs[1])
    assert "From Kenya to Zambia: 2 exchanges" in page
    assert "<td>South Africa</td><td>Zambia</td><td>1</td>" in page
    assert page.count('class="involved"') == 3
    assert "<script" not in page


def test_charts_count_by_region_theme_modality_year_and_partner(client, public_world):
    page = _text(client, "/public")
    for label, count in (
        ("Africa", 2),
        ("Employment policy", 2),
        ("Study visit", 1),
        ("Twinning", 1),
        ("2023", 1),
        ("2031", 1),
        ("International Labour Organization", 2),
    ):
        assert re.search(rf'<th scope="row">{label}[^<]*</th><td>{count}</td>', page), label


def test_filters_narrow_every_part_of_the_dashboard(client, public_world):
    page = _text(client, "/public?modality=twinning")
    assert "Exchanges found: 1" in page and "Ongoing twinning" in page
    assert "Peer learning on employment promotion" not in page
    page = _text(client, "/public?year=2023&state=evaluated&region=africa&theme=skills_development")
    assert "Exchanges found: 1" in page and "Peer learning on employment promotion" in page
    assert "Exchanges found: 0" in _text(client, "/public?region=americas")
    page = _text(client, "/public?q=twinning")
    assert "Exchanges found: 1" in page


def test_unknown_filter_values_are_ignored_with_a_message(client, public_world):
    page = _text(client, "/public?region=atlantis&year=soon&state=draft")
    assert "Unknown region; it was ignored." in page
    assert "The year must be a number such as 2019; it was ignored." in page
    assert "Unknown state; it was ignored." in page
    assert "Exchanges found: 2" in page
    response = client.get("/public/exports/exchanges.csv?state=draft")
    assert response.status_code == 400 and b"Unknown state" in response.data


def test_exchange_page_shows_objectives_results_and_ratings(client, public_world):
    page = _text(client, f"/public/exchanges/{public_world['completed']}")
    for expected in (
        "PUBLIC-OBJECTIVES",
        "PUBLIC-EXPECTED",
        "PUBLIC-RESULTS",
        "Average usefulness: 4.5 out of 5, from 2 evaluations.",
        "Country ownership</th><td>5</td>",
        "National Employment Authority (Kenya)",
        "International Labour Organization (Switzerland): Technical support",
        "8.5",
        "16020",
    ):
        assert expected in page, expected
    page = _text(client, f"/public/exchanges/{public_world['scheduled']}")
    assert "Not evaluated yet." in page and "May 1, 2031" in page


def test_hidden_exchanges_have_no_public_page(client, public_world):
    for exchange_id in public_world["hidden"]:
        _text(client, f"/public/exchanges/{exchange_id}", 404)
    _text(client, "/public/exchanges/999999", 404)
    _text(client, "/public/exports/secrets.csv", 404)


def test_nothing_private_appears_on_any_public_page_or_export(client, public_world):
    paths = ["/public", "/public?page=2", "/public?q=HIDDEN", "/public?q=zorro"]
    paths += [f"/public/exchanges/{public_world[key]}" for key in ("completed", "scheduled")]
    paths += [f"/public/exports/{name}" for name in EXPORTS]
    for path in paths:
        body = _text(client, path)
        leaked = [secret for secret in SECRETS if secret.casefold() in body.casefold()]
        assert not leaked, f"{path} shows {leaked}"


def test_navigation_links_to_the_public_dashboard(client, public_world):
    assert 'href="/public"' in _text(client, "/")
