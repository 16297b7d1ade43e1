"""gunicorn settings for production (`gunicorn -c gunicorn.conf.py config.wsgi`), each from the environment.

Sync workers: the pages are short database reads, so a worker per core and a few spare is the
classic fit (2 cores: 3 workers by default, as in the province benchmark). Connections to PostgreSQL
persist per worker (DATABASE_CONN_MAX_AGE, config/settings/production.py); with N nodes, keep
N × workers below PostgreSQL's max_connections or put a pooler in front.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", str(multiprocessing.cpu_count() + 1)))
worker_class = "sync"
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak cannot grow without bound (jitter: not all at once).
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
wsgi_app = "config.wsgi:application"
