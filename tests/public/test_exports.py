"""CSV and JSON open data, the CLI command, and the exports' streaming."""

from __future__ import annotations

import csv
import io
import json

from lxml import etree
from sqlalchemy import event

from matchmaker.extensions import db
from matchmaker.public import exports, records
from matchmaker.public.records import Filters
from models import Exchange


def test_exchange_csv_and_json_carry_the_public_fields(client, public_world):
    response = client.get("/public/exports/exchanges.csv")
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert [row["title"] for row in rows] == [
        "Peer learning on employment promotion",
        "Ongoing twinning on labour market information",
    ]
    first = rows[0]
    assert first["provider_countries"] == "KEN; ZAF"
    assert first["dac_crs_codes"] == "16020; 15142; 11330; 11430"
    assert first["average_usefulness"] == "4.5" and first["evaluations"] == "2"
    assert first["url"].endswith(f"/public/exchanges/{public_world['completed']}")
    items = json.loads(client.get("/public/exports/exchanges.json").get_data(as_text=True))
    assert [item["state"] for item in items] == ["evaluated", "scheduled"]
    assert items[1]["facilitator_role"] == "funding" and items[1]["start_date"] == "2031-05-01"
    assert set(items[0]) == set(first)


def test_exports_follow_the_dashboard_filters(client, public_world):
    items = json.loads(client.get("/public/exports/exchanges.json?modality=twinning").data)
    assert [item["modality"] for item in items] == ["twinning"]


def test_web_exports_link_to_the_host_and_prefix_they_were_asked_from(client, public_world):
    for name in ("exchanges.json", "offers.json"):
        response = client.get(f"/public/exports/{name}", base_url="https://localhost/mm")
        item = json.loads(response.data)[0]
        page = "public/exchanges" if name == "exchanges.json" else "offers"
        assert item["url"] == f"https://localhost/mm/{page}/{item['id']}"


def test_offer_exports_list_published_offers_of_verified_organisations(client, public_world):
    items = json.loads(client.get("/public/exports/offers.json").data)
    assert [item["title"] for item in items] == ["PUBLIC-OFFER on employment services"]
    rows = list(csv.DictReader(io.StringIO(client.get("/public/exports/offers.csv").text)))
    assert rows[0]["organisation"] == "National Employment Authority" and len(rows) == 1


def test_cli_writes_each_format(app, runner, public_world, tmp_path):
    """Without a request, links point at MATCHMAKER_BASE_URL, not at the test SERVER_NAME."""
    app.config["BASE_URL"] = "https://matchmaker.example.org/open/"
    for fmt, dataset in (("csv", "exchanges"), ("json", "offers"), ("iati", "exchanges")):
        target = tmp_path / f"out.{fmt}"
        result = runner.invoke(args=["export", fmt, "--output", str(target), "--dataset", dataset])
        assert result.exit_code == 0, result.output
        assert f"Wrote {target}" in result.output
        assert target.stat().st_size > 100
    offer = json.loads((tmp_path / "out.json").read_text())[0]
    assert offer["url"] == f"https://matchmaker.example.org/open/offers/{public_world['offer']}"
    exchanges = list(csv.DictReader(io.StringIO((tmp_path / "out.csv").read_text())))
    assert exchanges[0]["url"] == (
        f"https://matchmaker.example.org/open/public/exchanges/{public_world['completed']}"
    )
    links = etree.parse(tmp_path / "out.iati").xpath("iati-activity/@linked-data-uri")
    assert links and all(
        link.startswith("https://matchmaker.example.org/open/public/exchanges/") for link in links
    )
    assert list(tmp_path.glob(".*partial")) == []


def test_cli_refuses_iati_of_offers_and_writes_nothing(runner, public_world, tmp_path):
    target = tmp_path / "offers.xml"
    result = runner.invoke(args=["export", "iati", "--output", str(target), "--dataset", "offers"])
    assert result.exit_code != 0
    assert "The IATI export covers exchanges only" in result.output
    assert not target.exists() and list(tmp_path.glob("*offers*")) == []
    result = runner.invoke(args=["export", "xlsx", "--output", str(target)])
    assert result.exit_code == 2 and "iati" in result.output


def test_an_export_streams_batch_by_batch(app, public_world, monkeypatch):
    """The first record is out before the query has fetched every row: rows are read
    BATCH at a time (each batch loads its providers with one more query)."""
    need = db.session.get(Exchange, public_world["completed"]).need
    for n in range(5):
        db.session.add(
            Exchange(
                need=need,
                title=f"Extra {n}",
                state="completed",
                modality="workshop",
                year=2020,
                providers=[],
            )  # fmt: skip
        )
    db.session.commit()
    monkeypatch.setattr(records, "BATCH", 2)
    provider_loads = []

    @event.listens_for(db.engine, "before_cursor_execute")
    def count(conn, cursor, statement, *args):  # noqa: ANN001
        if statement.lstrip().startswith("SELECT exchange_providers."):
            provider_loads.append(statement)

    try:
        chunks = exports.as_json(exports.exchange_records(Filters(), "http://localhost"))
        assert next(chunks) == "["
        first = json.loads(next(chunks).lstrip(",\n"))
        assert first["title"] == "Peer learning on employment promotion"
        assert len(provider_loads) == 1  # one batch of 2 out of 7 exchanges
        rest = list(chunks)
        assert len(rest) == 7  # six more records and the closing bracket
        assert len(provider_loads) == 4  # batches of 2, 2, 2, 1
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
