"""gunicorn's settings for hrdd in production: `gunicorn -c config/gunicorn.conf.py` (`make serve-production`).

Each value comes from an HRDD_WEB_* variable when set; gunicorn's own options on its command line or in
GUNICORN_CMD_ARGS win over both. The task worker (`hrdd tasks worker`) is a service of its own beside this one.
"""

import multiprocessing
import os

from gunicorn import glogging

from hrdd.core.logmask import mask_tokens  # imports nothing of Django: safe before the application loads

wsgi_app = "config.wsgi:application"
# Behind the TLS proxy on the same machine; HRDD_WEB_BIND=0.0.0.0:8000 in a container (the proxy is elsewhere).
bind = os.environ.get("HRDD_WEB_BIND", "127.0.0.1:8000").split(",")
# Pages are mostly waiting on the database: two processes per core (and one more), at most eight unless told.
workers = int(os.environ.get("HRDD_WEB_WORKERS") or min(2 * multiprocessing.cpu_count() + 1, 8))
# A request still running after this many seconds is stopped and its worker replaced (the upload checks and the
# document reader keep their own, shorter time budgets; imports run in the task worker).
timeout = int(os.environ.get("HRDD_WEB_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# The master loads Django, the frameworks and the knowledge base once (config.wsgi, hrdd/core/warmup.py) and the
# workers share those pages; a worker is renewed after so many requests, so that no slow growth of memory lasts.
preload_app = True
max_requests = int(os.environ.get("HRDD_WEB_MAX_REQUESTS", "2000"))
max_requests_jitter = max_requests // 10
# The proxy's address whose X-Forwarded-For/-Proto gunicorn trusts (gunicorn's default: the same machine).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

accesslog = os.environ.get("HRDD_WEB_ACCESS_LOG", "-")  # "-": the standard output, a file name otherwise
errorlog = os.environ.get("HRDD_WEB_ERROR_LOG", "-")
loglevel = os.environ.get("HRDD_WEB_LOG_LEVEL", "info")
# Client (as the proxy saw it), time, method, path without its query (a search may name a person), status, bytes,
# milliseconds, referring page and browser. A supplier's secret token in the path or the referrer is masked.
access_log_format = (
    '%({x-forwarded-for}i)s %(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(M)sms "%(f)s" "%(a)s"'
)


class MaskedAccessLogger(glogging.Logger):
    """gunicorn's logger whose access lines carry no link's secret: every logged value is masked (hrdd.core.logmask)."""

    mask = staticmethod(mask_tokens)

    def atoms(self, resp, req, environ, request_time):
        values = super().atoms(resp, req, environ, request_time)
        return {name: self.mask(value) if isinstance(value, str) else value for name, value in values.items()}


logger_class = MaskedAccessLogger


def post_fork(server, worker):
    # a connection opened by the master while it loaded the application must not be shared by the forked workers
    from django.db import connections

    connections.close_all()
