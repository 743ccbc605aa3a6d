"""Stored sentence embeddings of offers, so the engine never re-encodes an unchanged text."""

from __future__ import annotations

from sqlalchemy import ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base


class OfferEmbedding(Base):
    """One offer's embedding by one model, valid while the offer's text hash is unchanged."""

    __tablename__ = "offer_embeddings"

    offer_id: Mapped[int] = mapped_column(
        ForeignKey("offers.id", ondelete="CASCADE"), primary_key=True
    )
    model: Mapped[str] = mapped_column(String(60))
    text_hash: Mapped[str] = mapped_column(String(64))
    vector: Mapped[bytes] = mapped_column(LargeBinary)  # float32, little-endian
