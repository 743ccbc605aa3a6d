"""Stored sentence embeddings of offers, so the engine never re-encodes an unchanged text, and
the log of changes that keeps every process's ranking index current."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, utcnow


class OfferEmbedding(Base):
    """One offer's embedding by one model, valid while the offer's text hash is unchanged."""

    __tablename__ = "offer_embeddings"

    offer_id: Mapped[int] = mapped_column(
        ForeignKey("offers.id", ondelete="CASCADE"), primary_key=True
    )
    model: Mapped[str] = mapped_column(String(60))
    text_hash: Mapped[str] = mapped_column(String(64))
    vector: Mapped[bytes] = mapped_column(LargeBinary)  # float32, little-endian


class IndexChange(Base):
    """A change the ranking index of every process must absorb: re-read one offer, or (without
    an offer) rebuild, for changes that reach beyond offers (organisations, exchanges)."""

    __tablename__ = "index_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    offer_id: Mapped[int | None] = mapped_column(index=True)  # no foreign key: outlives the offer
    token: Mapped[str] = mapped_column(String(32))  # random: a reset database reuses no version
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
