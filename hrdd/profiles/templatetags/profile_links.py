"""The profile's parts of another app's pages (issue 16): the respond page offers to keep submitted answers as a
company profile or to fill the questionnaire in from it, and asks for the consent before sharing; the buyer's page
of a response says which version of the supplier's profile it shows, or that the supplier withdrew it."""

from __future__ import annotations

from typing import Any

from django import template

from hrdd.profiles.selectors import (
    contract_part_offer,
    kept_version_of,
    obligation_shares,
    respond_offer,
    rmi_kept_version,
    rmi_live_share,
    rmi_offers,
    rmi_request_shares,
    share_of_invitation,
    share_of_submission,
)
from hrdd.profiles.services import (
    KEEPABLE_RMI_STATUSES,
    KEPT_FROM_CONTRACTS,
    obligation_kind,
    submission_kind,
)

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
    elif share_of_submission(latest) is not None:
        latest = None  # sent from the profile: it is there already (the offer's part says it was shared)
    return {
        "contract": contract,
        "submission": latest,
        "kept": kept_version_of(latest) if latest is not None else None,
        "kind": submission_kind(latest) if latest is not None else "",
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("profiles/_part_offer.html", takes_context=True)
def profile_part_offer(context: Any, contract: Any, obligation: Any) -> dict[str, Any]:
    """On a contract's supplier page, under an obligation that asks for a site list or a risk assessment: offer
    the profile's latest one with the consent box naming the buyer, and say what was shared from it."""
    part = obligation_kind(obligation) if obligation is not None else ""
    offer = contract_part_offer(contract=contract, obligation=obligation, part=part) if part else None
    live = [s for s in obligation_shares(obligation) if s.revoked_at is None] if part else []
    latest = obligation.submissions.order_by("-version").first() if offer is not None else None
    if offer is not None and latest is not None:
        # the obligation's latest submission already is this part of this version: nothing new to offer
        same = next((s for s in live if s.submission_id == latest.pk), None)
        kept = kept_version_of(latest)
        if (same is not None and same.version_id == offer.version.pk) or (
            kept is not None and (kept.content or {}).get(part) == offer.version.content.get(part)
        ):
            offer = None
    return {
        "contract": contract,
        "obligation": obligation,
        "offer": offer,
        "live": live,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("profiles/_submission_note.html")
def profile_submission_note(submission: Any) -> dict[str, Any]:
    """Beside a contract submission: that it was shared from the supplier's profile, which version of which date."""
    return {"share": share_of_submission(submission) if submission is not None else None}


@register.inclusion_tag("profiles/_withdrawn_note.html")
def profile_withdrawn_note(obligation: Any) -> dict[str, Any]:
    """On the buyer's page of an obligation: the submissions from the supplier's profile the supplier withdrew."""
    shares = obligation_shares(obligation) if obligation is not None else []
    return {"withdrawn": [s for s in shares if s.revoked_at is not None and s.submission_id is None]}


@register.inclusion_tag("profiles/_keep_rmi.html", takes_context=True)
def profile_keep_rmi(context: Any, supplier_request: Any, upload: Any) -> dict[str, Any]:
    """On a smelter-list link's page (its secret link is the page's `token`), under the latest file read as a
    template: keep it in the supplier's company profile, or say which version holds it."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    token = match.kwargs.get("token", "") if match is not None else ""
    keepable = (
        upload is not None
        and upload.status in KEEPABLE_RMI_STATUSES
        and bool(upload.template_type)
        and bool(supplier_request.email)
        and bool(token)
    )
    return {
        "token": token,
        "upload": upload if keepable else None,
        "kept": rmi_kept_version(upload) if keepable else None,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("profiles/_rmi_offer.html", takes_context=True)
def profile_rmi_offer(context: Any, supplier_request: Any) -> dict[str, Any]:
    """On a smelter-list link's page (its secret link is the page's `token`), for one request: offer the RMI
    reports of the supplier's profile that the request asks for, with the consent box naming the buyer, and say
    what was shared from it."""
    request = context.get("request")
    match = getattr(request, "resolver_match", None)
    token = match.kwargs.get("token", "") if match is not None else ""
    return {
        "token": token,
        "req": supplier_request,
        "offers": rmi_offers(supplier_request) if token else [],
        "live": rmi_live_share(supplier_request),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("profiles/_rmi_share_note.html")
def profile_rmi_share_note(supplier_request: Any) -> dict[str, Any]:
    """On the buyer's page of a smelter-list request: from which version of the supplier's profile its current file
    came (not re-checked), and the reports the supplier withdrew."""
    shares = rmi_request_shares(supplier_request) if supplier_request is not None else []
    return {
        "live": rmi_live_share(supplier_request) if supplier_request is not None else None,
        "withdrawn": [s for s in shares if s.revoked_at is not None],
    }
