"""Organisations (constituents and partners), their verification and invitations to join them."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from matchmaker.knowledge.vocabulary import CONSTITUENT_TYPES
from models.base import Base, Timestamped, sql_in, utcnow

if TYPE_CHECKING:
    from models.catalogue import Need, Offer
    from models.reference import Country
    from models.user import User

VERIFICATION_STATUSES = ("unverified", "verified", "rejected")


class Organisation(Timestamped, Base):
    """A government body, employers' or workers' organisation or other institution."""

    __tablename__ = "organisations"
    __table_args__ = (
        UniqueConstraint("country_code", "name_key", name="uq_organisations_country_name"),
        CheckConstraint(sql_in("constituent_type", CONSTITUENT_TYPES), name="constituent_type"),
        CheckConstraint(sql_in("verification_status", VERIFICATION_STATUSES), name="verification"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))  # case-folded name: the natural key
    country_code: Mapped[str] = mapped_column(ForeignKey("countries.iso3"), index=True)
    constituent_type: Mapped[str] = mapped_column(String(20), index=True)
    subtype: Mapped[str | None] = mapped_column(String(40))
    description: Mapped[str] = mapped_column(Text, default="")
    website: Mapped[str | None] = mapped_column(String(300))
    working_languages: Mapped[list[str]] = mapped_column(default=list)
    source: Mapped[str | None] = mapped_column(String(500))
    verification_status: Mapped[str] = mapped_column(String(20), default="unverified", index=True)
    verification_evidence: Mapped[str] = mapped_column(Text, default="")
    verified_at: Mapped[datetime | None]

    country: Mapped[Country] = relationship(lazy="joined")
    members: Mapped[list[User]] = relationship(back_populates="organisation")
    needs: Mapped[list[Need]] = relationship(back_populates="organisation")
    offers: Mapped[list[Offer]] = relationship(back_populates="organisation")

    @property
    def is_verified(self) -> bool:
        return self.verification_status == "verified"


class VerificationDecision(Base):
    """Append-only record of each verification decision, with the coordinator's reason."""

    __tablename__ = "verification_decisions"
    __table_args__ = (
        CheckConstraint(sql_in("decision", ("verified", "rejected")), name="decision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decision: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)

    decided_by: Mapped[User | None] = relationship()


class Invitation(Base):
    """An invitation by a coordinator or admin for one e-mail address to join an organisation."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    invited_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    accepted_at: Mapped[datetime | None]

    organisation: Mapped[Organisation] = relationship()
