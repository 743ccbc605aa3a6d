"""Sends the e-mail outbox over SMTP, retrying failures with exponential backoff."""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage

from sqlalchemy import select

from matchmaker.extensions import db
from models import OutboxMessage
from models.base import utcnow

log = logging.getLogger(__name__)
MAX_BACKOFF = timedelta(hours=6)


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    username: str
    password: str
    starttls: bool
    sender: str

    @classmethod
    def from_config(cls, config: dict[str, object]) -> SmtpSettings:
        return cls(
            str(config["SMTP_HOST"]),
            int(config["SMTP_PORT"]),  # type: ignore[call-overload]
            str(config["SMTP_USERNAME"]),
            str(config["SMTP_PASSWORD"]),
            bool(config["SMTP_STARTTLS"]),
            str(config["MAIL_FROM"]),
        )


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes after each failed attempt, at most six hours."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


def _deliver(settings: SmtpSettings, message: OutboxMessage) -> None:
    if not settings.host:  # development: the log is the mailbox
        log.info("e-mail to %s: %s\n%s", message.recipient, message.subject, message.body)
        return
    email = EmailMessage()
    email["From"], email["To"], email["Subject"] = (
        settings.sender,
        message.recipient,
        message.subject,
    )
    email.set_content(message.body)
    with smtplib.SMTP(settings.host, settings.port, timeout=20) as smtp:
        if settings.starttls:
            smtp.starttls()
        if settings.username:
            smtp.login(settings.username, settings.password)
        smtp.send_message(email)


def send_due(settings: SmtpSettings, *, limit: int = 100) -> tuple[int, int]:
    """Send messages whose time has come; each outcome is committed on its own."""
    due = list(
        db.session.scalars(
            select(OutboxMessage.id)
            .where(OutboxMessage.sent_at.is_(None), OutboxMessage.next_attempt_at <= utcnow())
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
    )
    db.session.commit()
    sent = failed = 0
    for message_id in due:
        message = db.session.get(OutboxMessage, message_id)
        if message is None or message.sent_at is not None:
            continue
        try:
            _deliver(settings, message)
        except (OSError, smtplib.SMTPException) as error:
            message.attempts += 1
            message.next_attempt_at = utcnow() + backoff(message.attempts)
            message.last_error = f"{type(error).__name__}: {error}"[:500]
            failed += 1
            log.warning(
                "e-mail %s to %s failed (attempt %s): %s",
                message.id,
                message.recipient,
                message.attempts,
                message.last_error,
            )
        else:
            message.sent_at = utcnow()
            message.attempts += 1
            sent += 1
        db.session.commit()
    return sent, failed
