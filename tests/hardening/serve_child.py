"""Serve the app on 127.0.0.1:PORT over a scratch SQLite file, as one of several instances.

    python -m tests.hardening.serve_child DATABASE PORT RATELIMIT_STORAGE_URI KEY_PREFIX
"""

from __future__ import annotations

import sys
from pathlib import Path

from werkzeug.serving import make_server

from tests.hardening.scratch import scratch_app


def main(database: str, port: str, storage: str, prefix: str) -> None:
    app = scratch_app(
        Path(database), RATELIMIT_STORAGE_URI=storage, RATELIMIT_KEY_PREFIX=prefix
    )
    server = make_server("127.0.0.1", int(port), app, threaded=True)
    print("serving", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(*sys.argv[1:])
