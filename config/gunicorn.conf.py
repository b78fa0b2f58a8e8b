"""Production web server: ``gunicorn -c config/gunicorn.conf.py config.asgi``.

gunicorn's asyncio (ASGI) worker reads requests on an event loop, so a client that trickles its
headers or body costs one idle coroutine, not a worker or a thread: two, or two hundred, slow
connections do not stall anyone else (tests/config/test_slow_clients.py). Django runs the views
themselves in a thread once a request has fully arrived. The sync and gthread workers give each
connection a thread from the moment it sends its first byte, so a handful of slow clients would
hold them all.

Every value can be overridden from the environment (GUNICORN_*), or on the command line.
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
worker_class = "asgi"
workers = int(os.environ.get("GUNICORN_WORKERS", str(min(4, multiprocessing.cpu_count() * 2))))
# Open connections per worker, slow ones included; beyond this the listen backlog queues them.
worker_connections = int(os.environ.get("GUNICORN_WORKER_CONNECTIONS", "1000"))
# A request line, header count and header size any browser fits in, so a client cannot make the
# parser hold megabytes of headers.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190
# Idle keep-alive connections are closed after this many seconds.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "5"))
# A worker silent for this long is restarted; a view taking longer is a bug to fix, not wait for.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
# Trust X-Forwarded-* only from the load balancer's addresses.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
accesslog = "-"
errorlog = "-"
