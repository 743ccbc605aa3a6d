"""Matching rounds: many needs matched at once, under capacity, diversity and conflict rules.

A round holds its settings, the needs it selected (with each need's ranked candidates and,
once published, its exchange), capacity overrides, pair rules and the solved slate. Which
state follows which is decided by ``matchmaker.rounds.services`` alone.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, CheckConstraint, Float, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Timestamped, sql_in, utcnow

if TYPE_CHECKING:
    from models.catalogue import Need, Offer
    from models.exchange import Exchange
    from models.organisation import Organisation
    from models.user import User

ROUND_STATUSES = ("draft", "solving", "solved", "published")
SOLVE_STATES = ("running", "solved", "cancelled", "failed", "abandoned")
PAIR_RULES = ("conflict", "must", "never")
MAX_PARTNERS = 10  # an exchange takes at most this many providers (exchanges.services)
MAX_CANDIDATES = 200


class Round(Timestamped, Base):
    """One matching round; `version` makes solving and publishing compare-and-set updates."""

    __tablename__ = "rounds"
    __table_args__ = (
        CheckConstraint(sql_in("status", ROUND_STATUSES), name="status"),
        CheckConstraint(
            "min_partners >= 1 AND min_partners <= max_partners "
            f"AND max_partners <= {MAX_PARTNERS}",
            name="partners",
        ),
        CheckConstraint(f"candidates BETWEEN 1 AND {MAX_CANDIDATES}", name="candidates"),
        CheckConstraint("country_cap IS NULL OR country_cap >= 1", name="country_cap"),
        CheckConstraint("version >= 1", name="version"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    min_partners: Mapped[int] = mapped_column(default=1)
    max_partners: Mapped[int] = mapped_column(default=3)
    candidates: Mapped[int] = mapped_column(default=50)
    country_cap: Mapped[int | None]  # most exchanges with the providers of one country
    prefer_same_region: Mapped[bool] = mapped_column(default=True)
    filters: Mapped[dict[str, str]] = mapped_column(default=dict)  # region, country, theme
    statistics: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    version: Mapped[int] = mapped_column(default=1)
    solved_at: Mapped[datetime | None]
    published_at: Mapped[datetime | None]

    created_by: Mapped[User | None] = relationship()
    needs: Mapped[list[RoundNeed]] = relationship(
        back_populates="round", cascade="all, delete-orphan", order_by="RoundNeed.need_id"
    )
    capacities: Mapped[list[RoundCapacity]] = relationship(cascade="all, delete-orphan")
    rules: Mapped[list[RoundPairRule]] = relationship(
        cascade="all, delete-orphan", order_by="RoundPairRule.id"
    )
    slate: Mapped[list[RoundPartner]] = relationship(
        cascade="all, delete-orphan",
        order_by=lambda: [RoundPartner.need_id, RoundPartner.score.desc(), RoundPartner.id],
    )
    solves: Mapped[list[RoundSolve]] = relationship(
        cascade="all, delete-orphan", order_by=lambda: RoundSolve.id.desc()
    )


class RoundNeed(Base):
    """A need selected for a round: its ranked candidates, and the exchange publishing made."""

    __tablename__ = "round_needs"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id"), primary_key=True)
    # [[organisation id, offer id, score], ...] best first: the engine's top-K, for edits
    candidates: Mapped[list[Any]] = mapped_column(JSON, default=list)
    exchange_id: Mapped[int | None] = mapped_column(ForeignKey("exchanges.id"), unique=True)

    round: Mapped[Round] = relationship(back_populates="needs")
    need: Mapped[Need] = relationship()
    exchange: Mapped[Exchange | None] = relationship()


class RoundCapacity(Base):
    """A provider's capacity in one round, overriding its offers' capacity left this year."""

    __tablename__ = "round_capacities"
    __table_args__ = (CheckConstraint("capacity >= 0", name="capacity"),)

    round_id: Mapped[int] = mapped_column(
        ForeignKey("rounds.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    capacity: Mapped[int]

    organisation: Mapped[Organisation] = relationship()


class RoundPairRule(Base):
    """A declared conflict, must-pair or never-pair between a need and a provider."""

    __tablename__ = "round_pair_rules"
    __table_args__ = (
        UniqueConstraint("round_id", "need_id", "organisation_id", name="uq_round_pair_rules_pair"),
        CheckConstraint(sql_in("kind", PAIR_RULES), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    kind: Mapped[str] = mapped_column(String(20))

    need: Mapped[Need] = relationship()
    organisation: Mapped[Organisation] = relationship()


class RoundPartner(Base):
    """One pair of the solved slate; a locked pair survives re-solving as a must-pair."""

    __tablename__ = "round_partners"
    __table_args__ = (
        UniqueConstraint("round_id", "need_id", "organisation_id", name="uq_round_partners_pair"),
        CheckConstraint("score >= 0", name="score"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offers.id"))
    score: Mapped[float] = mapped_column(Float)
    explanation: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    locked: Mapped[bool] = mapped_column(default=False)

    need: Mapped[Need] = relationship()
    organisation: Mapped[Organisation] = relationship()
    offer: Mapped[Offer | None] = relationship()


class RoundSolve(Base):
    """One run of the solver: who started it, its progress and heartbeat, and how it ended.

    `round_version` is the round's version the run claimed: only that run may write the
    round's slate, so a run abandoned and then restarted can no longer overwrite it.
    """

    __tablename__ = "round_solves"
    __table_args__ = (
        CheckConstraint(sql_in("state", SOLVE_STATES), name="state"),
        CheckConstraint(sql_in("previous_status", ("draft", "solved")), name="previous_status"),
        CheckConstraint("done >= 0 AND done <= total", name="progress"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"), index=True)
    round_version: Mapped[int]
    previous_status: Mapped[str] = mapped_column(String(20))  # the round's, restored on failure
    state: Mapped[str] = mapped_column(String(20), default="running")
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))  # None: the CLI
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    heartbeat_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    done: Mapped[int] = mapped_column(default=0)  # needs ranked
    total: Mapped[int]
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    error: Mapped[str | None] = mapped_column(String(1000))

    started_by: Mapped[User | None] = relationship(foreign_keys=[started_by_id])
    cancelled_by: Mapped[User | None] = relationship(foreign_keys=[cancelled_by_id])
