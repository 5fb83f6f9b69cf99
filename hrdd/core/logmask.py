"""Secret links never reach a log (issue 17): the token in a logged address is replaced by "***".

`mask_tokens` masks the secret segment of every address that opens something without an account (a supplier's
consultation or contract link, a calendar feed, a profile's management link, a smelter-list request, a
remediation step, a grievance channel, a colleague's invitation to join, a password reset) wherever it appears in
a text: a request line, a referrer, a message. `MaskTokensFilter` applies it to Django's log records (the
development server's access lines, "django.server", and the request errors, "django.request": config/settings.py
LOGGING); gunicorn's access log applies it through config/gunicorn.conf.py's logger class.

Imports nothing from Django: gunicorn's configuration loads it before Django is set up."""

from __future__ import annotations

import logging
import re

MASK = "***"
SET_PASSWORD = "set-password"  # noqa: S105 (the word Django puts in place of a checked reset token)

# (prefix before the secret, the secret) for every address that carries one; the prefix may sit after a scheme and
# host (a referrer) or an API's /api/v1.
_SECRET_SEGMENTS = (
    r"/respond/",
    r"/contracts/supplier/",
    r"/contracts/feeds/",
    r"/profiles/manage/",
    r"/profiles/keep/contract/",
    r"/profiles/keep/",
    r"/smelters/supplier/",
    r"/incidents/supplier/",
    r"/report/",
    r"/account/join/",
    r"/api/v1/responses/",
    r"/api/v1/profiles/",
    r"/api/v1/incidents/public/supplier/",
    r"/api/v1/incidents/public/grievances/",
)
_SECRET = re.compile(
    r"(?P<prefix>"
    + "|".join(re.escape(s) for s in _SECRET_SEGMENTS)
    + r")(?P<secret>(?!contract/)[^/?#\s\"'.]+)"
)
# Django's password reset: /account/reset/<uidb64>/<token>/ (the token alone resets the password).
_RESET = re.compile(r"(?P<prefix>/reset/[^/?#\s\"']+/)(?P<secret>[^/?#\s\"']+)")


def mask_tokens(text: str) -> str:
    """The text with the secret of every link address in it replaced by ***."""
    if not text or "/" not in text:
        return text
    text = _SECRET.sub(lambda m: m.group("prefix") + MASK, text)
    return _RESET.sub(_reset_masked, text)


def _reset_masked(match: re.Match[str]) -> str:
    # Django swaps the token for "set-password" once it checked it: that word is kept
    kept = match.group("secret")
    return match.group("prefix") + (kept if kept == SET_PASSWORD else MASK)


class MaskTokensFilter(logging.Filter):
    """Mask link secrets in a log record's message and its arguments (it never drops a record)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record is left to the handler to report
            return True
        masked = mask_tokens(message)
        if masked != message:
            record.msg = masked  # without arguments, the message is not formatted again
            record.args = ()
        return True
