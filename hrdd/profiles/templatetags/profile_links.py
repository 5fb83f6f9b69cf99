"""The profile's parts of another app's pages (issue 16): the respond page offers to keep submitted answers as a
company profile or to fill the questionnaire in from it, and asks for the consent before sharing; the buyer's page
of a response says which version of the supplier's profile it shows, or that the supplier withdrew it."""

from __future__ import annotations

from typing import Any

from django import template

from hrdd.profiles.selectors import kept_version_of, respond_offer, share_of_invitation
from hrdd.profiles.services import KEPT_FROM_CONTRACTS, submission_kind

register = template.Library()


@register.inclusion_tag("profiles/_respond_offer.html", takes_context=True)
def profile_respond_offer(context: Any, invitation: Any, fill: Any = None) -> dict[str, Any]:
    """The respond page's offer: keep the answers, fill in from the profile, or what was filled or shared."""
    offer = respond_offer(invitation, fill) if invitation is not None else None
    return {
        "offer": offer,
        "invitation": invitation,
        "fill": fill,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("profiles/_fill_fields.html")
def profile_fill_fields(fill: Any, form: Any) -> dict[str, Any]:
    """Inside the respond form filled in from a profile: the version it came from and the consent box."""
    consent = form["share_consent"] if fill is not None and "share_consent" in form.fields else None
    return {"fill": fill, "consent": consent}


@register.inclusion_tag("profiles/_share_note.html")
def profile_share_note(invitation: Any) -> dict[str, Any]:
    """On the buyer's page of a response: from which version of the supplier's profile it came, or when the
    supplier withdrew it."""
    return {"share": share_of_invitation(invitation) if invitation is not None else None}


@register.inclusion_tag("profiles/_keep_submission.html", takes_context=True)
def profile_keep_submission(context: Any, contract: Any, obligation: Any) -> dict[str, Any]:
    """On a contract's supplier page, under an obligation: keep its latest site list or risk assessment in the
    supplier's company profile, or say which version holds it."""
    latest = obligation.submissions.order_by("-version").first() if obligation is not None else None
    if latest is None or submission_kind(latest) not in KEPT_FROM_CONTRACTS:
        latest = None
    return {
        "contract": contract,
        "submission": latest,
        "kept": kept_version_of(latest) if latest is not None else None,
        "kind": submission_kind(latest) if latest is not None else "",
        "csrf_token": context.get("csrf_token"),
    }
