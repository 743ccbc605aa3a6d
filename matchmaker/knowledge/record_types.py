"""The plain records a data file describes, shared by the validator, the loader and the tools."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from matchmaker.knowledge.fields import Problem


@dataclass(frozen=True)
class OrganisationRecord:
    """An organisation of the demo world; natural key: country + name (case-insensitive)."""

    name: str
    country: str
    type: str
    subtype: str
    description: str
    website: str | None
    languages: tuple[str, ...]
    source: str


@dataclass(frozen=True)
class OfferRecord:
    """Expertise an organisation shares; natural key: organisation (country, name) + title."""

    country: str
    organisation: str
    title: str
    language: str
    description: str
    themes: tuple[str, ...]
    evidence: str
    modalities: tuple[str, ...]
    languages: tuple[str, ...]
    capacity: int
    source: str
    status: str


@dataclass(frozen=True)
class NeedRecord:
    """What an organisation wants to learn; natural key: organisation (country, name) + title."""

    country: str
    organisation: str
    title: str
    language: str
    description: str
    themes: tuple[str, ...]
    modalities: tuple[str, ...]
    languages: tuple[str, ...]
    start_date: date | None
    end_date: date | None
    source: str
    status: str


@dataclass(frozen=True)
class PartyRecord:
    """An organisation taking part in a past exchange; role is set for the facilitator only."""

    country: str
    organisation: str
    role: str | None = None


@dataclass(frozen=True)
class ExchangeRecord:
    """A documented past exchange; natural key: key."""

    key: str
    title: str
    language: str
    objectives: str
    results: str
    requester: PartyRecord
    providers: tuple[PartyRecord, ...]
    facilitator: PartyRecord | None
    modality: str
    themes: tuple[str, ...]
    year: int
    source: str


@dataclass(frozen=True)
class Dataset:
    """Records that passed their own checks, and every problem; load only when problems is empty."""

    organisations: tuple[OrganisationRecord, ...]
    offers: tuple[OfferRecord, ...]
    needs: tuple[NeedRecord, ...]
    exchanges: tuple[ExchangeRecord, ...]
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        """Whether the files are clean enough to load."""
        return not self.problems
