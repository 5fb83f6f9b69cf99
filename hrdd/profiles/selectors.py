"""Reads for supplier profiles. A profile is found by its secret management link, or offered on a request sent to
its own e-mail address; nothing else reaches it."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from hrdd.consultations.models import Invitation
from hrdd.consultations.selectors import consultation_seen_by
from hrdd.core.errors import NotFound
from hrdd.core.linktokens import lookup_digest
from hrdd.domain.questionnaire_framework import FrameworkError, QuestionnaireFramework, get_framework
from hrdd.profiles.format import profile_document
from hrdd.profiles.models import ProfileShare, ProfileVersion, SupplierProfile


def profile_get_by_token(*, token: str) -> SupplierProfile:
    """The profile behind a management link, or NotFound."""
    digest = lookup_digest(token)
    try:
        if digest is None:
            raise SupplierProfile.DoesNotExist
        profile = SupplierProfile.objects.get(token_hash=digest)
    except SupplierProfile.DoesNotExist as exc:
        raise NotFound("profile") from exc
    profile.opened_with(token.strip())
    return profile


def profile_of_email(email: str) -> SupplierProfile | None:
    """The profile offered to requests sent to this address: the newest whose address proved itself."""
    email = (email or "").strip()
    if not email:
        return None
    return (
        SupplierProfile.objects.filter(email__iexact=email, confirmed_at__isnull=False)
        .order_by("-created_at", "-id")
        .first()
    )


def profile_find(*, token_or_email: str) -> tuple[SupplierProfile, int]:
    """The profile a management token names, else the newest for an e-mail address (confirmed first), with how
    many profiles that address has; NotFound when none."""
    value = (token_or_email or "").strip()
    if "@" not in value:
        return profile_get_by_token(token=value), 1
    found = list(SupplierProfile.objects.filter(email__iexact=value).order_by("-created_at", "-id"))
    if not found:
        raise NotFound("profile")
    confirmed = [p for p in found if p.confirmed_at is not None]
    return (confirmed or found)[0], len(found)


def latest_version(profile: SupplierProfile) -> ProfileVersion | None:
    return profile.versions.order_by("-number").first()


def version_summary(version: ProfileVersion) -> list[str]:
    """What a version holds, in a few words per part (the management page, the offer)."""
    content = version.content or {}
    parts = []
    if q := content.get("questionnaire"):
        parts.append(
            _("questionnaire %(framework)s %(version)s: %(count)d answers")
            % {
                "framework": q["framework"]["id"],
                "version": q["framework"]["version"],
                "count": len(q.get("answers") or {}),
            }
        )
    if content.get("site_list"):
        parts.append(_("site list: %(count)d sites") % {"count": len(content["site_list"]["rows"])})
    if content.get("risk_assessment"):
        parts.append(
            _("risk assessment: %(count)d characters") % {"count": len(content["risk_assessment"]["text"])}
        )
    for report in content.get("rmi_reports") or []:
        parts.append(
            _("%(template)s %(version)s: %(count)d smelters")
            % {
                "template": report["template"],
                "version": report.get("template_version", ""),
                "count": len(report["smelters"]),
            }
        )
    return parts


def _known_answers(framework: QuestionnaireFramework, answers: dict[str, Any]) -> dict[str, Any]:
    """The answers a framework can take: its questions with the options it still has, and its text boxes (an
    answer given to another version of the framework may name an option this one dropped)."""
    kept: dict[str, Any] = {}
    for question in framework.questions:
        options = {o.id for o in question.options}
        picked = answers.get(question.id)
        picked = [picked] if isinstance(picked, str) else list(picked or [])
        picked = [p for p in picked if p in options]
        if picked:
            kept[question.id] = picked
        for text_field in question.text_fields:
            text = answers.get(text_field.id)
            if isinstance(text, str) and text.strip():
                kept[text_field.id] = text
    return kept


@dataclass(frozen=True)
class ProfileFill:
    """A request's questionnaire filled in from a version of the supplier's profile: shown, not stored, until the
    supplier consents to the buyer seeing it."""

    version: ProfileVersion
    raw: dict[str, Any]  # company, role and answers, in the shape the questionnaire form and the domain read
    buyer: str  # who will see the answers, by name: the owner, then its co-owners (issue 16)
    several: bool = False  # a joint consultation: more than one organisation will see them

    @property
    def saved_on(self) -> dt.date:
        return timezone.localdate(self.version.saved_at)

    @property
    def consent_text(self) -> str:
        """The consent the supplier gives by ticking the box, in the page's language (stored as shown); it names
        every organisation that will see the answers (a joint consultation's co-owners too)."""
        values = {"buyer": self.buyer, "number": self.version.number, "date": self.saved_on.isoformat()}
        if self.several:
            return (
                _(
                    "I agree that these organisations, which run this consultation together, see version "
                    "%(number)d of my company profile, saved on %(date)s: %(buyer)s."
                )
                % values
            )
        return (
            _("I agree that %(buyer)s sees version %(number)d of my company profile, saved on %(date)s.")
            % values
        )


def questionnaire_version(invitation: Invitation) -> ProfileVersion | None:
    """The version of the supplier's profile a request's questionnaire may be filled in from: the latest version
    of the profile of the request's e-mail address, when it holds answers to the same questionnaire; None when
    there is none, or when the request is submitted."""
    if invitation.is_submitted or not invitation.email:
        return None
    profile = profile_of_email(invitation.email)
    if profile is None:
        return None
    version = latest_version(profile)
    questionnaire = (version.content or {}).get("questionnaire") if version else None
    if not questionnaire or questionnaire["framework"]["id"] != invitation.consultation.framework_id:
        return None
    return version


def profile_fill(*, invitation: Invitation, version: str) -> ProfileFill | None:
    """The fill a respond page asked for (`version`: `fill_key` of a version of the profile of the request's
    address, as the offer links to its latest); None when it names no version this request may be filled from. An
    older version still fills the form it was shown in, when the profile got a newer one in between."""
    latest = questionnaire_version(invitation)
    if latest is None or not version.startswith(f"{latest.profile.public_id}:"):
        return None
    number = version.rpartition(":")[2]
    offered = latest.profile.versions.filter(number=int(number)).first() if number.isdigit() else None
    held = (offered.content or {}).get("questionnaire") if offered is not None else None
    if offered is None or not held or held["framework"]["id"] != invitation.consultation.framework_id:
        return None
    try:
        framework = get_framework(invitation.consultation.framework_id)
    except FrameworkError:
        return None
    questionnaire = offered.content["questionnaire"]
    raw = {
        "company": offered.profile.company_as_given,
        "role": questionnaire.get("role")
        if questionnaire.get("role") in {r.id for r in framework.roles}
        else "",
        "answers": _known_answers(framework, questionnaire.get("answers") or {}),
    }
    seen_by = [o.name for o in consultation_seen_by(invitation.consultation)]
    return ProfileFill(version=offered, raw=raw, buyer=", ".join(seen_by), several=len(seen_by) > 1)


def fill_key(version: ProfileVersion) -> str:
    """How a respond page names the version it was filled from (the profile's public id and the number)."""
    return f"{version.profile.public_id}:{version.number}"


def answers_changed(fill: ProfileFill, answers: dict[str, Any]) -> int:
    """How many answers differ from the version's (ticked options compared as sets)."""

    def norm(value: Any) -> Any:
        if isinstance(value, list):
            return frozenset(value)
        return value

    given = fill.raw["answers"]
    return sum(1 for key in set(given) | set(answers) if norm(given.get(key)) != norm(answers.get(key)))


def share_of_invitation(invitation: Invitation) -> ProfileShare | None:
    """The latest share behind a response (live or withdrawn), for the buyer's page; None if it never came from a
    supplier's profile."""
    return ProfileShare.objects.filter(invitation=invitation).order_by("-consented_at", "-id").first()


def profile_shares(profile: SupplierProfile) -> list[ProfileShare]:
    """Every share of the profile, newest first, with the buyer and request named."""
    return list(
        profile.shares.select_related(
            "organisation",
            "invitation__consultation",
            "obligation__contract",
            "version",
            "rmi_request__campaign",
        ).order_by("-consented_at", "-id")
    )


def profile_export(profile: SupplierProfile) -> dict[str, Any]:
    """The profile in the open format (hrdd.profiles.format): the company and every version, nothing of a buyer."""
    return profile_document(
        company=profile.company_as_given,
        versions=[(v.number, v.saved_at, v.source, v.content) for v in profile.versions.all()],
        exported_at=timezone.now(),
    )


@dataclass(frozen=True)
class RespondOffer:
    """What a request's respond page offers about the supplier's profile (one state at a time)."""

    state: str  # "keep", "kept", "shared", "fill", "filled" or "" (nothing to offer)
    version: ProfileVersion | None = None
    share: ProfileShare | None = None
    fill_key: str = ""


def respond_offer(invitation: Invitation, fill: ProfileFill | None = None) -> RespondOffer:
    """The profile's part of a respond page: keep submitted answers as a profile, say they are kept or shared,
    offer to fill in from the profile, or say the form was filled in from it."""
    if not invitation.email:
        return RespondOffer("")
    share = ProfileShare.objects.filter(invitation=invitation, revoked_at__isnull=True).first()
    if fill is not None:
        return RespondOffer("filled", version=fill.version, share=share)
    if share is not None:
        return RespondOffer("shared", version=share.version, share=share)
    if invitation.is_submitted:
        profile = profile_of_email(invitation.email)
        version = latest_version(profile) if profile else None
        held = (version.content or {}).get("questionnaire") if version else None
        if (
            held
            and held["framework"]["id"] == invitation.consultation.framework_id
            and held.get("answers") == invitation.answers
            and held.get("role", "") == invitation.role
        ):
            return RespondOffer("kept", version=version)
        return RespondOffer("keep")
    version = questionnaire_version(invitation)
    if version is not None:
        return RespondOffer("fill", version=version, fill_key=fill_key(version))
    return RespondOffer("")


def kept_version_of(submission: Any) -> ProfileVersion | None:
    """The profile version a contract submission was kept in, if it was."""
    return ProfileVersion.objects.filter(submission=submission).order_by("-number").first()


CONTRACT_PARTS = ("site_list", "risk_assessment")  # the parts a contract's obligation can be answered from


@dataclass(frozen=True)
class PartOffer:
    """A part of the supplier's profile (a site list or a risk assessment) offered for a contract's obligation:
    shown, not shared, until the supplier ticks the consent box naming the buyer."""

    version: ProfileVersion
    part: str  # "site_list" or "risk_assessment"
    buyer: str
    contract: str

    @property
    def saved_on(self) -> dt.date:
        return timezone.localdate(self.version.saved_at)

    @property
    def holds(self) -> str:
        """What the part holds, in a few words."""
        held = self.version.content[self.part]
        if self.part == "site_list":
            return _("%(count)d sites") % {"count": len(held["rows"])}
        return held.get("filename") or _("%(count)d characters") % {"count": len(held["text"])}

    @property
    def consent_text(self) -> str:
        """The consent the supplier gives by ticking the box, in the page's language (stored as shown)."""
        values = {
            "buyer": self.buyer,
            "number": self.version.number,
            "date": self.saved_on.isoformat(),
            "contract": self.contract,
        }
        if self.part == "site_list":
            return (
                _(
                    "I agree that %(buyer)s sees the site list of version %(number)d of my company profile, saved "
                    "on %(date)s, for the contract %(contract)s."
                )
                % values
            )
        return (
            _(
                "I agree that %(buyer)s sees the risk assessment of version %(number)d of my company profile, "
                "saved on %(date)s, for the contract %(contract)s."
            )
            % values
        )


def contract_part_offer(*, contract: Any, obligation: Any, part: str) -> PartOffer | None:
    """The latest version of the profile of the contract's supplier address that holds `part`, offered for an
    obligation that asks for it; None when the obligation asks for something else or the address has none."""
    if part not in CONTRACT_PARTS or obligation.contract_id != contract.pk:
        return None
    profile = profile_of_email(contract.supplier_email)
    if profile is None:
        return None
    version = profile.versions.filter(content__has_key=part).order_by("-number").first()
    if version is None:
        return None
    return PartOffer(version=version, part=part, buyer=contract.organisation.name, contract=contract.title)


def obligation_shares(obligation: Any) -> list[ProfileShare]:
    """The shares of the supplier's profile made on an obligation, newest first (live and withdrawn)."""
    return list(ProfileShare.objects.filter(obligation=obligation).order_by("-consented_at", "-id"))


def share_of_submission(submission: Any) -> ProfileShare | None:
    """The share a contract submission was made from, None when the supplier uploaded it."""
    return ProfileShare.objects.filter(submission=submission).order_by("-consented_at", "-id").first()


def rmi_report_of_upload(upload: Any) -> dict[str, Any]:
    """An RMI upload as the profile's part keeps it: the template, its declaration and its Smelter List as read
    (hrdd.profiles.format.RmiReport), never the workbook."""
    return {
        "template": upload.template_type,
        "template_version": (upload.template_version or "")[:20],
        "company_name": (upload.company_name or "")[:300],
        "declaration_scope": (upload.declaration_scope or "")[:200],
        "minerals": [str(m)[:40] for m in (upload.minerals or [])][:20],
        "smelters": [
            {
                "metal": s.metal,
                "name": s.name,
                "country": s.country,
                "cid": s.cid,
                "not_listed": s.not_listed,
                "mine_country": s.mine_country,
                "recycled": s.recycled,
            }
            for s in upload.smelters.order_by("row")
        ],
    }


def rmi_kept_version(upload: Any) -> ProfileVersion | None:
    """The profile version an RMI upload was kept in, if it was."""
    return ProfileVersion.objects.filter(rmi_upload=upload).order_by("-number").first()


@dataclass(frozen=True)
class RmiOffer:
    """An RMI report of the supplier's profile offered for a buyer's smelter-list request asking for its template:
    shown, not shared, until the supplier ticks the consent box naming the buyer (issue 16)."""

    version: ProfileVersion
    report: dict[str, Any]
    buyer: str
    campaign: str

    @property
    def template(self) -> str:
        return str(self.report["template"])

    @property
    def saved_on(self) -> dt.date:
        return timezone.localdate(self.version.saved_at)

    @property
    def consent_text(self) -> str:
        """The consent the supplier gives by ticking the box, in the page's language (stored as shown)."""
        return _(
            "I agree that %(buyer)s sees the %(template)s of version %(number)d of my company profile, saved on "
            "%(date)s, for its request %(campaign)s."
        ) % {
            "buyer": self.buyer,
            "template": self.template,
            "number": self.version.number,
            "date": self.saved_on.isoformat(),
            "campaign": self.campaign,
        }


def rmi_offers(supplier_request: Any) -> list[RmiOffer]:
    """The RMI reports of the latest version of the profile of the request's address whose template the request
    asks for; none when the request is closed, or when its current file already is that report of that version."""
    campaign = supplier_request.campaign
    if campaign.closed_at is not None or not supplier_request.email:
        return []
    profile = profile_of_email(supplier_request.email)
    version = latest_version(profile) if profile else None
    if version is None:
        return []
    live = rmi_live_share(supplier_request)
    offers = []
    for report in (version.content or {}).get("rmi_reports") or []:
        if report["template"] not in (campaign.templates or []):
            continue
        if live is not None and live.version_id == version.pk and live.part == f"rmi:{report['template']}":
            continue
        offers.append(
            RmiOffer(
                version=version, report=report, buyer=campaign.organisation.name, campaign=campaign.title
            )
        )
    return offers


def rmi_live_share(supplier_request: Any) -> ProfileShare | None:
    """The live share behind a request's current file, None when the supplier uploaded it."""
    current = supplier_request.current_upload_id
    if current is None:
        return None
    return ProfileShare.objects.filter(
        rmi_request=supplier_request, rmi_upload_id=current, revoked_at__isnull=True
    ).first()


def rmi_request_shares(supplier_request: Any) -> list[ProfileShare]:
    """The shares of the supplier's profile made on a smelter-list request, newest first (live and withdrawn)."""
    return list(ProfileShare.objects.filter(rmi_request=supplier_request).order_by("-consented_at", "-id"))
