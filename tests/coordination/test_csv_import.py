"""Coordinators import organisations, offers and needs from CSV: preview, per-row errors,
all rows or none."""

from __future__ import annotations

import io

from sqlalchemy import func, select

from matchmaker.extensions import db
from models import Offer, Organisation

ORGS = """name,country,constituent_type,subtype,working_languages,website
Zambia Federation of Employers,ZMB,employers,employers_organisation,en,https://zfe.example.zm
Confédération Nationale des Travailleurs du Sénégal,SEN,workers,workers_organisation,fr,
"""


def upload(client, kind: str, text: str, action: str = "preview", name: str = "rows.csv"):
    return client.post(
        "/coordination/import",
        data={"kind": kind, "action": action, "file": (io.BytesIO(text.encode()), name)},
        content_type="multipart/form-data",
    )


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_preview_writes_nothing_then_import_writes_all(client, sign_in, make_user):
    sign_in(make_user(role="coordinator"))
    preview = upload(client, "organisations", ORGS)
    body = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Preview: 2 rows, 0 with problems" in body
    assert count(Organisation) == 0
    confirm = client.post(
        "/coordination/import", data={"kind": "organisations", "action": "import", "csv_text": ORGS}
    )
    assert "Imported 2 organisations" in confirm.get_data(as_text=True)
    assert count(Organisation) == 2
    assert all(o.is_verified for o in db.session.scalars(select(Organisation)))


def test_one_bad_row_blocks_the_whole_file_and_is_located(client, sign_in, make_user):
    sign_in(make_user(role="coordinator"))
    bad = ORGS + "Someone,ATL,government,,en,\nZambia Federation of Employers,ZMB,employers,,en,\n"
    body = upload(client, "organisations", bad).get_data(as_text=True)
    assert "Preview: 4 rows, 2 with problems" in body, body
    assert "Unknown country" in body  # line 4
    assert "Already registered in this country" in body  # line 5 repeats line 2
    confirm = client.post(
        "/coordination/import", data={"kind": "organisations", "action": "import", "csv_text": bad}
    )
    assert "Imported 4" not in confirm.get_data(as_text=True)
    assert count(Organisation) == 0


def test_offers_import_for_existing_organisations(client, sign_in, make_user, make_organisation):
    make_organisation("National Industrial Training Authority", "KEN")
    sign_in(make_user(role="coordinator"))
    text = (
        "organisation,country,title,description,themes,modalities,capacity,status\n"
        "National Industrial Training Authority,KEN,Industrial training levy,"
        "How the levy funds training.,skills_development;apprenticeships,study_visit,3,"
        "published\n"
        "Unknown body,KEN,Something,Text.,,,,\n"
    )
    body = upload(client, "offers", text).get_data(as_text=True)
    assert "No organisation &#39;Unknown body&#39; in KEN" in body
    fixed = text.rsplit("Unknown body", 1)[0]
    client.post(
        "/coordination/import", data={"kind": "offers", "action": "import", "csv_text": fixed}
    )
    offer = db.session.scalar(select(Offer))
    assert offer.capacity_per_year == 3 and offer.status == "published"
    assert [t.code for t in offer.themes] == ["apprenticeships", "skills_development"]


def test_wrong_header_and_wrong_file_type_get_clear_messages(client, sign_in, make_user):
    sign_in(make_user(role="coordinator"))
    body = upload(client, "offers", "organisation,titel\nx,y\n").get_data(as_text=True)
    assert "missing column(s)" in body and "unknown column(s): titel" in body
    body = upload(client, "offers", ORGS, name="rows.xlsx").get_data(as_text=True)
    assert "Upload a .csv file" in body
    response = client.post(
        "/coordination/import",
        data={
            "kind": "offers",
            "action": "preview",
            "file": (io.BytesIO("name\n\xff".encode("latin-1")), "x.csv"),
        },
        content_type="multipart/form-data",
    )
    assert "not UTF-8" in response.get_data(as_text=True)


def test_members_cannot_import(client, sign_in, make_user, make_organisation):
    sign_in(make_user(make_organisation()))
    assert upload(client, "organisations", ORGS).status_code == 403
    assert count(Organisation) == 1
