"""gunicorn settings as deployed: `gunicorn -c python:gongzhi.config.gunicorn gongzhi.config.wsgi`
(docs/deploy.md). bench/appeal_intake.py starts exactly this, so its figure is the deployment's.

3 processes × 2 threads measured best for the API intake on 2 cores (issue #3): the threads overlap
one request's database round trips with another's Python work; keep-alive spares integrations a TCP
handshake per request (nginx keeps its upstream connections open, see docs/deploy.md). On more
cores set WEB_CONCURRENCY to about 2 × cores − 1."""

import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "3"))
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
keepalive = 30
