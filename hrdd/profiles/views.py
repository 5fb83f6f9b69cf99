"""The supplier's pages of a company profile, behind secret links and without an account: keep a submitted
response's answers, and manage the profile (its versions, whom it is shared with, withdraw, download, delete).
Thin: they parse, call a service or selector, and render, in the supplier's language."""

from __future__ import annotations

import json
import uuid

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from hrdd.consultations.selectors import invitation_get_by_token
from hrdd.contracts.models import Obligation, Submission
from hrdd.contracts.selectors import contract_get_by_token
from hrdd.core.archive import ConfirmForm, confirm_page
from hrdd.core.downloads import attachment
from hrdd.core.errors import InputError, NotFound
from hrdd.core.languages import supplier_page_language
from hrdd.profiles import selectors, services
from hrdd.profiles.models import ProfileShare
from hrdd.rmi.models import Upload
from hrdd.rmi.selectors import requests_by_link


@require_POST
def profile_keep(request: HttpRequest, token: str) -> HttpResponse:
    """Keep a submitted response's answers as the supplier's profile (the request's secret link is `token`)."""
    invitation = invitation_get_by_token(token=token)
    with supplier_page_language(request, invitation.language):
        try:
            version = services.profile_keep_answers(invitation=invitation)
        except services.ProfileError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _(
                    "Kept as version %(number)d of your company profile. The link to manage it was e-mailed "
                    "to %(email)s."
                )
                % {"number": version.number, "email": version.profile.email},
            )
    return redirect("respond", token=token)


@require_POST
def profile_keep_submission(request: HttpRequest, token: str, submission_id: int) -> HttpResponse:
    """Keep a site list or a risk assessment sent through a contract's supplier link (`token`) in the profile."""
    contract = contract_get_by_token(token=token)
    submission = Submission.objects.filter(pk=submission_id, obligation__contract=contract).first()
    if submission is None:
        raise NotFound("submission")
    with supplier_page_language(request, contract.supplier_language):
        try:
            version = services.profile_keep_submission(contract=contract, submission=submission)
        except InputError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _(
                    "Kept as version %(number)d of your company profile. The link to manage it was e-mailed "
                    "to %(email)s."
                )
                % {"number": version.number, "email": version.profile.email},
            )
    return redirect(reverse("contracts:supplier", args=[token]) + f"#obligation-{submission.obligation_id}")


class PartShareForm(forms.Form):
    """The consent to answer a contract's obligation from the profile: the version shown and the ticked box."""

    version = forms.IntegerField(min_value=1)
    consent = forms.BooleanField(required=False)


@require_POST
def profile_share_part(request: HttpRequest, token: str, obligation_id: int) -> HttpResponse:
    """Answer an obligation of a contract (its supplier link is `token`) with the site list or the risk
    assessment of the supplier's profile, on the consent ticked on the page."""
    contract = contract_get_by_token(token=token)
    obligation = Obligation.objects.filter(pk=obligation_id, contract=contract).first()
    if obligation is None:
        raise NotFound("obligation")
    form = PartShareForm(request.POST)
    with supplier_page_language(request, contract.supplier_language):
        try:
            if not form.is_valid():
                raise services.ProfileError(
                    _("The version of your profile was not given; reload the page."), field="version"
                )
            share = services.profile_part_share(
                contract=contract,
                obligation=obligation,
                version_number=form.cleaned_data["version"],
                consent=form.cleaned_data["consent"],
            )
        except InputError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _(
                    "Shared version %(number)d of your company profile with %(buyer)s: received as %(clause)s, "
                    "version %(version)d. You can withdraw it from your profile's page."
                )
                % {
                    "number": share.version_number,
                    "buyer": contract.organisation.name,
                    "clause": obligation.clause,
                    "version": share.submission.version if share.submission else 0,
                },
            )
    return redirect(reverse("contracts:supplier", args=[token]) + f"#obligation-{obligation.pk}")


@require_POST
def profile_keep_rmi(request: HttpRequest, token: str, upload_id: str) -> HttpResponse:
    """Keep an RMI report sent through a smelter-list link (`token`) in the supplier's profile."""
    found = requests_by_link(token=token)  # NotFound: 404; LinkClosed (revoked, expired, closed): 410
    upload = (
        Upload.objects.filter(request__in=found, public_id=upload_id).select_related("request").first()
        if _is_uuid(upload_id)
        else None
    )
    if upload is None:
        raise Http404("upload")
    with supplier_page_language(request, ""):
        try:
            version = services.profile_keep_rmi(request=upload.request, upload=upload)
        except InputError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _(
                    "Kept as version %(number)d of your company profile. The link to manage it was e-mailed "
                    "to %(email)s."
                )
                % {"number": version.number, "email": version.profile.email},
            )
    return redirect(reverse("rmi:supplier", args=[token]) + f"#request-{upload.request.public_id}")


class RmiShareForm(forms.Form):
    """The consent to answer a smelter-list request (named by the form's `request`) from the profile: the version
    and template shown, the box."""

    version = forms.IntegerField(min_value=1)
    template = forms.CharField(max_length=4)
    consent = forms.BooleanField(required=False)


@require_POST
def profile_share_rmi(request: HttpRequest, token: str) -> HttpResponse:
    """Answer a smelter-list request reached by a link (`token`; the form names which of the link's requests)
    with an RMI report of the supplier's profile, on the consent ticked on the page."""
    found = requests_by_link(token=token)  # NotFound: 404; LinkClosed (revoked, expired, closed): 410
    target = next((r for r in found if str(r.public_id) == request.POST.get("request", "").strip()), None)
    if target is None:
        raise Http404("request")
    form = RmiShareForm(request.POST)
    with supplier_page_language(request, ""):
        try:
            if not form.is_valid():
                raise services.ProfileError(
                    _("The version of your profile was not given; reload the page."), field="version"
                )
            share = services.profile_rmi_share(
                request=target,
                template=form.cleaned_data["template"],
                version_number=form.cleaned_data["version"],
                consent=form.cleaned_data["consent"],
            )
        except InputError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(
                request,
                _(
                    "Shared the %(template)s of version %(number)d of your company profile with %(buyer)s. You "
                    "can withdraw it from your profile's page."
                )
                % {
                    "template": form.cleaned_data["template"],
                    "number": share.version_number,
                    "buyer": target.campaign.organisation.name,
                },
            )
    return redirect(reverse("rmi:supplier", args=[token]) + f"#request-{target.public_id}")


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def profile_manage_page(request: HttpRequest, token: str) -> HttpResponse:
    """What the profile holds, version by version, and every share with the buyer and request it went to."""
    profile = selectors.profile_get_by_token(token=token)
    with supplier_page_language(request, profile.language) as page:
        # the link was e-mailed to the address: opening it proves the address
        if profile.confirmed_at is None:
            profile = services.profile_confirm(profile=profile)
        versions = [
            {"version": v, "parts": selectors.version_summary(v)}
            for v in profile.versions.order_by("-number")
        ]
        return page.answer(
            render(
                request,
                "profiles/manage.html",
                {"profile": profile, "versions": versions, "shares": selectors.profile_shares(profile)},
            )
        )


def profile_download(request: HttpRequest, token: str) -> HttpResponse:
    """The profile as a JSON file in the open format (docs/supplier-profile.md)."""
    profile = selectors.profile_get_by_token(token=token)
    body = json.dumps(selectors.profile_export(profile), indent=2, ensure_ascii=False) + "\n"
    name = slugify(profile.company_as_given) or "supplier"
    return attachment(body.encode(), f"{name}-profile.json", content_type="application/json")


def _share(profile, public_id: str) -> ProfileShare:  # type: ignore[no-untyped-def]
    share = next((s for s in selectors.profile_shares(profile) if str(s.public_id) == str(public_id)), None)
    if share is None:
        raise NotFound("share")
    return share


def profile_share_revoke_page(request: HttpRequest, token: str, share_id: str) -> HttpResponse:
    """Ask, then withdraw one share: the buyer no longer sees those answers, and they no longer count."""
    profile = selectors.profile_get_by_token(token=token)
    share = _share(profile, share_id)
    back = profile.get_manage_url()
    with supplier_page_language(request, profile.language) as page:
        if share.revoked_at is not None:
            messages.info(request, _("This sharing was already withdrawn."))
            return redirect(back)
        form = ConfirmForm(
            request.POST if request.method == "POST" else None,
            label=_("Yes, withdraw these answers from %(buyer)s.") % {"buyer": share.organisation.name},
        )
        if request.method == "POST" and form.is_valid():
            services.profile_share_revoke(profile=profile, share_public_id=share.public_id)
            messages.success(
                request,
                _("Withdrawn: %(buyer)s no longer sees the answers you shared.")
                % {"buyer": share.organisation.name},
            )
            return redirect(back)
        if share.obligation is not None:
            explanation = [
                _("Contract: %(title)s (%(clause)s).")
                % {"title": share.obligation.contract.title, "clause": share.obligation.clause},
                _(
                    "The buyer will no longer see what you sent from your profile, nor its sites; it will no "
                    "longer count for the contract's obligation. This takes effect at once."
                ),
                _("The contract's link stays open: you can send it again if you wish."),
            ]
        elif share.rmi_request is not None:
            explanation = [
                _("Request for smelter lists: %(title)s.") % {"title": share.rmi_request.campaign.title},
                _(
                    "The buyer will no longer see the report you sent from your profile, and its smelters will no "
                    "longer count in its supply chain. This takes effect at once."
                ),
                _("The request's link stays open: you can send it again if you wish."),
            ]
        else:
            request_title = share.invitation.consultation.title if share.invitation else ""
            explanation = [
                _("Request: %(title)s.") % {"title": request_title},
                _(
                    "The buyer will no longer see these answers, and they will no longer count in the "
                    "results of its consultation. This takes effect at once."
                ),
                _("Your request's link stays open: you can answer it again if you wish."),
            ]
        return page.answer(
            confirm_page(
                request,
                form=form,
                heading=_("Withdraw version %(number)d from %(buyer)s?")
                % {"number": share.version_number, "buyer": share.organisation.name},
                back_url=back,
                back_label=_("Back to your profile"),
                action_label=_("Withdraw"),
                explanation=explanation,
            )
        )


def profile_delete_page(request: HttpRequest, token: str) -> HttpResponse:
    """Ask, then delete the profile and its versions; every sharing is withdrawn first."""
    profile = selectors.profile_get_by_token(token=token)
    live = [s for s in selectors.profile_shares(profile) if s.revoked_at is None]
    with supplier_page_language(request, profile.language) as page:
        form = ConfirmForm(
            request.POST if request.method == "POST" else None, label=_("Yes, delete my company profile.")
        )
        if request.method == "POST" and form.is_valid():
            ended = services.profile_delete(profile=profile)
            return page.answer(render(request, "profiles/deleted.html", {"ended": ended}))
        explanation = [_("Every version of the profile is deleted. This cannot be undone.")]
        if live:
            explanation.append(
                _("It is shared with %(buyers)s: they will no longer see those answers.")
                % {"buyers": ", ".join(sorted({s.organisation.name for s in live}))}
            )
        explanation.append(_("Download it as JSON first if you want to keep a copy."))
        return page.answer(
            confirm_page(
                request,
                form=form,
                heading=_("Delete your company profile?"),
                back_url=profile.get_manage_url(),
                back_label=_("Back to your profile"),
                action_label=_("Delete"),
                explanation=explanation,
            )
        )
