"""Open data: CSV and JSON of public exchanges and published offers, produced as streams.

Every export is a generator of text chunks over a batched query (`yield_per`, a server-side
cursor on PostgreSQL), so its memory stays flat however many rows there are; pages send it
chunk by chunk and the CLI writes it as it comes.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from flask import current_app
from sqlalchemy.orm import selectinload

from matchmaker.errors import Invalid
from matchmaker.extensions import db
from matchmaker.profiles.catalogue import OFFERS, public_query
from matchmaker.public import iati, records
from matchmaker.public.records import Filters, PublicExchange
from models import Offer

BATCH = records.BATCH


def exchange_record(exchange: PublicExchange, url: str) -> dict[str, Any]:
    """One exchange as a flat record (lists stay lists; CSV joins them with "; ")."""
    facilitator = exchange.facilitator
    return {
        "id": exchange.id,
        "url": url,
        "title": exchange.title,
        "state": exchange.state,
        "modality": exchange.modality,
        "year": exchange.year,
        "start_date": exchange.start_date.isoformat() if exchange.start_date else None,
        "end_date": exchange.end_date.isoformat() if exchange.end_date else None,
        "requester_organisation": exchange.requester.name,
        "requester_country": exchange.requester.country,
        "ilo_region": exchange.ilo_region,
        "provider_organisations": [p.name for p in exchange.providers],
        "provider_countries": [p.country for p in exchange.providers],
        "facilitator_organisation": facilitator.name if facilitator else None,
        "facilitator_country": facilitator.country if facilitator else None,
        "facilitator_role": facilitator.role if facilitator else None,
        "themes": [code for code, _name in exchange.themes],
        "dac_crs_codes": exchange.crs_codes,
        "sdg_targets": exchange.sdg_targets,
        "objectives": exchange.objectives,
        "expected_results": exchange.expected_results,
        "results": exchange.results,
        "evaluations": len(exchange.ratings),
        "average_usefulness": exchange.average_rating,
        "source": exchange.source,
    }


def offer_record(offer: Offer, url: str) -> dict[str, Any]:
    organisation = offer.organisation
    return {
        "id": offer.id,
        "url": url,
        "title": offer.title,
        "description": offer.description,
        "text_language": offer.text_language,
        "organisation": organisation.name,
        "country": organisation.country_code,
        "ilo_region": organisation.country.ilo_region,
        "constituent_type": organisation.constituent_type,
        "themes": [theme.code for theme in offer.themes],
        "modalities": list(offer.modalities),
        "languages": list(offer.languages),
        "evidence": offer.evidence,
        "capacity_per_year": offer.capacity_per_year,
        "published_at": offer.published_at.isoformat() if offer.published_at else None,
        "source": offer.source,
    }


def page_links(base_url: str, endpoint: str, argument: str) -> Callable[[int], str]:
    """The absolute address of a page by id under ``base_url``, built from the app's routes
    alone: the CLI has no request, and its files must link where the pages do."""
    root = base_url.rstrip("/")
    build = current_app.url_map.bind("").build
    return lambda page_id: root + build(endpoint, {argument: page_id})


def exchange_links(base_url: str) -> Callable[[int], str]:
    return page_links(base_url, "public.exchange", "exchange_id")


def exchange_records(filters: Filters, base_url: str) -> Iterator[dict[str, Any]]:
    url = exchange_links(base_url)
    for exchange in records.stream(filters):
        yield exchange_record(exchange, url(exchange.id))


def offer_records(base_url: str) -> Iterator[dict[str, Any]]:
    """Published offers of verified organisations, a batch at a time."""
    url = page_links(base_url, "profiles.offer_detail", "entry_id")
    query = (
        public_query(OFFERS)
        .options(selectinload(Offer.themes), selectinload(Offer.organisation))
        .order_by(Offer.id)
        .execution_options(yield_per=BATCH)
    )
    for offer in db.session.scalars(query):
        yield offer_record(offer, url(offer.id))


def as_csv(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """CSV with a header row; list fields joined with "; "."""
    buffer = io.StringIO()
    writer: csv.DictWriter[str] | None = None
    for count, row in enumerate(rows, start=1):
        flat = {k: "; ".join(v) if isinstance(v, list) else v for k, v in row.items()}
        if writer is None:
            writer = csv.DictWriter(buffer, fieldnames=list(flat), lineterminator="\r\n")
            writer.writeheader()
        writer.writerow(flat)
        if count % BATCH == 0:
            yield _drain(buffer)
    yield _drain(buffer)


def as_json(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
    """A JSON array, one record per line."""
    yield "["
    for count, row in enumerate(rows):
        yield ("," if count else "") + "\n" + json.dumps(row, ensure_ascii=False)
    yield "\n]\n"


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


DATASETS = ("exchanges", "offers")
FORMATS = ("csv", "json", "iati")


def export(
    fmt: str,
    dataset: str,
    *,
    filters: Filters,
    base_url: str,
    reporting_org: iati.ReportingOrg | None = None,
) -> Iterator[str]:
    """The chunks of one export, linking to the pages under ``base_url``; an unknown format
    or dataset is refused before any output."""
    if fmt not in FORMATS:
        raise Invalid(f"Unknown export format {fmt!r}: choose csv, json or iati.")
    if dataset not in DATASETS:
        raise Invalid(f"Unknown dataset {dataset!r}: choose exchanges or offers.")
    if fmt == "iati":
        if dataset != "exchanges" or reporting_org is None:
            raise Invalid("The IATI export covers exchanges only; export offers as csv or json.")
        return iati.activities(records.stream(filters), reporting_org, exchange_links(base_url))
    rows = (
        exchange_records(filters, base_url) if dataset == "exchanges" else offer_records(base_url)
    )
    return as_csv(rows) if fmt == "csv" else as_json(rows)
