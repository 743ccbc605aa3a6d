"""WSGI entry point: `gunicorn wsgi:app`."""

from matchmaker import create_app
from matchmaker.matching.service import start_index

app = create_app()
start_index(app)  # in the background: requests are served while the index loads
