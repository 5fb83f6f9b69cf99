"""Reads for smelter-list collection: campaigns and their suppliers' current files, a supplier's link, and the
consolidated smelters with their summary per metal. Pages read what the services stored; the number of queries
does not grow with the number of rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from hrdd.accounts.models import User
from hrdd.core.errors import NotFound
from hrdd.core.linktokens import LinkClosed, link_holder_label, lookup_digest
from hrdd.rmi.models import Campaign, ConsolidatedSmelter, FacilityList, SupplierRequest, Upload

RMAP_CHOICES = {
    "conformant": "RMAP conformant",
    "active": "RMAP active",
    "none": "neither conformant nor active",
}


def campaign_list(*, user: User) -> QuerySet[Campaign]:
    return Campaign.objects.visible_to(user).annotate(
        asked=Count("requests", distinct=True),
        answered=Count("requests", filter=Q(requests__current_upload__isnull=False), distinct=True),
        accepted=Count(
            "requests", filter=Q(requests__current_upload__status=Upload.Status.ACCEPTED), distinct=True
        ),
    )


def campaign_get(*, user: User, public_id: Any) -> Campaign:
    return Campaign.objects.get_visible(user, public_id=public_id)  # type: ignore[no-any-return]


def campaign_requests(campaign: Campaign) -> QuerySet[SupplierRequest]:
    """The suppliers asked, each with their current file (one query)."""
    return campaign.requests.select_related(
        "current_upload", "company", "contract", "invitation__consultation"
    ).annotate(upload_count=Count("uploads"))


def request_get(*, user: User, public_id: Any) -> SupplierRequest:
    return SupplierRequest.objects.select_related(  # type: ignore[no-any-return]
        "campaign",
        "campaign__organisation",
        "current_upload",
        "current_upload__task_run",
        "company",
        "contract",
    ).get_visible(user, public_id=public_id)


def request_uploads(request: SupplierRequest) -> QuerySet[Upload]:
    """Every version the supplier sent, newest first (without the files' bytes)."""
    return request.uploads.defer("content", "reading").select_related("task_run")


def upload_get(*, user: User, public_id: Any) -> Upload:
    return Upload.objects.select_related("request", "request__campaign").get_visible(
        user, public_id=public_id
    )  # type: ignore[no-any-return]


def requests_by_link(*, token: str) -> list[SupplierRequest]:
    """The requests a supplier's link opens: a request's own link, or the link of the contract or consultation
    invitation it was asked through (open campaigns only for those). Links are found by their digest
    (hrdd.core.linktokens). NotFound when none; LinkClosed (410) when the link was revoked or is past its last day
    (a request's own link also once its campaign is closed). Each request found remembers who holds the link
    (`SupplierRequest.link_holder`)."""
    digest = lookup_digest(token)
    if digest is None:
        raise NotFound("link")
    token = token.strip()
    base = SupplierRequest.objects.select_related(
        "campaign", "campaign__organisation", "current_upload", "current_upload__task_run"
    )
    own = base.filter(token_hash=digest).first()
    if own is not None:
        request_link_check(own)
        own.opened_with(token)
        return [own]
    holder, label, field = _linked_record(token)
    found = list(
        base.filter(**{field: holder}, campaign__closed_at__isnull=True).order_by(
            "-campaign__created_at", "id"
        )
    )
    if not found:
        raise NotFound("link")
    for request in found:
        request.opened_through(label)
    return found


def _linked_record(token: str) -> tuple[Any, str, str]:
    """The contract or consultation invitation whose link `token` is, the audit label of its holder, and the
    request's field naming it; NotFound when neither, LinkClosed when that link is closed (as its own page says)."""
    from hrdd.consultations.selectors import invitation_get_by_token
    from hrdd.contracts.selectors import contract_get_by_token

    try:
        contract = contract_get_by_token(token=token)
    except LinkClosed:
        raise
    except NotFound:
        pass
    else:
        return contract, link_holder_label("contract", contract.public_id, contract.supplier_name), "contract"
    invitation = invitation_get_by_token(token=token)  # NotFound also when withdrawn
    label = link_holder_label("invitation", invitation.pk, invitation.email or invitation.company_name)
    return invitation, label, "invitation"


def request_link_check(request: SupplierRequest, *, today: dt.date | None = None) -> None:
    """Raise LinkClosed when the request's own link was revoked, its campaign closed, or it is past its last day."""
    campaign = request.campaign
    buyer = campaign.organisation.name
    if request.link_revoked_at is not None:
        raise LinkClosed(reason=LinkClosed.REVOKED, buyer=buyer, title=campaign.title)
    last_day = request.link_expires_on
    if campaign.closed_at is not None or (today or timezone.localdate()) > last_day:
        raise LinkClosed(reason=LinkClosed.EXPIRED, buyer=buyer, title=campaign.title, on=last_day)


def invitation_choices(*, user: User) -> list[tuple[str, str]]:
    """The organisation's consultation invitations a campaign can ask through (not withdrawn), newest first:
    (invitation id, "consultation — supplier")."""
    from hrdd.consultations.models import Invitation

    invitations = (
        Invitation.objects.owned_by(user)  # not those of a consultation it co-owns (issue 16)
        .filter(withdrawn_at__isnull=True)
        .select_related("consultation", "company")
        .order_by("-consultation__created_at", "company_as_given", "email", "id")[:500]
    )
    return [(str(i.pk), f"{i.consultation.title} — {_invitation_supplier(i)}") for i in invitations]


def _invitation_supplier(invitation: Any) -> str:
    return str(invitation.company_name or invitation.email or "?")


def invitation_get(*, user: User, pk: Any) -> Any:
    """One of the organisation's consultation invitations (not withdrawn), or NotFound."""
    from hrdd.consultations.models import Invitation

    return Invitation.objects.select_related("consultation", "company").get_owned(
        user, pk=pk, withdrawn_at__isnull=True
    )


def requests_open_for_invitation(invitation: Any) -> list[SupplierRequest]:
    """The open campaigns' requests asked through a consultation invitation (what its supplier page offers)."""
    return list(
        SupplierRequest.objects.filter(
            invitation=invitation, campaign__closed_at__isnull=True
        ).select_related("campaign", "campaign__organisation")
    )


def facility_list_current(*, user: User) -> FacilityList | None:
    return FacilityList.objects.visible_to(user).first()  # type: ignore[no-any-return]


def smelter_list(
    *, user: User, metal: str = "", rmap: str = "", cahra: bool = False, query: str = "", supplier: str = ""
) -> QuerySet[ConsolidatedSmelter]:
    """The consolidated smelters of the user's organisation, filtered."""
    smelters = ConsolidatedSmelter.objects.visible_to(user).select_related("site")
    if metal:
        smelters = smelters.filter(metal__iexact=metal)
    if rmap in ("conformant", "active"):
        smelters = smelters.filter(rmap=rmap)
    elif rmap == "none":
        smelters = smelters.filter(rmap="")
    elif rmap == "conformant_or_active":
        smelters = smelters.filter(rmap__in=("conformant", "active"))
    if cahra:
        smelters = smelters.filter(cahra=True)
    if query:
        smelters = smelters.filter(Q(name__icontains=query) | Q(cid__iexact=query.strip()))
    if supplier:
        smelters = smelters.filter(suppliers__icontains=supplier)
    return smelters.order_by("metal", "name", "id")


@dataclass(frozen=True)
class MetalSummary:
    metal: str
    smelters: int
    identified: int
    matched: int
    on_list: int
    conformant: int
    active: int
    cahra: int

    def share(self, count: int) -> int:
        return round(100 * count / self.smelters) if self.smelters else 0

    @property
    def identified_pct(self) -> int:
        return self.share(self.identified)

    @property
    def conformant_pct(self) -> int:
        return self.share(self.conformant)

    @property
    def conformant_or_active_pct(self) -> int:
        return self.share(self.conformant + self.active)

    def as_dict(self) -> dict[str, Any]:
        return {
            "metal": self.metal,
            "smelters": self.smelters,
            "identified": self.identified,
            "identified_share": self.identified / self.smelters if self.smelters else 0.0,
            "matched_to_registry": self.matched,
            "on_facility_list": self.on_list,
            "conformant": self.conformant,
            "active": self.active,
            "conformant_or_active_share": (self.conformant + self.active) / self.smelters
            if self.smelters
            else 0.0,
            "in_cahra": self.cahra,
        }


def metal_summaries(*, user: User) -> list[MetalSummary]:
    """Per metal: smelters, identified (a facility id or a registry site), on the facility list, conformant,
    active, in a conflict-affected or high-risk area (one query)."""
    rows = (
        ConsolidatedSmelter.objects.visible_to(user)
        .values("metal")
        .annotate(
            smelters=Count("id"),
            identified=Count("id", filter=Q(identified=True)),
            matched=Count("id", filter=Q(site__isnull=False)),
            on_list=Count("id", filter=Q(on_facility_list=True)),
            conformant=Count("id", filter=Q(rmap="conformant")),
            active=Count("id", filter=Q(rmap="active")),
            cahra=Count("id", filter=Q(cahra=True)),
        )
        .order_by("metal")
    )
    return [MetalSummary(**row) for row in rows]


def metals_known(*, user: User) -> list[str]:
    return list(
        ConsolidatedSmelter.objects.visible_to(user)
        .order_by("metal")
        .values_list("metal", flat=True)
        .distinct()
    )
