"""Absolute links to this installation, from the setting HRDD_BASE_URL (for e-mails, calendars and pages that
show a supplier's secret link)."""

from __future__ import annotations

from django.conf import settings


def base_url() -> str:
    """The installation's address without a trailing slash, e.g. 'https://hrdd.example.org'."""
    return str(settings.HRDD_BASE_URL).rstrip("/")


def absolute_url(path: str) -> str:
    """Return the absolute address of a path on this installation (a path from reverse() or get_absolute_url())."""
    return f"{base_url()}/{path.lstrip('/')}"
