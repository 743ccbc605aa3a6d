"""Backups of the whole database and their restoration, for SQLite and PostgreSQL.

SQLite: the online backup API, so a backup taken while the app serves is consistent, and a
restore is one write transaction on the live file (other connections wait, then see either the
old or the restored database). PostgreSQL: pg_dump's custom format, restored by pg_restore in a
single transaction. A backup never overwrites a file unless asked to.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess  # noqa: S404  (runs pg_dump/pg_restore, found on the PATH, without a shell)
import tempfile
from pathlib import Path

from sqlalchemy import Engine, make_url

from matchmaker.errors import DomainError

POSTGRES_TOOLS_HINT = "install the PostgreSQL client tools (e.g. apt install postgresql-client)"


class BackupError(DomainError):
    """A backup or restore could not be made; the message says what to do."""


def backup(engine: Engine, target: Path, *, force: bool = False) -> None:
    """Write a backup of the database to `target` (refused if it exists, unless `force`)."""
    target = target.expanduser()
    if target.is_dir():
        raise BackupError(f"{target} is a folder: give the path of the backup file to write.")
    if target.exists() and not force:
        raise BackupError(f"{target} already exists: choose another path, or add --force.")
    if not target.parent.is_dir():
        raise BackupError(f"The folder {target.parent} does not exist.")
    fd, draft_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    draft = Path(draft_name)
    try:
        if engine.dialect.name == "sqlite":
            _sqlite_backup(_sqlite_path(engine), draft)
        else:
            _run([_tool("pg_dump"), "--format=custom", "--no-owner", f"--file={draft}"], engine)
        _publish(draft, target, force)
    finally:
        draft.unlink(missing_ok=True)


def restore(engine: Engine, source: Path) -> None:
    """Replace the database's content by the backup in `source`, all at once."""
    source = source.expanduser()
    if not source.is_file():
        raise BackupError(f"{source} is not a file: give the path of a backup made by backup.")
    engine.dispose()  # our own pooled connections must not hold locks against the restore
    if engine.dialect.name == "sqlite":
        _sqlite_restore(source, _sqlite_path(engine))
    else:
        _run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                str(source),
            ],
            engine,
        )


def _publish(draft: Path, target: Path, force: bool) -> None:
    """Move the finished draft into place: atomically, and never over a file unless forced."""
    if force:
        os.replace(draft, target)
        return
    try:
        os.link(draft, target)
    except FileExistsError as exc:
        raise BackupError(f"{target} already exists: choose another path, or add --force.") from exc


def _sqlite_path(engine: Engine) -> Path:
    database = engine.url.database
    if not database or database == ":memory:":
        raise BackupError("An in-memory SQLite database cannot be backed up or restored.")
    return Path(database)


def _sqlite_backup(database: Path, draft: Path) -> None:
    source = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    target = sqlite3.connect(draft)
    try:
        source.backup(target)
    finally:
        target.close()
        source.close()


def _sqlite_restore(source: Path, database: Path) -> None:
    backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
    try:
        _check_sqlite_backup(backup_db, source)
        live = sqlite3.connect(database, timeout=30)
        try:
            backup_db.backup(live)  # one write transaction on the live database
        finally:
            live.close()
    except sqlite3.Error as exc:
        raise BackupError(f"Could not restore {source}: {exc}.") from exc
    finally:
        backup_db.close()


def _check_sqlite_backup(connection: sqlite3.Connection, source: Path) -> None:
    """Refuse what is not a Matchmaker backup before touching the live database."""
    try:
        status = connection.execute("PRAGMA quick_check").fetchone()[0]
        tables = {row[0] for row in connection.execute("SELECT name FROM sqlite_master")}
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{source} is not an SQLite backup ({exc}).") from exc
    if status != "ok":
        raise BackupError(f"{source} is damaged ({status}); nothing was restored.")
    if not {"alembic_version", "users"} <= tables:
        raise BackupError(f"{source} is not a Matchmaker database; nothing was restored.")


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise BackupError(f"{name} was not found on the PATH: {POSTGRES_TOOLS_HINT}.")
    return path


def _run(command: list[str], engine: Engine) -> None:
    """Run a PostgreSQL client tool on the configured database; the password goes by the
    environment, never on the command line (where other users could read it)."""
    url = make_url(engine.url).set(drivername="postgresql")
    environment = dict(os.environ)
    if url.password:
        environment["PGPASSWORD"] = str(url.password)
    dbname = url.set(password=None).render_as_string(hide_password=False)
    result = subprocess.run(  # noqa: S603  (fixed arguments, no shell)
        [*command, f"--dbname={dbname}"],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        detail = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else ""
        raise BackupError(f"{Path(command[0]).name} failed: {detail or 'no message'}")
