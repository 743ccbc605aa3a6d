"""Loads validated data files into the database: all or nothing, idempotent by natural keys."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select

from matchmaker.errors import Invalid
from matchmaker.extensions import db
from matchmaker.knowledge.documents import data_files
from matchmaker.knowledge.fields import Problem
from matchmaker.knowledge.record_types import Dataset, ExchangeRecord, PartyRecord
from matchmaker.knowledge.records import read_dataset
from matchmaker.profiles.organisations import name_key
from models import (
    DataLoad,
    Exchange,
    ExchangeEvent,
    ExchangeProvider,
    Need,
    Offer,
    Organisation,
    Theme,
)
from models.base import utcnow


class DataProblems(Invalid):
    """A data file that cannot be loaded; `problems` locates each issue (file, record, field)."""

    def __init__(self, problems: tuple[Problem, ...]) -> None:
        super().__init__(f"{len(problems)} problem(s) found; nothing was loaded.")
        self.problems = problems


@dataclass
class LoadReport:
    organisations: int = 0
    offers: int = 0
    needs: int = 0
    exchanges: int = 0
    skipped: bool = False

    def summary(self) -> str:
        if self.skipped:
            return "Demo data unchanged since the last load; nothing to do."
        return (
            f"Loaded {self.organisations} organisations, {self.offers} offers, "
            f"{self.needs} needs and {self.exchanges} past exchanges."
        )


def validate_path(path: Path) -> Dataset:
    """Read and check a file or folder; never raises on bad data."""
    return read_dataset(path, theme_codes=set(db.session.scalars(select(Theme.code))))


def fingerprint(path: Path) -> str:
    digest = hashlib.sha256()
    for file in data_files(path) if path.exists() else []:
        digest.update(file.name.encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()


def load_path(
    path: Path, *, dataset: str | None = None, skip_unchanged: bool = False
) -> LoadReport:
    """Validate, then upsert everything in the caller's transaction (it commits or rolls back)."""
    label = dataset or str(path.resolve())
    stamp = fingerprint(path)
    previous = db.session.scalar(select(DataLoad).where(DataLoad.dataset == label))
    if skip_unchanged and previous is not None and previous.fingerprint == stamp:
        return LoadReport(skipped=True)
    data = validate_path(path)
    if not data.ok:
        raise DataProblems(data.problems)
    report = _Loader().load(data)
    if previous is None:
        db.session.add(DataLoad(dataset=label, fingerprint=stamp))
    else:
        previous.fingerprint, previous.loaded_at = stamp, utcnow()
    db.session.flush()
    return report


class _Loader:
    """One load: caches of what exists, so each record costs no query of its own."""

    def __init__(self) -> None:
        self.themes = {t.code: t for t in db.session.scalars(select(Theme))}
        self.organisations = {
            (o.country_code, o.name_key): o for o in db.session.scalars(select(Organisation))
        }

    def load(self, data: Dataset) -> LoadReport:
        report = LoadReport()
        for record in data.organisations:
            self._organisation(record)
            report.organisations += 1
        db.session.flush()
        offers = {(o.organisation_id, o.title): o for o in db.session.scalars(select(Offer))}
        needs = {(n.organisation_id, n.title): n for n in db.session.scalars(select(Need))}
        for offer in data.offers:
            self._entry(
                Offer, offers, offer, evidence=offer.evidence, capacity_per_year=offer.capacity
            )
            report.offers += 1
        for need in data.needs:
            self._entry(Need, needs, need, start_date=need.start_date, end_date=need.end_date)
            report.needs += 1
        db.session.flush()
        existing = {
            e.key: e for e in db.session.scalars(select(Exchange).where(Exchange.key.is_not(None)))
        }
        for exchange in data.exchanges:
            self._exchange(exchange, existing.get(exchange.key), needs)
            report.exchanges += 1
        db.session.flush()
        return report

    def _organisation(self, record: Any) -> None:
        key = (record.country, name_key(record.name))
        organisation = self.organisations.get(key)
        if organisation is None:
            organisation = Organisation(country_code=record.country, name_key=key[1])
            db.session.add(organisation)
            self.organisations[key] = organisation
        organisation.name = record.name
        organisation.constituent_type = record.type
        organisation.subtype = record.subtype
        organisation.description = record.description
        organisation.website = record.website
        organisation.working_languages = list(record.languages)
        organisation.source = record.source
        if organisation.verification_status != "verified":
            organisation.verification_status = "verified"
            organisation.verified_at = utcnow()

    def _party(self, party: PartyRecord) -> Organisation:
        return self.organisations[(party.country, name_key(party.organisation))]

    def _entry(
        self, model: type[Any], existing: dict[tuple[int, str], Any], record: Any, **extra: Any
    ) -> None:
        organisation = self._party(PartyRecord(record.country, record.organisation))
        entry = existing.get((organisation.id, record.title))
        if entry is None:
            entry = model(organisation=organisation, title=record.title)
            db.session.add(entry)
            existing[(organisation.id, record.title)] = entry
        entry.description = record.description
        entry.text_language = record.language
        entry.themes = [self.themes[code] for code in record.themes]
        entry.modalities = list(record.modalities)
        entry.languages = list(record.languages)
        entry.source = record.source
        if record.status == "published" and entry.published_at is None:
            entry.published_at = utcnow()
        entry.status = record.status
        for field, value in extra.items():
            setattr(entry, field, value)

    def _exchange(
        self, record: ExchangeRecord, exchange: Exchange | None, needs: dict[tuple[int, str], Need]
    ) -> None:
        """A documented past exchange: a closed need of the requester and a completed exchange.

        The need is the exchange's own (titled with the year), never a need of the requester's
        that happens to share the title.
        """
        requester = self._party(record.requester)
        need = exchange.need if exchange is not None else None
        if need is None:
            title = f"{record.title} ({record.year})"
            if (requester.id, title) in needs:
                title = f"{title} [{record.key}]"[:200]
            need = Need(organisation=requester, title=title)
            db.session.add(need)
            needs[(requester.id, title)] = need
        need.organisation = requester
        need.description = record.objectives
        need.text_language = record.language
        need.themes = [self.themes[code] for code in record.themes]
        need.modalities = [record.modality]
        need.status = "closed"
        need.source = record.source
        if exchange is None:
            exchange = Exchange(key=record.key, need=need, state="completed", version=1)
            db.session.add(exchange)
            exchange.events.append(
                ExchangeEvent(
                    action="import",
                    from_state=None,
                    to_state="completed",
                    actor_name="data import",
                    actor_role="system",
                    comment=f"Documented exchange loaded from {record.source}",
                )
            )
        exchange.title = record.title
        exchange.modality = record.modality
        exchange.objectives = record.objectives
        exchange.results = record.results
        exchange.text_language = record.language
        exchange.year = record.year
        exchange.source = record.source
        facilitator = record.facilitator
        exchange.facilitator = self._party(facilitator) if facilitator else None
        exchange.facilitator_role = facilitator.role if facilitator else None
        wanted = {self._party(p).id: self._party(p) for p in record.providers}
        exchange.providers = [p for p in exchange.providers if p.organisation_id in wanted]
        present = {p.organisation_id for p in exchange.providers}
        for organisation_id, organisation in wanted.items():
            if organisation_id not in present:
                exchange.providers.append(
                    ExchangeProvider(
                        organisation=organisation, consent="accepted", responded_at=utcnow()
                    )
                )
