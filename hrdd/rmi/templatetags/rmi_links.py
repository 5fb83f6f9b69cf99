"""The smelter-list entry another app's supplier page shows: a consultation invitation's page offers the upload
of the campaigns that asked that supplier through it (the invitation's link opens them, no account)."""

from __future__ import annotations

from typing import Any

from django import template

from hrdd.rmi.selectors import requests_open_for_invitation

register = template.Library()


@register.inclusion_tag("rmi/_invitation_entry.html")
def rmi_invitation_entry(invitation: Any) -> dict[str, Any]:
    """The open smelter-list requests asked through this invitation, with the link to answer them."""
    found = requests_open_for_invitation(invitation) if invitation is not None else []
    return {"requests": found, "token": getattr(invitation, "token", "")}
