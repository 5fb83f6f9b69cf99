"""Secret links that work without an account (a supplier's consultation, contract or smelter-list link, a calendar
address, a profile's management link, a grievance channel's secret address), kept so that a copy of the database
opens none of them (issue 17).

The database holds the SHA-256 of a link's token, which is what a link is looked up by, and a random nonce. The
token itself is an HMAC of the nonce under the installation's SECRET_KEY: hrdd can write it again into the
e-mails it sends later (a reminder, an information request), but the database alone, or a backup of it, reveals
no link. A token that no longer hashes to the stored digest (a link issued before the hashing, or SECRET_KEY
changed since) is unknown to hrdd: the link still works, but only the person who holds it knows it; the buyer
re-issues one to send it again.

Pages show a link to the buyer once, right after it was issued or re-issued; afterwards they say when it was
issued and until when it works. A link stops working when the buyer revokes it, re-issues it, or when its grace
period after the consultation's deadline or the contract's end has passed (`LinkClosed`, answered 410)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import secrets
from typing import Any, ClassVar

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from hrdd.core.errors import NotFound

MAX_TOKEN_LENGTH = 64  # a longer "token" is looked up no further


def token_digest(token: str) -> str:
    """The SHA-256 of a token, as stored and looked up (hex, 64 characters)."""
    return hashlib.sha256((token or "").encode("utf-8")).hexdigest()


def lookup_digest(token: str) -> str | None:
    """The digest to look a link up by, or None for text that cannot be a token (empty, too long)."""
    token = (token or "").strip()
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    return token_digest(token)


def derive_token(kind: str, nonce: str) -> str:
    """The token of a link of `kind` with `nonce`: an HMAC under SECRET_KEY, 43 URL-safe characters."""
    digest = hmac.new(
        settings.SECRET_KEY.encode("utf-8"), f"hrdd-link:{kind}:{nonce}".encode(), hashlib.sha256
    ).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def _new_nonce_and_token(kind: str) -> tuple[str, str]:
    # a token never starts with '-', so that a command line never reads one given to it as an option
    while True:
        nonce = secrets.token_hex(16)
        token = derive_token(kind, nonce)
        if not token.startswith("-"):
            return nonce, token


def link_holder_label(kind: str, record_id: object, holder: str = "") -> str:
    """The audit log's actor for anything done through a link: its holder (named as the buyer named them), never
    a buyer's account, even one logged in on the same browser."""
    label = f"supplier via link {kind} {record_id}"
    return f"{label} ({holder})" if holder else label


def reissued_message(*, email: str, link: str) -> str:
    """What the buyer reads after re-issuing a supplier's link: whether it was e-mailed, and the link, shown once."""
    if email:
        return gettext(
            "New link issued and e-mailed to %(email)s; the old one no longer works. Shown only now: %(link)s"
        ) % {"email": email, "link": link}
    return gettext("New link issued; the old one no longer works. Shown only now: %(link)s") % {"link": link}


class SecretLink(models.Model):
    """A record reached through a secret link: the digest it is found by, the nonce its token is written from,
    and when the link was issued. A record gets its first link when it is first saved."""

    link_kind: ClassVar[str] = "link"

    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_nonce = models.CharField(max_length=32, blank=True, default="", editable=False)
    token_issued_at = models.DateTimeField(_("link issued"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self.token_hash:
            self.issue_token()
        super().save(*args, **kwargs)

    def issue_token(self) -> str:
        """Give the record a new link (the old one stops working once saved) and return its token."""
        nonce, token = _new_nonce_and_token(self.link_kind)
        self.token_nonce = nonce
        self.token_hash = token_digest(token)
        self.token_issued_at = timezone.now()
        return token

    def opened_with(self, token: str) -> None:
        """Remember the token the record was just found by (for the links of the page it opens), in memory only."""
        self.__dict__["_opened_with"] = token

    @property
    def token(self) -> str:
        """The link's token: the one the record was opened with, else written again from the nonce; '' when hrdd
        cannot write it (see the module)."""
        opened = self.__dict__.get("_opened_with")
        if opened and token_digest(opened) == self.token_hash:
            return str(opened)
        if not self.token_nonce or not self.token_hash:
            return ""
        token = derive_token(self.link_kind, self.token_nonce)
        return token if hmac.compare_digest(token_digest(token), self.token_hash) else ""

    def link_path(self, name: str, *args: Any) -> str:
        """The path of the view `name` for this link (with `args` after the token); '' when the token is
        unknown."""
        token = self.token
        return reverse(name, args=[token, *args]) if token else ""


def expiry_day(*, until: dt.date, issued_at: dt.datetime | None, grace_days: int) -> dt.date:
    """The last day a link works: `grace_days` after the later of `until` (a deadline, a contract's end) and the
    day it was issued (so that a link re-issued after the end still gives the supplier the grace period)."""
    issued = timezone.localdate(issued_at) if issued_at is not None else until
    return max(until, issued) + dt.timedelta(days=grace_days)


class LinkClosed(NotFound):
    """A link that worked once and no longer does: revoked or re-issued by the buyer, or past its last day. Pages
    answer 410 with who to ask (hrdd.core.throttle.SupplierLinkMiddleware), the API 410."""

    EXPIRED = "expired"
    REVOKED = "revoked"

    def __init__(self, *, reason: str, buyer: str, title: str, on: dt.date | None = None) -> None:
        super().__init__("link")
        self.reason = reason
        self.buyer = buyer
        self.title = title
        self.on = on

    def __str__(self) -> str:
        if self.reason == self.EXPIRED:
            return str(
                _("This link expired on %(day)s. Ask %(buyer)s for a new link.")
                % {"day": self.on.isoformat() if self.on else "", "buyer": self.buyer}
            )
        return str(_("This link was revoked by %(buyer)s. Ask them for a new link.") % {"buyer": self.buyer})
