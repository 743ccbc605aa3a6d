"""Matchmaker: peer-learning exchange matchmaking for South-South and triangular cooperation."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matchmaker.config import PROJECT_ROOT, read_settings

if TYPE_CHECKING:  # importing the engine or the knowledge modules must not load Flask
    from flask import Flask


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: settings, extensions, blueprints, error pages, CLI."""
    from flask import Flask

    from matchmaker import (
        auth,
        cli,
        database,
        error_pages,
        extensions,
        i18n,
        logging_setup,
        page_cache,
        routing,
        web_security,
    )
    from matchmaker.api import api
    from matchmaker.coordination.views import coordination
    from matchmaker.exchanges.views import exchanges
    from matchmaker.health import health
    from matchmaker.matching.views import matching
    from matchmaker.profiles.views import profiles
    from matchmaker.public.views import public
    from matchmaker.rounds.views import rounds

    instance_path = Path(os.environ.get("MATCHMAKER_INSTANCE_PATH", PROJECT_ROOT / "instance"))
    app = Flask(
        __name__,
        instance_path=str(instance_path.resolve()),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_mapping(read_settings(os.environ, instance_path))
    if test_config:
        app.config.from_mapping(test_config)

    logging_setup.init_app(app)
    extensions.db.init_app(app)
    extensions.migrate.init_app(app, extensions.db, directory=str(PROJECT_ROOT / "migrations"))
    extensions.csrf.init_app(app)
    extensions.limiter.init_app(app)
    i18n.init_app(app)
    auth.init_login(app)
    database.init_engine_events(app)
    web_security.init_app(app)
    routing.init_app(app)

    app.register_blueprint(auth.views.bp)
    app.register_blueprint(profiles)
    app.register_blueprint(public)
    app.register_blueprint(coordination)
    app.register_blueprint(matching)
    app.register_blueprint(exchanges)
    app.register_blueprint(rounds)
    app.register_blueprint(health)
    app.register_blueprint(api)
    error_pages.register(app)
    cli.register(app)
    page_cache.init_app(app)
    return app
