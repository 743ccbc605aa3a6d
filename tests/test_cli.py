"""The command line: init, users create, stats."""

from __future__ import annotations

import json

from sqlalchemy import select

from matchmaker.extensions import db
from models import Organisation, User


def test_users_create_with_new_organisation(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "Officer@Labour.example.zm",
            "--role",
            "member",
            "--organisation",
            "Ministry of Labour and Social Security",
            "--country",
            "zmb",
            "--type",
            "government",
            "--password-stdin",
        ],
        input="a long enough passphrase\n",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User).where(User.email == "officer@labour.example.zm"))
    assert user.organisation.name == "Ministry of Labour and Social Security"
    assert user.organisation.is_verified
    assert user.password_hash.startswith("$argon2")


def test_users_create_reuses_organisation_and_refuses_duplicates(runner, make_organisation):
    organisation = make_organisation(
        "Central Organisation of Trade Unions", "KEN", constituent_type="workers"
    )
    args = [
        "users",
        "create",
        "--email",
        "a@cotu.example.ke",
        "--organisation",
        "central organisation of trade unions",
        "--country",
        "KEN",
        "--password-stdin",
    ]
    assert runner.invoke(args=args, input="a long enough passphrase\n").exit_code == 0
    assert db.session.scalar(select(User)).organisation_id == organisation.id
    again = runner.invoke(args=args, input="a long enough passphrase\n")
    assert again.exit_code != 0 and "already exists" in again.output


def test_users_create_refuses_weak_password_and_writes_nothing(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "x@example.org",
            "--organisation",
            "New body",
            "--country",
            "GHA",
            "--type",
            "other",
            "--password-stdin",
        ],
        input="short\n",
    )
    assert result.exit_code != 0
    assert "at least 12 characters" in result.output
    assert db.session.scalar(select(Organisation)) is None
    assert db.session.scalar(select(User)) is None


def test_users_create_needs_type_for_a_new_organisation(runner):
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "x@example.org",
            "--organisation",
            "New body",
            "--country",
            "GHA",
        ]
    )
    assert result.exit_code != 0 and "--type is required" in result.output


def test_generated_password_is_printed_once(runner):
    result = runner.invoke(
        args=["users", "create", "--email", "c@example.org", "--role", "coordinator"]
    )
    assert result.exit_code == 0
    assert "Password (shown once):" in result.output


def test_stats_json_shape(runner, make_organisation, make_user, make_need, make_offer):
    organisation = make_organisation("Org", "ZMB")
    make_organisation("Org 2", "KEN")
    make_user(organisation)
    make_user(role="coordinator")
    make_need(organisation)
    make_offer(organisation, status="draft")
    result = runner.invoke(args=["stats", "--json"])
    figures = json.loads(result.output)
    assert figures["organisations"] == 2 and figures["countries"] == 2
    assert figures["users"] == {"member": 1, "coordinator": 1, "admin": 0}
    assert figures["needs"]["published"] == 1 and figures["offers"]["draft"] == 1
    assert set(figures["exchanges"]) >= {"draft", "completed", "closed"}
