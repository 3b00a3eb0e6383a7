"""The WSGI entry point for production servers, configured from the environment
(api/server/environment.py, docs/deploy.md):

    VOEK_DATABASE=/var/lib/voek/cabinet.sqlite3 VOEK_JOBS=0 \\
        gunicorn -k gthread -w 2 --threads 8 voek_desktop.api.server.wsgi:app
    waitress-serve --listen=127.0.0.1:8080 voek_desktop.api.server.wsgi:app

The app is built when the module is imported, i.e. in each gunicorn worker (do not use
``--preload``: the database connections and the job threads must be the worker's own). At the
worker's exit the background work stops in order: a job it was running is given back.
"""

from __future__ import annotations

import atexit
import logging
import os

from voek_desktop.api.server.app import create_app
from voek_desktop.api.server.environment import config_from_env

if not logging.getLogger().handlers:  # gunicorn logs its own lines; ours go to stderr too
    # VOEK_LOG_LEVEL=WARNING drops the line per request (voek-server --log-level).
    logging.basicConfig(
        level=os.environ.get("VOEK_LOG_LEVEL", "INFO").upper(),
        format="%(asctime)s %(levelname)s %(name)s %(message)s",
    )

app = create_app(config_from_env())
atexit.register(app.close)
