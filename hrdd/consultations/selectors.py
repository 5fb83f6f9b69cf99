"""Reads for consultations, always scoped to the reader's organisation.

Scores are read, not computed: every submitted response carries the verdict stored when it was submitted or
imported (`ResponseVerdict`), and the market's assessment runs over those stored levels. `consultation_scores_verify`
recomputes every verdict and reports the ones that no longer agree.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.db.models import CharField, Count, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils import timezone
from django.utils.translation import gettext as _

from hrdd.accounts.models import User
from hrdd.consultations.models import Consultation, Invitation, ResponseVerdict
from hrdd.consultations.scoring import COMPUTED, verdict_fields_by_id, verdict_meaning
from hrdd.core.archive import filter_archived
from hrdd.core.errors import NotFound
from hrdd.core.lists import newest_choices
from hrdd.domain.maturity import MarketAssessment, Reason, assess_market
from hrdd.domain.maturity_results import DimensionResult, level_rank, level_tone
from hrdd.domain.questionnaire_framework import QuestionnaireFramework, get_framework
from hrdd.domain.text_data import text_from_data

CHOICES = 200  # the newest consultations a form's select offers


def _invitation_count(**lookup: Any) -> Coalesce:
    """A consultation's number of invitations (with `lookup`), as a subquery: a page of the list counts the
    invitations of its own rows only, not a join over every invitation."""
    counted = (
        Invitation.objects.filter(consultation=OuterRef("pk"), **lookup)
        .order_by()
        .values("consultation")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted), 0)


def consultation_list(
    *, user: User, query: str = "", product_category: str = "", state: str = "", archived: str = ""
) -> QuerySet[Consultation]:
    """Return the consultations the user may see, with response counts (withdrawn answers not counted); `query`
    keeps those whose title contains it, `state` "open" those still taking answers and "closed" those past their
    deadline; archived ones only when `archived` asks for them (hrdd.core.archive)."""
    consultations = filter_archived(
        Consultation.objects.owned_by(user)
        .select_related("procurement")
        .annotate(
            invited=_invitation_count(),
            submitted=_invitation_count(status=Invitation.Status.SUBMITTED, withdrawn_at__isnull=True),
        ),
        archived,
    )
    if query.strip():
        consultations = consultations.filter(title__icontains=query.strip())
    if product_category:
        consultations = consultations.filter(product_category=product_category)
    today = timezone.localdate()
    if state == "open":
        consultations = consultations.filter(deadline__gte=today)
    elif state == "closed":
        consultations = consultations.filter(deadline__lt=today)
    return consultations


def consultation_choices(
    *, user: User, blank: str = "—", keep: Consultation | None = None
) -> list[tuple[str, str]]:
    """A select's choices: a blank one, then the user's newest consultations (and `keep`, when older)."""
    newest = (
        Consultation.objects.owned_by(user)
        .filter(archived_at__isnull=True)
        .only("public_id", "title")
        .order_by("-created_at", "-id")
    )
    return newest_choices(newest, blank=blank, limit=CHOICES, keep=keep)


def consultation_get(*, user: User, public_id: uuid.UUID | str, include_shared: bool = False) -> Consultation:
    """Return one consultation of the user's organisation, or NotFound (another organisation's is not found);
    with `include_shared`, also one another organisation shares with it (its results only, read-only)."""
    consultations = Consultation.objects.select_related("organisation", "procurement")
    if include_shared:
        return consultations.get_visible(user, public_id=public_id)  # type: ignore[no-any-return]
    return consultations.get_owned(user, public_id=public_id)  # type: ignore[no-any-return]


STEP_LINKS = 5  # the newest records of another step a consultation's page links to


def consultation_steps(consultation: Consultation) -> dict[str, Any]:
    """The records of the other steps the consultation's page links to, newest first and at most STEP_LINKS of
    each (`<name>_more` says whether there are others): its procurement's risk assessments and the consultation's
    tenders (titles and links only: an assessment's saved result is large)."""
    assessments = list(
        consultation.procurement.risk_assessments.only("public_id", "title", "procurement").order_by(
            "-updated_at", "-id"
        )[: STEP_LINKS + 1]
    )
    tenders = list(
        consultation.tenders.only("public_id", "title", "scenario", "consultation").order_by(
            "-updated_at", "-id"
        )[: STEP_LINKS + 1]
    )
    return {
        "risk_assessments": assessments[:STEP_LINKS],
        "risk_assessments_more": len(assessments) > STEP_LINKS,
        "tenders": tenders[:STEP_LINKS],
        "tenders_more": len(tenders) > STEP_LINKS,
    }


def invitation_get(*, user: User, consultation: Consultation, pk: int) -> Invitation:
    """Return one invitation of a consultation the user may see, with its stored verdict, or NotFound."""
    return Invitation.objects.select_related("company", "verdict").get_visible(
        user, consultation=consultation, pk=pk
    )


class LinkWithdrawn(NotFound):
    """The supplier link of a withdrawn invitation: not found (404) everywhere; a page says so kindly."""

    def __init__(self, invitation: Invitation) -> None:
        super().__init__("link")
        self.invitation = invitation


def invitation_get_by_token(*, token: str) -> Invitation:
    """Return the invitation behind a supplier link, or 404 (LinkWithdrawn when the buyer withdrew it)."""
    try:
        invitation = Invitation.objects.select_related(
            "consultation", "consultation__organisation", "company"
        ).get(token=token)
    except Invitation.DoesNotExist as exc:
        raise NotFound("link") from exc
    if invitation.withdrawn_at is not None:
        raise LinkWithdrawn(invitation)
    return invitation


# stored verdicts, read back


@dataclass(frozen=True)
class StoredScore:
    """A response's verdict as it was stored, with the names of the domain's ResponseScore (so that pages, the
    API and the export read either)."""

    company: str
    role: str
    framework: str
    scores: Mapping[str, int | float]
    levels: Mapping[str, str]
    overall: str
    warnings: tuple[str, ...]
    reasons: tuple[Reason, ...]

    @classmethod
    def from_verdict(cls, verdict: ResponseVerdict) -> StoredScore:
        """Read a stored verdict: the levels, overall level and warnings from their own columns (what lists
        filter, sort and count by), the rest from the stored score. A reason or warning whose Text was stored
        beside it (scoring.verdict_fields) reads back as that Text, so that pages say it in the reader's language;
        one stored before, or changed since, reads as its English."""
        score = verdict.score or {}
        forms = score.get("warnings_texts")
        warnings = tuple(verdict.warnings)
        if isinstance(forms, list) and len(forms) == len(warnings):
            warnings = tuple(text_from_data(w, f) for w, f in zip(warnings, forms, strict=True))
        return cls(
            company=score.get("company", ""),
            role=score.get("role", ""),
            framework=score.get("framework", verdict.framework_label),
            scores=score.get("scores", {}),
            levels=verdict.levels,
            overall=verdict.overall,
            warnings=warnings,
            reasons=tuple(
                Reason(r["subject"], text_from_data(r["text"], r.get("text_form")), r["source"])
                for r in score.get("reasons", ())
            ),
        )

    def as_dict(self) -> dict[str, Any]:
        """The plain-JSON shape of the domain's `ResponseScore.as_dict`."""
        return {
            "company": self.company,
            "role": self.role,
            "scores": dict(self.scores),
            "levels": dict(self.levels),
            "overall": self.overall,
            "warnings": list(self.warnings),
        }


@dataclass(frozen=True)
class StoredLevels:
    """What the market assessment reads of one stored verdict."""

    levels: Mapping[str, str]
    overall: str


@dataclass(frozen=True)
class ScoredInvitation:
    invitation: Invitation
    score: StoredScore | None
    error: str = ""  # a submission that could not be scored when its verdict was stored
    dimensions: tuple[DimensionResult, ...] = ()  # the score by the framework's own dimensions
    overall_tone: str = ""


def _fits(levels: Mapping[str, str], overall: str, framework: QuestionnaireFramework) -> bool:
    """Whether stored levels name the framework's own dimensions and levels (a verdict of an older edition may not)."""
    ladder = set(framework.levels)
    return (
        overall in ladder
        and set(levels) == {d.id for d in framework.dimensions}
        and all(level in ladder for level in levels.values())
    )


def scored_row(invitation: Invitation, framework: QuestionnaireFramework) -> ScoredInvitation:
    """One response as a page shows it, from its stored verdict (read with the invitation: no query here)."""
    verdict: ResponseVerdict | None = getattr(invitation, "verdict", None)
    if invitation.status != Invitation.Status.SUBMITTED or verdict is None:
        return ScoredInvitation(invitation, None)
    if verdict.score is None:
        return ScoredInvitation(invitation, None, error=verdict.error)
    score = StoredScore.from_verdict(verdict)
    if not _fits(score.levels, score.overall, framework) or not set(score.levels) <= set(score.scores):
        return ScoredInvitation(
            invitation,
            None,
            error=_("Scored with %(framework)s, whose levels are not this questionnaire's.")
            % {"framework": verdict.framework_label},
        )
    dimensions = tuple(
        DimensionResult(
            id=d.id,
            title=d.title,
            score=score.scores[d.id],
            level=score.levels[d.id],
            rank=level_rank(score.levels[d.id], framework),
            tone=level_tone(score.levels[d.id], framework),
        )
        for d in framework.dimensions
    )
    return ScoredInvitation(
        invitation, score, dimensions=dimensions, overall_tone=level_tone(score.overall, framework)
    )


def consultation_responses(
    *, consultation: Consultation, query: str = "", status: str = "", overall: str = ""
) -> QuerySet[Invitation]:
    """The consultation's invitations with their stored verdicts (one query however many), `sort_name` to sort
    by; `query` keeps those whose company or e-mail contains it, `status` those in that state, `overall` those
    whose stored overall maturity is that level."""
    invitations = (
        consultation.invitations.select_related("company", "verdict")
        .defer("answers")  # a row shows the stored verdict, not the answers
        .annotate(
            sort_name=Lower(
                Coalesce(
                    NullIf("company__legal_name", Value("")),
                    NullIf("company_as_given", Value("")),
                    "email",
                    output_field=CharField(),
                )
            )
        )
    )
    if query.strip():
        text = query.strip()
        invitations = invitations.filter(
            Q(company__legal_name__icontains=text)
            | Q(company_as_given__icontains=text)
            | Q(email__icontains=text)
        )
    if status == "late":
        invitations = invitations.filter(late=True)
    elif status == "withdrawn":
        invitations = invitations.filter(withdrawn_at__isnull=False)
    elif status:
        invitations = invitations.filter(status=status, withdrawn_at__isnull=True)
    if overall:
        invitations = invitations.filter(verdict__overall=overall, status=Invitation.Status.SUBMITTED)
    return invitations


def consultation_response_counts(*, consultation: Consultation) -> dict[str, int]:
    """How many invitations of the consultation are in each state (withdrawn ones apart), how many answered late,
    and in all (one query)."""
    current = Q(withdrawn_at__isnull=True)
    counts = consultation.invitations.aggregate(
        all=Count("pk"),
        withdrawn=Count("pk", filter=~current),
        late=Count("pk", filter=current & Q(late=True, status=Invitation.Status.SUBMITTED)),
        **{status: Count("pk", filter=current & Q(status=status)) for status in Invitation.Status.values},
    )
    return {key: int(value or 0) for key, value in counts.items()}


def consultation_market(
    *, consultation: Consultation, framework: QuestionnaireFramework | None = None
) -> MarketAssessment | None:
    """Assess the market (domain `assess_market`) over the stored levels of the submitted responses; None before
    the first. A verdict that could not be scored, or whose levels are not the framework's, is not counted."""
    framework = framework or get_framework(consultation.framework_id)
    # the database counts the responses of each combination of levels (a handful), not every response
    combinations = (
        ResponseVerdict.objects.filter(
            invitation__consultation=consultation,
            invitation__status=Invitation.Status.SUBMITTED,
            invitation__withdrawn_at__isnull=True,  # a withdrawn answer is kept but no longer counts
            error="",
        )
        .order_by()
        .values("levels", "overall")
        .annotate(n=Count("pk"))
        .values_list("levels", "overall", "n")
    )
    judged: list[StoredLevels] = []
    for levels, overall, n in combinations:
        if _fits(levels, overall, framework):
            judged.extend([StoredLevels(levels, overall)] * n)
    return assess_market(judged, framework) if judged else None


@dataclass(frozen=True)
class ConsultationResults:
    consultation: Consultation
    framework: QuestionnaireFramework
    rows: tuple[ScoredInvitation, ...]
    market: MarketAssessment | None

    @property
    def submitted(self) -> int:
        return sum(1 for r in self.rows if r.score is not None)


def consultation_results(*, consultation: Consultation) -> ConsultationResults:
    """Every response of the consultation with its stored verdict (with reasons), and the market's assessment:
    what the API and the export give in full. The consultation's page shows a page of them instead."""
    framework = get_framework(consultation.framework_id)
    invitations = consultation.invitations.select_related("company", "verdict").order_by("created_at", "id")
    rows = tuple(scored_row(invitation, framework) for invitation in invitations)
    return ConsultationResults(
        consultation=consultation,
        framework=framework,
        rows=rows,
        market=consultation_market(consultation=consultation, framework=framework),
    )


# the stale-check


@dataclass(frozen=True)
class VerdictDiscrepancy:
    """A stored verdict that does not agree with a fresh computation (or is missing, or kept where none belongs)."""

    invitation_id: int
    consultation: str  # the consultation's public id
    organisation_id: int
    problem: str  # "missing", "differs" or "not submitted"
    fields: tuple[str, ...]  # the verdict's fields that differ
    stored: dict[str, Any] | None
    fresh: dict[str, Any] | None

    def describe(self) -> str:
        """One line for a report: which response, and what is wrong with its verdict."""
        where = f"consultation {self.consultation}, response {self.invitation_id}"
        if self.problem == "differs":
            return f"{where}: the stored verdict differs from a fresh one in {', '.join(self.fields)}"
        if self.problem == "missing":
            return f"{where}: submitted, but no verdict is stored"
        return f"{where}: a verdict is stored, but the response is not submitted"


def _stored_fields(verdict: ResponseVerdict) -> dict[str, Any]:
    return {name: getattr(verdict, name) for name in COMPUTED}


def consultation_scores_verify(*, batch: int = 500) -> list[VerdictDiscrepancy]:
    """Recompute the verdict of every submitted response of the installation (every organisation: an
    administrator's check, `hrdd verify`) and return those whose stored verdict differs or is missing, and the
    verdicts kept on responses that are no longer submitted. Reads in batches; an empty list means all agree."""
    frameworks: dict[str, QuestionnaireFramework | str] = {}
    found: list[VerdictDiscrepancy] = []
    submitted = (
        Invitation.objects.filter(status=Invitation.Status.SUBMITTED)
        .select_related("consultation", "company", "verdict")
        .order_by("pk")
    )
    for invitation in submitted.iterator(chunk_size=batch):
        fresh = verdict_fields_by_id(
            invitation.as_raw_response(), invitation.consultation.framework_id, frameworks=frameworks
        )
        verdict = getattr(invitation, "verdict", None)
        stored = _stored_fields(verdict) if verdict is not None else None
        if stored is not None and verdict_meaning(stored) == verdict_meaning(fresh):
            continue
        found.append(
            VerdictDiscrepancy(
                invitation_id=invitation.pk,
                consultation=str(invitation.consultation.public_id),
                organisation_id=invitation.consultation.organisation_id,
                problem="missing" if stored is None else "differs",
                fields=()
                if stored is None
                else tuple(k for k in COMPUTED if verdict_meaning(stored)[k] != verdict_meaning(fresh)[k]),
                stored=stored,
                fresh=fresh,
            )
        )
    orphans = (
        ResponseVerdict.objects.exclude(invitation__status=Invitation.Status.SUBMITTED)
        .select_related("invitation__consultation")
        .order_by("pk")
    )
    for verdict in orphans.iterator(chunk_size=batch):
        consultation = verdict.invitation.consultation
        found.append(
            VerdictDiscrepancy(
                invitation_id=verdict.invitation_id,
                consultation=str(consultation.public_id),
                organisation_id=consultation.organisation_id,
                problem="not submitted",
                fields=(),
                stored=_stored_fields(verdict),
                fresh=None,
            )
        )
    return found
