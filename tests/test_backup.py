"""`matchmaker backup` and `matchmaker restore`: a round trip gives back exactly the data.

Runs on SQLite, and on PostgreSQL (pg_dump/pg_restore) when TEST_DATABASE_URL is set.
"""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from matchmaker import backup as backup_module
from matchmaker.extensions import db
from models import Base, Need, Organisation, User


def _snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, comparable."""
    db.session.remove()
    return {
        table.name: [
            tuple(row)
            for row in db.session.execute(select(table).order_by(*table.primary_key.columns))
        ]
        for table in Base.metadata.sorted_tables
    }


@pytest.fixture
def little_world(make_organisation, make_user, make_need, make_offer):
    union = make_organisation("Confédération syndicale", "SEN", constituent_type="workers")
    make_user(union, display_name="Awa Ndiaye", email="awa@example.sn")
    need = make_need(union, title="الحوار الاجتماعي", themes=["social_dialogue"])
    make_offer(make_organisation("Ministério do Trabalho", "BRA"), title="Inspeção do trabalho")
    return {"union_id": union.id, "need_id": need.id}


def test_round_trip_restores_exactly_what_was_backed_up(runner, tmp_path, little_world, make_user):
    before = _snapshot()
    target = tmp_path / "matchmaker.backup"
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 0, result.output
    assert "Backup written" in result.output and target.stat().st_size > 0

    make_user(db.session.get(Organisation, little_world["union_id"]), email="later@example.sn")
    db.session.delete(db.session.get(Need, little_world["need_id"]))  # changes after the backup
    db.session.commit()
    assert _snapshot() != before

    result = runner.invoke(args=["restore", "--yes", str(target)])
    assert result.exit_code == 0, result.output
    after = _snapshot()
    assert after == before
    assert db.session.scalar(select(User).where(User.email == "later@example.sn")) is None


def test_backup_refuses_to_overwrite_unless_forced(runner, tmp_path, little_world):
    folder = tmp_path / "backups"
    folder.mkdir()
    target = folder / "existing.backup"
    target.write_text("keep me")
    result = runner.invoke(args=["backup", str(target)])
    assert result.exit_code == 1
    assert "already exists" in result.output and "--force" in result.output
    assert target.read_text() == "keep me"
    assert runner.invoke(args=["backup", "--force", str(target)]).exit_code == 0
    assert target.read_bytes() != b"keep me"
    assert [p.name for p in folder.iterdir()] == ["existing.backup"]  # no draft left behind


def test_clear_errors_for_bad_paths(runner, tmp_path):
    missing = runner.invoke(args=["backup", str(tmp_path / "no-such-folder" / "x.backup")])
    assert missing.exit_code == 1 and "does not exist" in missing.output
    absent = runner.invoke(args=["restore", "--yes", str(tmp_path / "absent.backup")])
    assert absent.exit_code == 2 and "does not exist" in absent.output


def test_restore_refuses_a_file_that_is_not_a_backup_and_changes_nothing(
    runner, tmp_path, little_world
):
    before = _snapshot()
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"this is not a database at all" * 200)
    result = runner.invoke(args=["restore", "--yes", str(junk)])
    assert result.exit_code == 1
    assert "not" in result.output or "failed" in result.output
    assert _snapshot() == before


def test_restore_asks_for_confirmation(runner, tmp_path, little_world):
    target = tmp_path / "a.backup"
    assert runner.invoke(args=["backup", str(target)]).exit_code == 0
    result = runner.invoke(args=["restore", str(target)], input="n\n")
    assert result.exit_code == 1 and "Aborted" in result.output


def test_missing_postgres_tools_get_a_clear_message(monkeypatch):
    monkeypatch.setattr(backup_module.shutil, "which", lambda _name: None)
    with pytest.raises(backup_module.BackupError, match="pg_dump was not found.*postgresql-client"):
        backup_module._tool("pg_dump")
