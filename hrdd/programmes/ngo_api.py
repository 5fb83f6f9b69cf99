"""API operations of the ngo area (mounted under /api/v1/programmes by hrdd/programmes/api.py): thin, calling the
same services and selectors as the pages. Errors are answered by the one handler in hrdd/api.py."""

from __future__ import annotations

from ninja import Router
from ninja.security import django_auth

router = Router(tags=["programmes"], auth=django_auth)
