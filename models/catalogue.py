"""What organisations want to learn (needs) and the expertise they share (offers)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, Column, ForeignKey, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, declared_attr, mapped_column, relationship

from matchmaker.knowledge.vocabulary import NEED_STATUSES, OFFER_STATUSES
from models.base import Base, Timestamped, sql_in

if TYPE_CHECKING:
    from models.organisation import Organisation
    from models.reference import Theme

need_themes = Table(
    "need_themes",
    Base.metadata,
    Column("need_id", ForeignKey("needs.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_code", ForeignKey("themes.code"), primary_key=True),
)
offer_themes = Table(
    "offer_themes",
    Base.metadata,
    Column("offer_id", ForeignKey("offers.id", ondelete="CASCADE"), primary_key=True),
    Column("theme_code", ForeignKey("themes.code"), primary_key=True),
)


class CatalogueEntry(Timestamped):
    """Columns needs and offers share: owner, texts, themes, modalities, languages, status."""

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text)
    text_language: Mapped[str] = mapped_column(String(8), default="en")
    modalities: Mapped[list[str]] = mapped_column(default=list)
    languages: Mapped[list[str]] = mapped_column(default=list)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    source: Mapped[str | None] = mapped_column(String(500))
    published_at: Mapped[datetime | None]

    @declared_attr
    def organisation_id(cls) -> Mapped[int]:
        return mapped_column(ForeignKey("organisations.id"), index=True)


class Need(CatalogueEntry, Base):
    """A learning need, owned by the requesting organisation (country ownership)."""

    __tablename__ = "needs"
    __table_args__ = (
        CheckConstraint(sql_in("status", NEED_STATUSES), name="status"),
        CheckConstraint(
            "start_date IS NULL OR end_date IS NULL OR start_date <= end_date", name="window"
        ),
        UniqueConstraint("organisation_id", "title", name="uq_needs_organisation_title"),
    )

    start_date: Mapped[date | None]
    end_date: Mapped[date | None]

    organisation: Mapped[Organisation] = relationship(back_populates="needs")
    themes: Mapped[list[Theme]] = relationship(secondary=need_themes, order_by="Theme.code")


class Offer(CatalogueEntry, Base):
    """Expertise a provider shares, with its evidence of results and yearly capacity."""

    __tablename__ = "offers"
    __table_args__ = (
        CheckConstraint(sql_in("status", OFFER_STATUSES), name="status"),
        CheckConstraint("capacity_per_year >= 0", name="capacity"),
        UniqueConstraint("organisation_id", "title", name="uq_offers_organisation_title"),
    )

    evidence: Mapped[str] = mapped_column(Text, default="")
    capacity_per_year: Mapped[int] = mapped_column(default=2)

    organisation: Mapped[Organisation] = relationship(back_populates="offers")
    themes: Mapped[list[Theme]] = relationship(secondary=offer_themes, order_by="Theme.code")
