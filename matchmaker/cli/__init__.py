"""Command line: `matchmaker ...` and the same commands under `flask --app wsgi ...`.

Commands are thin: they parse options, call one service, commit once, and print. Each module
holds the commands of one concept; this one only gathers them.
"""

from __future__ import annotations

from flask import Flask
from flask.cli import FlaskGroup

from matchmaker.cli.data import data_group, stats_command
from matchmaker.cli.exports import export_command
from matchmaker.cli.init import init_command, run_command
from matchmaker.cli.matching import assign_command, evaluate_command, rank_command
from matchmaker.cli.operations import backup_command, restore_command
from matchmaker.cli.outbox import outbox_group
from matchmaker.cli.users import users_group

COMMANDS = [
    export_command,
    init_command,
    run_command,
    users_group,
    stats_command,
    data_group,
    rank_command,
    outbox_group,
    evaluate_command,
    assign_command,
    backup_command,
    restore_command,
]


def register(app: Flask) -> None:
    """Add the commands to `flask --app wsgi`, as create_app builds the app."""
    for command in COMMANDS:
        app.cli.add_command(command)


def _create_app() -> Flask:
    from matchmaker import create_app

    return create_app()


main = FlaskGroup(
    name="matchmaker",
    create_app=_create_app,
    add_default_commands=False,
    add_version_option=False,
    help="Matchmaker: South-South peer-learning matches.",
)
for _command in COMMANDS:
    main.add_command(_command)
