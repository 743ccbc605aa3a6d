"""Typed SQLAlchemy models of Matchmaker: data and constraints only, no workflow, no Flask."""

from models.base import Base
from models.catalogue import Need, Offer, need_themes, offer_themes
from models.exchange import Evaluation, Exchange, ExchangeEvent, ExchangeProvider
from models.matching import IndexChange, OfferEmbedding
from models.notification import Notification, OutboxMessage
from models.organisation import Invitation, Organisation, VerificationDecision
from models.provenance import DataLoad
from models.reference import Country, Theme
from models.round import (
    Round,
    RoundCapacity,
    RoundNeed,
    RoundPairRule,
    RoundPartner,
    RoundSolve,
)
from models.user import ApiToken, User

__all__ = [
    "ApiToken",
    "Base",
    "Country",
    "DataLoad",
    "Evaluation",
    "Exchange",
    "ExchangeEvent",
    "ExchangeProvider",
    "IndexChange",
    "Invitation",
    "Need",
    "Notification",
    "Offer",
    "OfferEmbedding",
    "Organisation",
    "OutboxMessage",
    "Round",
    "RoundCapacity",
    "RoundNeed",
    "RoundPairRule",
    "RoundPartner",
    "RoundSolve",
    "Theme",
    "User",
    "VerificationDecision",
    "need_themes",
    "offer_themes",
]
