"""Notifications in the app and e-mails through a real local SMTP server (aiosmtpd)."""

from __future__ import annotations

import socket
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from matchmaker.exchanges.outbox import SmtpSettings, backoff, send_due
from matchmaker.extensions import db
from models import Exchange, Notification, OutboxMessage
from models.base import as_utc, utcnow


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], str]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append((envelope.rcpt_tos, envelope.content.decode()))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, mailbox
    controller.stop()


def settings(port: int) -> SmtpSettings:
    return SmtpSettings("127.0.0.1", port, "", "", False, "matchmaker@example.org")


def test_proposal_notifies_providers_and_mails_arrive(
    app, smtp_server, exchange_world, new_exchange, act
):
    controller, mailbox = smtp_server
    eid = new_exchange()["id"]
    assert act(eid, "requester", "propose", 1).status_code == 200
    kenya = exchange_world["people"]["kenya"]
    notes = db.session.scalars(select(Notification).where(Notification.user_id == kenya.id))
    assert any("propose" in n.message for n in notes)
    assert send_due(settings(controller.port)) == (
        db.session.scalar(select(db.func.count(OutboxMessage.id))),
        0,
    )
    recipients = {r for tos, _ in mailbox.messages for r in tos}
    assert kenya.email in recipients
    assert exchange_world["people"]["requester"].email not in recipients  # the actor
    body = next(content for tos, content in mailbox.messages if kenya.email in tos)
    assert f"/exchanges/{eid}" in body and "Subject: [Matchmaker]" in body
    assert send_due(settings(controller.port)) == (0, 0)  # nothing is sent twice


def test_smtp_down_keeps_the_transition_and_retries_with_backoff(
    app, exchange_world, new_exchange, act
):
    eid = new_exchange()["id"]
    assert act(eid, "requester", "propose", 1).status_code == 200
    sent, failed = send_due(settings(free_port()))  # nobody listens there
    assert sent == 0 and failed > 0
    db.session.expire_all()
    assert db.session.get(Exchange, eid).state == "proposed"
    message = db.session.scalars(select(OutboxMessage)).first()
    assert message.sent_at is None and message.attempts == 1 and message.last_error
    assert as_utc(message.next_attempt_at) > utcnow()
    assert send_due(settings(free_port())) == (0, 0)  # not due yet


def test_backoff_grows_and_is_capped():
    assert [backoff(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert backoff(30) == timedelta(hours=6)


def test_unread_count_and_mark_read(client, sign_in, exchange_world, new_exchange, act):
    eid = new_exchange()["id"]
    act(eid, "requester", "propose", 1)
    sign_in(exchange_world["people"]["kenya"])
    page = client.get("/notifications").get_data(as_text=True)
    assert 'class="count"' in page and "propose" in page
    client.post("/notifications", data={})
    assert 'class="count"' not in client.get("/notifications").get_data(as_text=True)


def test_outbox_cli_in_development_logs_instead_of_sending(
    runner, exchange_world, new_exchange, act, caplog
):
    eid = new_exchange()["id"]
    act(eid, "requester", "propose", 1)
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0 and "failed 0" in result.output
    assert "e-mail to" in caplog.text


def test_notifications_read_in_the_readers_language(
    client, sign_in, exchange_world, new_exchange, act
):
    exchange = new_exchange()
    assert act(exchange["id"], "requester", "propose", exchange["version"]).status_code == 200
    sign_in(exchange_world["people"]["kenya"])
    french = client.get("/notifications", headers={"Accept-Language": "fr"}).get_data(as_text=True)
    english = client.get("/notifications", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "is now proposed" in english
    assert "is now proposed" not in french and "proposé" in french
    assert "Chanda" in french  # the actor, as the audit trail names them
