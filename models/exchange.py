"""Exchanges between a requesting organisation and its providers, their audit trail and evaluations.

The states are listed here for the database constraint; which action moves an exchange from one
state to another is decided by the workflow module alone.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Numeric,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.knowledge.vocabulary import FACILITATOR_ROLES, MODALITIES
from models.base import Base, Timestamped, sql_in, utcnow

if TYPE_CHECKING:
    from models.catalogue import Need, Offer
    from models.organisation import Organisation
    from models.user import User

EXCHANGE_STATES = (
    "draft",
    "proposed",
    "accepted",
    "under_review",
    "approved",
    "scheduled",
    "in_progress",
    "completed",
    "evaluated",
    "closed",
    "declined",
    "withdrawn",
    "rejected",
    "cancelled",
)
CONSENTS = ("pending", "accepted", "declined")


class Exchange(Timestamped, Base):
    """One peer-learning exchange; `version` makes every transition a compare-and-set."""

    __tablename__ = "exchanges"
    __table_args__ = (
        CheckConstraint(sql_in("state", EXCHANGE_STATES), name="state"),
        CheckConstraint(sql_in("modality", MODALITIES), name="modality"),
        CheckConstraint(
            "facilitator_role IS NULL OR " + sql_in("facilitator_role", FACILITATOR_ROLES),
            name="facilitator_role",
        ),
        CheckConstraint("version >= 1", name="version"),
        CheckConstraint("participants IS NULL OR participants >= 0", name="participants"),
        CheckConstraint("budget_amount IS NULL OR budget_amount >= 0", name="budget"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(
        String(120), unique=True
    )  # natural key of loaded history
    need_id: Mapped[int] = mapped_column(ForeignKey("needs.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    version: Mapped[int] = mapped_column(default=1)
    modality: Mapped[str] = mapped_column(String(30))
    objectives: Mapped[str] = mapped_column(Text, default="")
    expected_results: Mapped[str] = mapped_column(Text, default="")
    results: Mapped[str] = mapped_column(Text, default="")
    text_language: Mapped[str] = mapped_column(String(8), default="en")
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]
    year: Mapped[int | None]
    budget_amount: Mapped[Decimal | None] = mapped_column(Numeric(14, 2))
    budget_currency: Mapped[str | None] = mapped_column(String(3))
    funding_source: Mapped[str | None] = mapped_column(String(200))
    participants: Mapped[int | None]
    languages: Mapped[list[str]] = mapped_column(default=list)
    facilitator_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    facilitator_role: Mapped[str | None] = mapped_column(String(30))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    source: Mapped[str | None] = mapped_column(String(500))

    need: Mapped[Need] = relationship()
    facilitator: Mapped[Organisation | None] = relationship()
    providers: Mapped[list[ExchangeProvider]] = relationship(
        back_populates="exchange", cascade="all, delete-orphan"
    )
    events: Mapped[list[ExchangeEvent]] = relationship(order_by="ExchangeEvent.id")
    evaluations: Mapped[list[Evaluation]] = relationship(back_populates="exchange")


class ExchangeProvider(Base):
    """A providing organisation in an exchange and its consent."""

    __tablename__ = "exchange_providers"
    __table_args__ = (
        UniqueConstraint("exchange_id", "organisation_id", name="uq_exchange_providers_pair"),
        CheckConstraint(sql_in("consent", CONSENTS), name="consent"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[int] = mapped_column(ForeignKey("exchanges.id", ondelete="CASCADE"))
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    offer_id: Mapped[int | None] = mapped_column(ForeignKey("offers.id"))
    consent: Mapped[str] = mapped_column(String(20), default="pending")
    consent_reason: Mapped[str | None] = mapped_column(Text)
    responded_at: Mapped[datetime | None]

    exchange: Mapped[Exchange] = relationship(back_populates="providers")
    organisation: Mapped[Organisation] = relationship()
    offer: Mapped[Offer | None] = relationship()


class ExchangeEvent(Base):
    """Append-only audit trail: who moved an exchange from which state to which, and why."""

    __tablename__ = "exchange_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[int] = mapped_column(ForeignKey("exchanges.id"), index=True)
    action: Mapped[str] = mapped_column(String(30))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_name: Mapped[str] = mapped_column(String(120))
    actor_role: Mapped[str] = mapped_column(String(20))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    comment: Mapped[str] = mapped_column(Text, default="")
    at: Mapped[datetime] = mapped_column(default=utcnow)

    actor: Mapped[User | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()


class Evaluation(Base):
    """One side's evaluation of a completed exchange (focus on results)."""

    __tablename__ = "evaluations"
    __table_args__ = (
        UniqueConstraint("exchange_id", "organisation_id", name="uq_evaluations_side"),
        CheckConstraint("usefulness BETWEEN 1 AND 5", name="usefulness"),
        CheckConstraint(sql_in("side", ("requester", "provider")), name="side"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    exchange_id: Mapped[int] = mapped_column(ForeignKey("exchanges.id"), index=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    side: Mapped[str] = mapped_column(String(20))
    usefulness: Mapped[int]
    results_achieved: Mapped[str] = mapped_column(Text, default="")
    will_apply: Mapped[str] = mapped_column(Text, default="")
    principles: Mapped[dict[str, int]] = mapped_column(default=dict)  # principle -> 1..5
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    exchange: Mapped[Exchange] = relationship(back_populates="evaluations")
    organisation: Mapped[Organisation] = relationship()
