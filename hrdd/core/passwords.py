"""Password hashing that parallel wrong logins cannot turn into an out-of-memory (issue 17).

Django's Argon2 parameters take 100 MiB per hash: twenty logins at once, right or wrong, asked for 2 GB. hrdd
hashes with 19 MiB, 2 passes, 1 lane (OWASP's first Argon2id recommendation) and lets at most
HRDD_PASSWORD_HASH_CONCURRENCY hashes run at once per process; the others wait their turn (django-axes locks a
guesser out long before the wait grows). A hash made with other parameters is still verified with its own, under
the same bound, and rewritten with these at the next successful login (Django's must_update)."""

from __future__ import annotations

import ctypes
import ctypes.util
import threading

from django.conf import settings
from django.contrib.auth.hashers import Argon2PasswordHasher

_bound_lock = threading.Lock()
_bound: threading.BoundedSemaphore | None = None
_bound_size = 0

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameter
MMAP_THRESHOLD = 128 * 1024


def _return_hash_memory() -> None:
    """Have glibc give each hash's memory back when it is done. Its default moves the mmap threshold up to 32 MiB
    once such a block is freed, after which every thread's arena keeps its 19 MiB (benchmarks/
    parallel_logins.py: 20 threads peaked at 371 MB instead of 106 MB). Elsewhere than glibc: nothing."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        libc.mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    except (OSError, AttributeError):
        pass


def _semaphore() -> threading.BoundedSemaphore:
    global _bound, _bound_size
    size = max(1, int(getattr(settings, "HRDD_PASSWORD_HASH_CONCURRENCY", 2)))
    with _bound_lock:
        if _bound is None:
            _return_hash_memory()
        if _bound is None or _bound_size != size:
            _bound, _bound_size = threading.BoundedSemaphore(size), size
        return _bound


class BoundedArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with 19 MiB per hash, at most HRDD_PASSWORD_HASH_CONCURRENCY at once per process."""

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1

    def encode(self, password: str, salt: str) -> str:
        with _semaphore():
            return str(super().encode(password, salt))

    def verify(self, password: str, encoded: str) -> bool:
        with _semaphore():
            return bool(super().verify(password, encoded))
