"""People who sign in, and their revocable API tokens."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, CheckConstraint, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, Timestamped, sql_in, utcnow

if TYPE_CHECKING:
    from models.organisation import Organisation

ROLES = ("member", "coordinator", "admin")


class User(Timestamped, Base):
    """An account. `session_token` is what the session cookie names; rotating it ends sessions."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(sql_in("role", ROLES), name="role"),
        CheckConstraint("role <> 'member' OR organisation_id IS NOT NULL", name="member_has_org"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored case-folded
    password_hash: Mapped[str] = mapped_column(String(255))
    display_name: Mapped[str] = mapped_column(String(120))
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"), index=True)
    role: Mapped[str] = mapped_column(String(20), default="member")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    session_token: Mapped[str] = mapped_column(String(64), unique=True)
    last_login_at: Mapped[datetime | None]
    password_changed_at: Mapped[datetime | None]

    organisation: Mapped[Organisation | None] = relationship(back_populates="members")
    api_tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")

    @property
    def is_coordinator(self) -> bool:
        """Coordinators and admins broker exchanges and see every record."""
        return self.role in ("coordinator", "admin")

    # Flask-Login protocol, kept here so the model needs no Flask import.
    @property
    def is_active(self) -> bool:
        return self.active

    is_authenticated = True
    is_anonymous = False

    def get_id(self) -> str:
        return self.session_token


class ApiToken(Base):
    """A bearer token for the JSON API; only its SHA-256 is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    name: Mapped[str] = mapped_column(String(80), default="API token")
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="api_tokens")
