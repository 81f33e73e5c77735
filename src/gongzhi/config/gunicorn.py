"""gunicorn settings as deployed: `gunicorn -c python:gongzhi.config.gunicorn gongzhi.config.wsgi`
(docs/deploy.md). bench/appeal_intake.py starts exactly this, so its figure is the deployment's.

3 processes × 2 threads measured best for the API intake on 2 cores (issue #3): the threads overlap
one request's database round trips with another's Python work; keep-alive spares integrations a TCP
handshake per request (nginx keeps its upstream connections open, see docs/deploy.md). On more
cores set WEB_CONCURRENCY to about 2 × cores − 1.

Logs carry no query string and no referrer (a query can hold an ID number, a phone or Open311's
api_key), and every gunicorn record passes the same mask as Django's (core.logmask; issue 13)."""

import os
from typing import Any

from gunicorn.glogging import Logger

from gongzhi.core.logmask import MaskPersonalData

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
keepalive = 30
# %(U)s is the path without the query string; no %(r)s, %(q)s or %(f)s (the referrer has its query)
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s "%(a)s" %(L)s'
logger_class = "gongzhi.config.gunicorn.RedactingLogger"

# Atoms that carry the query string: present in gunicorn's default format or reachable as {…}e / {…}i.
_QUERY_ATOMS = ("q", "f", "{raw_uri}e", "{query_string}e", "{http_referer}e", "{referer}i")


class RedactingLogger(Logger):
    """gunicorn's logger with the query string out of every access atom and the personal-data mask
    on the error and access handlers (also when a deployment passes its own access_log_format)."""

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                if not any(isinstance(f, MaskPersonalData) for f in handler.filters):
                    handler.addFilter(MaskPersonalData())

    def atoms(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> dict[str, Any]:
        atoms = super().atoms(resp, req, environ, request_time)
        atoms["r"] = (
            f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')} {environ.get('SERVER_PROTOCOL')}"
        )
        for key in _QUERY_ATOMS:
            if key in atoms:
                atoms[key] = "-"
        return atoms
