"""Alembic migrations build the schema the models describe, on SQLite and PostgreSQL."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import create_engine, inspect, text

from matchmaker import create_app
from matchmaker.extensions import db
from models import Base
from tests.conftest import TEST_DATABASE_URL


def test_upgrade_from_empty_matches_models_and_downgrades(tmp_path):
    url = TEST_DATABASE_URL
    if url:  # a scratch schema so the shared test schema is untouched
        admin = create_engine(url)
        with admin.begin() as connection:
            connection.execute(text("DROP SCHEMA IF EXISTS migration_check CASCADE"))
            connection.execute(text("CREATE SCHEMA migration_check"))
        admin.dispose()
        url += ("&" if "?" in url else "?") + "options=-csearch_path%3Dmigration_check"
    else:
        url = f"sqlite:///{tmp_path / 'migrated.db'}"
    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "x"})
    with app.app_context():
        upgrade()
        with db.engine.connect() as connection:
            differences = compare_metadata(
                MigrationContext.configure(connection, opts={"compare_type": True}), Base.metadata
            )
        assert differences == [], differences
        assert "alembic_version" in inspect(db.engine).get_table_names()
        downgrade(revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        db.engine.dispose()
