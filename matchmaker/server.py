"""gunicorn embedded, so `matchmaker run` serves with a production WSGI server."""

from __future__ import annotations

import gc
from typing import Any

from gunicorn.app.base import BaseApplication

DEFAULT_WORKERS = 2  # with 16 threads each: the best of 2x16, 8x4 and 16x2 (benchmarks/load.py)
DEFAULT_THREADS = 16


class _Server(BaseApplication):  # type: ignore[misc]
    def __init__(self, options: dict[str, Any]) -> None:
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:  # in each worker, after the fork
        from matchmaker import create_app
        from matchmaker.matching.service import start_index

        app = create_app()
        start_index(app)
        return app


def _settle_heap(_worker: object) -> None:
    """Once a worker has loaded the app, put what it loaded out of the garbage collector's
    sight: its full collections then scan only what requests allocate, and no longer pause
    every thread for tens of milliseconds under load (measured in benchmarks/load.py)."""
    gc.collect()
    gc.freeze()


def serve(*, host: str, port: int, workers: int, threads: int) -> None:
    _Server(
        {
            "bind": f"{host}:{port}",
            "workers": workers,
            "threads": threads,
            "worker_class": "gthread",
            "accesslog": None,  # the app logs each request, with its id and no query string
            "timeout": 60,
            "graceful_timeout": 20,
            "post_worker_init": _settle_heap,
        }
    ).run()
