"""Public pages, no sign-in: the transparency dashboard, one page per exchange, open-data files."""

from __future__ import annotations

from pathlib import Path

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    render_template,
    request,
    stream_with_context,
)

from matchmaker.knowledge.vocabulary import MODALITIES
from matchmaker.page_cache import public_page
from matchmaker.profiles.choices import ILO_REGION_LABELS, theme_choices
from matchmaker.public import dashboard as figures
from matchmaker.public import exports, iati, records
from matchmaker.public.dashboard import (
    FACILITATOR_ROLE_LABELS,
    MODALITY_LABELS,
    PRINCIPLE_LABELS,
    STATE_LABELS,
)
from matchmaker.web import page_number

public = Blueprint("public", __name__, url_prefix="/public")

# file name -> (format, dataset, media type)
EXPORTS = {
    "exchanges.csv": ("csv", "exchanges", "text/csv"),
    "exchanges.json": ("json", "exchanges", "application/json"),
    "offers.csv": ("csv", "offers", "text/csv"),
    "offers.json": ("json", "offers", "application/json"),
    "iati.xml": ("iati", "exchanges", "application/xml"),
}


@public.get("")
@public_page
def index():
    filters, problems = records.parse_filters(request.args)
    return render_template(
        "public/dashboard.html",
        filters=filters,
        problems=problems,
        summary=figures.summary(filters),
        charts=figures.charts(filters),
        world=figures.world_map(filters, Path(current_app.config["DATA_DIR"])),
        results=records.search(filters, page=page_number(request.args.get("page"))),
        regions=ILO_REGION_LABELS,
        themes=theme_choices(),
        modalities={code: MODALITY_LABELS[code] for code in MODALITIES},
        states=STATE_LABELS,
        years=records.years(),
    )


@public.get("/exchanges/<id:exchange_id>")
@public_page
def exchange(exchange_id: int):
    found = records.get(exchange_id) or abort(404)
    return render_template(
        "public/exchange.html",
        exchange=found,
        modalities=MODALITY_LABELS,
        states=STATE_LABELS,
        regions=ILO_REGION_LABELS,
        principle_names=PRINCIPLE_LABELS,
        facilitator_roles=FACILITATOR_ROLE_LABELS,
    )


@public.get("/exports/<name>")
def export(name: str):
    fmt, dataset, media_type = EXPORTS.get(name) or abort(404)
    filters, problems = records.parse_filters(request.args)
    if problems:
        return Response(" ".join(problems) + "\n", status=400, mimetype="text/plain")
    chunks = exports.export(
        fmt,
        dataset,
        filters=filters,
        base_url=request.url_root,  # link to the host (and prefix) the file was asked from
        reporting_org=iati.ReportingOrg.from_config(current_app.config),
    )
    return Response(
        stream_with_context(chunks),
        mimetype=media_type,
        headers={"Content-Disposition": f'attachment; filename="matchmaker-{name}"'},
    )
