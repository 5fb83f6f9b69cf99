"""Settings of the load benchmark: the project's own, as in production (DEBUG off, a secret key), except that the
session and CSRF cookies travel over plain HTTP, because the benchmark talks to 127.0.0.1 without TLS, and that
hrdd reads the client's address from X-Forwarded-For as behind one proxy: every locust user sends an address of
its own, so that the per-client limits on supplier links (hrdd.core.throttle) count each user apart, as they
would count the suppliers and buyers the users stand for, instead of all of them as 127.0.0.1."""

import os

os.environ.setdefault("HRDD_DEBUG", "0")
os.environ.setdefault("HRDD_SECRET_KEY", "load-benchmark-key-for-a-throwaway-database")

from config.settings import *  # noqa: E402, F403

SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
HRDD_THROTTLE_PROXY_HOPS = 1
