"""Demo-world and past-exchange files read into plain records; problems collected, never raised."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from matchmaker.knowledge import vocabulary as vocab
from matchmaker.knowledge.documents import DocumentError, data_files, load_document
from matchmaker.knowledge.fields import Fields, Problem
from matchmaker.knowledge.record_types import (
    Dataset,
    ExchangeRecord,
    NeedRecord,
    OfferRecord,
    OrganisationRecord,
    PartyRecord,
)

NAME_MAX = 200
TITLE_MAX = 200
TEXT_MAX = 5000
SOURCE_MAX = 500  # the database columns' widths (models: source String(500), website String(300))
WEBSITE_MAX = 300
_CODE_MAX = 60
REFERENCE_MIN = 20  # shorter than a real citation: most likely a truncated address
_KEY = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_LANGUAGE = "language code (ISO 639-1, two lower-case letters)"

__all__ = [
    "Dataset", "ExchangeRecord", "NeedRecord", "OfferRecord", "OrganisationRecord",
    "PartyRecord", "Problem", "read_dataset",
]  # fmt: skip


@cache
def _language_codes() -> frozenset[str]:
    """ISO 639-1 codes, so that `sp` for Spanish is caught and not only `ES`."""
    import pycountry

    return frozenset(lang.alpha_2 for lang in pycountry.languages if hasattr(lang, "alpha_2"))


def _norm(text: str) -> str:
    """Natural-key form of a name or title: whitespace collapsed, case folded."""
    return " ".join(text.split()).casefold()


def _label(raw: Mapping[Any, Any], field: str, template: str = ' "{}"') -> str:
    """A record's name, title or key for its locator, when readable."""
    value = raw.get(field)
    return template.format(" ".join(value.split())) if isinstance(value, str) else ""


_ReadExchange = tuple[ExchangeRecord | None, Fields, list[tuple[str, PartyRecord]]]


class _Run:
    """One validation run over a set of files, holding the natural keys seen so far."""

    def __init__(self, countries: Collection[str], themes: Collection[str]) -> None:
        self.countries = countries
        self.themes = themes
        self.problems: list[Problem] = []
        self.organisations: list[OrganisationRecord] = []
        self.offers: list[OfferRecord] = []
        self.needs: list[NeedRecord] = []
        # every exchange read (record None when it failed its own checks), so that parties naming
        # unknown organisations are reported even for exchanges with other problems
        self.exchanges: list[_ReadExchange] = []
        self.keys: dict[tuple[str, ...], str] = {}

    def claim(self, r: Fields, field: str, key: tuple[str, ...], where: str) -> None:
        """Register a natural key (kind first), reporting a duplicate with where the first is."""
        first = self.keys.setdefault(key, where)
        if first != where:
            r.problem(field, f"duplicate {key[0]}: already defined in {first}")

    def read_file(self, path: Path) -> None:
        """Read one file's organisations (with offers and needs) and exchanges."""
        file = str(path)
        try:
            document = load_document(path)
        except DocumentError as exc:
            self.problems.append(Problem(file, "", "", str(exc)))
            return
        if not isinstance(document, Mapping) or not {"organisations", "exchanges"} & set(document):
            message = "expected a mapping with an 'organisations' and/or an 'exchanges' list"
            self.problems.append(Problem(file, "", "", message))
            return
        top = Fields(document, file=file, record="", problems=self.problems)
        for index, raw in top.mappings("organisations"):
            self.organisation(file, index, raw)
        for index, raw in top.mappings("exchanges"):
            self.exchange(file, index, raw)
        top.finish()

    def code(self, r: Fields, field: str, allowed: Collection[str], what: str) -> str | None:
        """One code from a fixed list."""
        return r.text(field, max_length=_CODE_MAX, allowed=allowed, what=what)

    def common(self, r: Fields) -> dict[str, Any]:
        """Fields shared by offers, needs and exchanges."""
        return {
            "title": r.text("title", max_length=TITLE_MAX),
            "language": r.text("language", max_length=2, allowed=_language_codes(), what=_LANGUAGE),
            "themes": r.texts("themes", max_length=_CODE_MAX, allowed=self.themes, what="theme"),
            "source": self.source(r),
        }

    def source(self, r: Fields) -> str | None:
        """Where a reviewer checks a record: a web address, or a full publication reference."""
        value = r.text("source", max_length=SOURCE_MAX, what="source")
        if value is None or value.lower().startswith(("http://", "https://")):
            return r.url("source", max_length=SOURCE_MAX) if value else value
        if len(value) < REFERENCE_MIN:
            r.problem(
                "source",
                "give a web address (https://...) or a full publication "
                "reference (publisher or author, title, year or section)",
            )
        return value

    def languages(self, r: Fields) -> tuple[str, ...]:
        """Working languages of an organisation, or languages an exchange can run in."""
        return r.texts("languages", max_length=2, allowed=_language_codes(), what=_LANGUAGE)

    def organisation(self, file: str, index: int, raw: Mapping[Any, Any]) -> None:
        """Check an organisation, then its offers and needs."""
        record = f"organisations[{index}]{_label(raw, 'name')}{_label(raw, 'country', ' ({})')}"
        r = Fields(raw, file=file, record=record, problems=self.problems)
        name = r.text("name", max_length=NAME_MAX)
        country = self.code(r, "country", self.countries, "country code")
        kind = self.code(r, "type", vocab.CONSTITUENT_TYPES, "constituent type")
        subtype = self.code(r, "subtype", vocab.SUBTYPES, "subtype")
        if kind and subtype and subtype not in vocab.SUBTYPES_BY_TYPE[kind]:
            allowed = ", ".join(vocab.SUBTYPES_BY_TYPE[kind])
            r.problem("subtype", f"{subtype!r} is not a subtype of {kind!r} (allowed: {allowed})")
        values = {
            "description": r.text("description", max_length=TEXT_MAX),
            "website": r.url("website", max_length=WEBSITE_MAX, required=False),
            "languages": self.languages(r),
            "source": self.source(r),
        }
        children = [(kind_, r.mappings(f"{kind_}s")) for kind_ in ("offer", "need")]
        if name and country:
            self.claim(r, "name", ("organisation", country, _norm(name)), f"{file}: {record}")
        if r.finish():
            self.organisations.append(
                OrganisationRecord(name=name, country=country, type=kind, subtype=subtype, **values)
            )
        for child_kind, entries in children:
            for child_index, child in entries:
                where = f"organisations[{index}].{child_kind}s[{child_index}]"
                self.offer_or_need(child_kind, file, where, child, (country, name))

    def offer_or_need(
        self,
        kind: str,
        file: str,
        where: str,
        raw: Mapping[Any, Any],
        owner: tuple[str | None, str | None],
    ) -> None:
        """Check one offer or need of an organisation whose (country, name) is owner."""
        record = where + _label(raw, "title")
        r = Fields(raw, file=file, record=record, problems=self.problems)
        values = self.common(r) | {
            "description": r.text("description", max_length=TEXT_MAX),
            "modalities": r.texts(
                "modalities", max_length=_CODE_MAX, allowed=vocab.MODALITIES, what="modality"
            ),
            "languages": self.languages(r),
            "status": r.text(
                "status", max_length=_CODE_MAX, what="status",
                allowed=vocab.OFFER_STATUSES if kind == "offer" else vocab.NEED_STATUSES,
                required=False,
            ) or vocab.DEFAULT_STATUS,
        }  # fmt: skip
        if kind == "offer":
            values["evidence"] = r.text("evidence", max_length=TEXT_MAX)
            values["capacity"] = r.integer("capacity", 0, 100)
        else:
            start = values["start_date"] = r.date("start_date", required=False)
            end = values["end_date"] = r.date("end_date", required=False)
            if start and end and end < start:
                r.problem("end_date", f"{end} is before start_date {start}")
        country, organisation = owner
        if country and organisation and values["title"]:
            key = (kind, country, _norm(organisation), _norm(values["title"]))
            self.claim(r, "title", key, f"{file}: {record}")
        if r.finish() and country and organisation:
            target, cls = (
                (self.offers, OfferRecord) if kind == "offer" else (self.needs, NeedRecord)
            )
            target.append(cls(country=country, organisation=organisation, **values))

    def party(self, r: Fields, role: bool) -> PartyRecord | None:
        """One {country, organisation[, role]} mapping of an exchange."""
        country = self.code(r, "country", self.countries, "country code")
        organisation = r.text("organisation", max_length=NAME_MAX)
        role_code = self.code(r, "role", vocab.FACILITATOR_ROLES, "role") if role else None
        return PartyRecord(country, organisation, role_code) if r.finish() else None

    def exchange(self, file: str, index: int, raw: Mapping[Any, Any]) -> None:
        """Check one past exchange; its organisations are looked up once every file is read."""
        record = f"exchanges[{index}]{_label(raw, 'key', ' {}')}"
        r = Fields(raw, file=file, record=record, problems=self.problems)
        key = r.text("key", max_length=120, allowed=_KEY, what="key (lower-case slug: a-z, 0-9, -)")
        values = self.common(r) | {
            "objectives": r.text("objectives", max_length=TEXT_MAX),
            "results": r.text("results", max_length=TEXT_MAX),
            "modality": self.code(r, "modality", vocab.MODALITIES, "modality"),
            "year": r.integer("year", 1990, 2100),
        }
        parties: list[tuple[str, PartyRecord | None]] = []
        requester_fields = r.nested("requester")
        if requester_fields:
            parties.append(("requester", self.party(requester_fields, role=False)))
        for i, provider in r.mappings("providers", required=True):
            parties.append(
                (f"providers[{i}]", self.party(r.child(provider, f"providers[{i}]"), False))
            )
        facilitator_fields = r.nested("facilitator", required=False)
        if facilitator_fields:
            parties.append(("facilitator", self.party(facilitator_fields, role=True)))
        found = {label: party for label, party in parties if party}
        requester = found.get("requester")
        providers_seen: list[tuple[str, PartyRecord]] = []
        for label, party in found.items():
            if not label.startswith("providers"):
                continue
            if requester and _same(party, requester):
                r.problem(f"{label}.organisation", "the requester cannot also be a provider")
            first = next((seen for seen, other in providers_seen if _same(party, other)), None)
            if first is not None:
                r.problem(f"{label}.organisation", f"provider listed twice (also {first})")
            providers_seen.append((label, party))
        if key:
            self.claim(r, "key", ("exchange", key), f"{file}: {record}")
        exchange = None
        if r.finish():
            providers = tuple(p for label, p in found.items() if label.startswith("providers"))
            exchange = ExchangeRecord(
                key=key, requester=requester, providers=providers,
                facilitator=found.get("facilitator"), **values,
            )  # fmt: skip
        self.exchanges.append((exchange, r, list(found.items())))

    def referenced(self) -> list[ExchangeRecord]:
        """Report exchange parties missing from the organisations; keep the clean exchanges."""
        known = {key[1:] for key in self.keys if key[0] == "organisation"}
        kept = []
        for exchange, r, parties in self.exchanges:
            for label, party in parties:
                if (party.country, _norm(party.organisation)) not in known:
                    message = f"no organisation {party.organisation!r} ({party.country}) is defined"
                    r.problem(f"{label}.organisation", message)
            if exchange is not None and r.ok:
                kept.append(exchange)
        return kept


def _same(a: PartyRecord, b: PartyRecord) -> bool:
    """Whether two parties name the same organisation (natural key)."""
    return (a.country, _norm(a.organisation)) == (b.country, _norm(b.organisation))


def _default_country_codes() -> frozenset[str]:
    """Country codes of the shipped country facts, imported late to keep this module light."""
    from matchmaker.knowledge.countries import load_countries

    return frozenset(facts.iso3 for facts in load_countries())


def read_dataset(
    path: Path | str,
    *,
    country_codes: Collection[str] | None = None,
    theme_codes: Collection[str] | None = None,
) -> Dataset:
    """Read a data file or folder of them; never raises on bad data, reports it in problems.

    Codes default to the shipped country facts and taxonomy; tests and tools may inject them."""
    if theme_codes is None:
        from matchmaker.knowledge.themes import theme_codes as shipped_theme_codes

        theme_codes = shipped_theme_codes()
    run = _Run(_default_country_codes() if country_codes is None else country_codes, theme_codes)
    path = Path(path)
    files = data_files(path) if path.exists() else []
    if not files:
        run.problems.append(Problem(str(path), "", "", "no YAML or JSON data file found"))
    for file in files:
        run.read_file(file)
    exchanges = run.referenced()
    return Dataset(
        tuple(run.organisations), tuple(run.offers), tuple(run.needs), tuple(exchanges),
        tuple(run.problems),
    )  # fmt: skip
