"""Reads for consultations, always scoped to the reader's organisation.

Scores are read, not computed: every submitted response carries the verdict stored when it was submitted or
imported (`ResponseVerdict`), and the market's assessment runs over those stored levels. `consultation_scores_verify`
recomputes every verdict and reports the ones that no longer agree.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import (
    BooleanField,
    CharField,
    Count,
    ExpressionWrapper,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
    Value,
)
from django.db.models.functions import Coalesce, Lower, NullIf
from django.utils import timezone
from django.utils.translation import gettext as _

from hrdd.accounts.models import Organisation, User
from hrdd.consultations.models import Consultation, CoOwner, Invitation, ResponseVerdict, ScenarioChoice
from hrdd.consultations.scoring import COMPUTED, verdict_fields_by_id, verdict_meaning
from hrdd.core.archive import filter_archived
from hrdd.core.errors import NotFound
from hrdd.core.linktokens import LinkClosed, lookup_digest
from hrdd.core.lists import newest_choices
from hrdd.core.models import active_organisation_id, visible_condition
from hrdd.domain.joint_decision import ScenarioAgreement, agree_on_scenario
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


def consultation_get(
    *, user: User, public_id: uuid.UUID | str, include_shared: bool = False, joint: bool = False
) -> Consultation:
    """Return one consultation of the user's organisation, or NotFound (another organisation's is not found);
    with `joint`, also one it co-owns (issue 16); with `include_shared`, also one another organisation shares with
    it (its results only, read-only)."""
    consultations = Consultation.objects.select_related("organisation", "procurement")
    if include_shared:
        return consultations.get_visible(user, public_id=public_id)  # type: ignore[no-any-return]
    if joint:
        try:
            return consultations.joint_with(user).get(public_id=public_id)  # type: ignore[no-any-return]
        except (Consultation.DoesNotExist, ValueError, TypeError, ValidationError) as exc:
            raise NotFound("consultation") from exc
    return consultations.get_owned(user, public_id=public_id)  # type: ignore[no-any-return]


STEP_LINKS = 5  # the newest records of another step a consultation's page links to


def consultation_steps(consultation: Consultation, reader: int | None = None) -> dict[str, Any]:
    """The records of the other steps the consultation's page links to, newest first and at most STEP_LINKS of
    each (`<name>_more` says whether there are others): its procurement's risk assessments and the consultation's
    tenders (titles and links only: an assessment's saved result is large). A co-owner (`reader`, issue 16) gets
    its own tenders only, and none of the owner's procurement."""
    co_owner = reader is not None and reader != consultation.organisation_id
    assessments = (
        []
        if co_owner
        else list(
            consultation.procurement.risk_assessments.only("public_id", "title", "procurement").order_by(
                "-updated_at", "-id"
            )[: STEP_LINKS + 1]
        )
    )
    tenders = list(
        consultation.tenders.filter(organisation_id=reader or consultation.organisation_id)
        .only("public_id", "title", "scenario", "consultation")
        .order_by("-updated_at", "-id")[: STEP_LINKS + 1]
    )
    return {
        "risk_assessments": assessments[:STEP_LINKS],
        "risk_assessments_more": len(assessments) > STEP_LINKS,
        "tenders": tenders[:STEP_LINKS],
        "tenders_more": len(tenders) > STEP_LINKS,
    }


def answers_shared(organisation_id: int | None) -> ExpressionWrapper:
    """Whether the reading organisation may read an invitation's answers (`Invitation.answers_seen`), as a column
    read with the invitation: the owner always, a co-owner those submitted to it."""
    if organisation_id is None:
        return ExpressionWrapper(Value(False), output_field=BooleanField())
    return ExpressionWrapper(Invitation.answers_seen(organisation_id), output_field=BooleanField())


def invitation_get(*, user: User, consultation: Consultation, pk: int) -> Invitation:
    """Return one invitation of a consultation the user may see, with its stored verdict and `answers_shared`
    (a co-owner reads the answers submitted to it only), or NotFound."""
    return (
        Invitation.objects.select_related("company", "verdict", "invited_by")
        .annotate(answers_shared=answers_shared(active_organisation_id(user)))
        .get_visible(user, consultation=consultation, pk=pk)
    )


class LinkWithdrawn(NotFound):
    """The supplier link of a withdrawn invitation: not found (404) everywhere; a page says so kindly."""

    def __init__(self, invitation: Invitation) -> None:
        super().__init__("link")
        self.invitation = invitation


def invitation_get_by_token(*, token: str) -> Invitation:
    """Return the invitation behind a supplier link, found by the token's digest, or 404 (LinkWithdrawn when the
    buyer withdrew it); LinkClosed (410) when the buyer revoked the link or it is past its last day."""
    digest = lookup_digest(token)
    try:
        if digest is None:
            raise Invitation.DoesNotExist
        invitation = Invitation.objects.select_related(
            "consultation", "consultation__organisation", "company"
        ).get(token_hash=digest)
    except Invitation.DoesNotExist as exc:
        raise NotFound("link") from exc
    if invitation.withdrawn_at is not None:
        raise LinkWithdrawn(invitation)
    invitation_link_check(invitation)
    invitation.opened_with(token.strip())
    return invitation


def invitation_link_check(invitation: Invitation, *, today: dt.date | None = None) -> None:
    """Raise LinkClosed when the invitation's link was revoked or is past its last day."""
    consultation = invitation.consultation
    buyer = consultation.organisation.name
    if invitation.link_revoked_at is not None:
        raise LinkClosed(reason=LinkClosed.REVOKED, buyer=buyer, title=consultation.title)
    last_day = invitation.link_expires_on
    if (today or timezone.localdate()) > last_day:
        raise LinkClosed(reason=LinkClosed.EXPIRED, buyer=buyer, title=consultation.title, on=last_day)


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
    # answers a co-owner may not read: submitted before it joined (or to the owner alone); the score is not shown
    withheld: bool = False


def _fits(levels: Mapping[str, str], overall: str, framework: QuestionnaireFramework) -> bool:
    """Whether stored levels name the framework's own dimensions and levels (a verdict of an older edition may not)."""
    ladder = set(framework.levels)
    return (
        overall in ladder
        and set(levels) == {d.id for d in framework.dimensions}
        and all(level in ladder for level in levels.values())
    )


def scored_row(invitation: Invitation, framework: QuestionnaireFramework) -> ScoredInvitation:
    """One response as a page shows it, from its stored verdict (read with the invitation: no query here); a
    response whose answers the reader may not read (`answers_shared` false) shows none of it."""
    if getattr(invitation, "answers_shared", True) is False:
        return ScoredInvitation(invitation, None, withheld=invitation.status == Invitation.Status.SUBMITTED)
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


def _read_by(
    invitations: QuerySet[Invitation], consultation: Consultation, reader: int | None
) -> QuerySet[Invitation]:
    """The invitations with their stored verdicts as `reader` (an organisation id; None: the owner) may read them:
    the owner's in the same query; a co-owner's through the wall (ResponseVerdict.joint_condition), one more query
    however many, and `answers_shared` on every row."""
    invitations = invitations.select_related("company", "invited_by")
    if reader is None or reader == consultation.organisation_id:
        return invitations.select_related("verdict").annotate(
            answers_shared=ExpressionWrapper(Value(True), output_field=BooleanField())
        )
    walled = ResponseVerdict.objects.filter(visible_condition(ResponseVerdict, reader))
    return invitations.prefetch_related(Prefetch("verdict", queryset=walled)).annotate(
        answers_shared=answers_shared(reader)
    )


def consultation_responses(
    *,
    consultation: Consultation,
    query: str = "",
    status: str = "",
    overall: str = "",
    reader: int | None = None,
) -> QuerySet[Invitation]:
    """The consultation's invitations with their stored verdicts (a number of queries that does not grow with
    them), `sort_name` to sort by, as the organisation `reader` may read them (None: the owner; a co-owner reads
    the verdicts of the answers submitted to it); `query` keeps those whose company or e-mail contains it, `status`
    those in that state, `overall` those whose stored overall maturity is that level."""
    invitations = (
        _read_by(consultation.invitations.all(), consultation, reader)
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
        if reader is not None and reader != consultation.organisation_id:
            invitations = invitations.filter(answers_shared=True)
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


def consultation_results(*, consultation: Consultation, reader: int | None = None) -> ConsultationResults:
    """Every response of the consultation with its stored verdict (with reasons), and the market's assessment:
    what the API and the export give in full, as the organisation `reader` may read them (None: the owner). The
    consultation's page shows a page of them instead."""
    framework = get_framework(consultation.framework_id)
    invitations = _read_by(consultation.invitations.all(), consultation, reader).order_by("created_at", "id")
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


# a consultation several buyers run together (issue 16, manual Lesson 6)


def consultation_seen_by(consultation: Consultation) -> list[Organisation]:
    """The organisations that see a supplier's answers when it submits now: the owner first, then the accepted
    co-owners in the order they joined (what the invitation e-mail and the respond page name)."""
    co_owners = list(
        Organisation.objects.filter(
            co_owned_consultations__consultation=consultation,
            co_owned_consultations__status=CoOwner.Status.ACCEPTED,
        ).order_by("co_owned_consultations__joined_at", "name")
    )
    return [consultation.organisation, *co_owners]


def co_owner_rows(*, consultation: Consultation) -> list[CoOwner]:
    """Every organisation invited to co-own the consultation, in any state, in the order invited (one query)."""
    return list(
        consultation.co_owners.select_related("organisation", "invited_by", "answered_by").order_by(
            "invited_at", "id"
        )
    )


def co_owner_candidates(*, consultation: Consultation) -> QuerySet[Organisation]:
    """The organisations of the installation the owner may invite to co-own the consultation: the buyers and
    companies but the owner and those invited or co-owning already, by name."""
    taken = consultation.co_owners.filter(
        status__in=(CoOwner.Status.INVITED, CoOwner.Status.ACCEPTED)
    ).values("organisation_id")
    return (
        Organisation.objects.exclude(pk=consultation.organisation_id)
        .exclude(pk__in=taken)
        .exclude(kind=Organisation.Kind.SUPPLIER)  # a supplier never reads its competitors' answers
        .order_by("name")
    )


def co_owner_invitations(*, user: User) -> QuerySet[CoOwner]:
    """The invitations to co-own a consultation that wait for the user's organisation to answer, newest first."""
    organisation_id = active_organisation_id(user)
    if organisation_id is None:
        return CoOwner.objects.none()
    return (
        CoOwner.objects.filter(organisation_id=organisation_id, status=CoOwner.Status.INVITED)
        .select_related("consultation", "consultation__organisation", "invited_by")
        .order_by("-invited_at", "-id")
    )


def co_owned_consultations(*, user: User) -> QuerySet[Consultation]:
    """The consultations the user's organisation runs as a co-owner, not archived, newest first."""
    organisation_id = active_organisation_id(user)
    if organisation_id is None:
        return Consultation.objects.none()
    return (
        Consultation.objects.filter(Consultation.joint_condition(organisation_id), archived_at__isnull=True)
        .select_related("organisation")
        .order_by("-created_at", "-id")
    )


def co_owner_get(*, user: User, public_id: Any) -> CoOwner:
    """The invitation of the user's organisation to co-own a consultation (in any state), or NotFound."""
    organisation_id = active_organisation_id(user)
    try:
        return CoOwner.objects.select_related(
            "consultation", "consultation__organisation", "organisation"
        ).get(public_id=public_id, organisation_id=organisation_id)
    except (CoOwner.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        raise NotFound("invitation to co-own") from exc


@dataclass(frozen=True)
class Participant:
    """An organisation running a joint consultation, and the scenario it chose (None: not yet)."""

    organisation: Organisation
    is_owner: bool
    choice: ScenarioChoice | None
    row: CoOwner | None = None  # a co-owner's invitation, accepted (None: the owner)


@dataclass(frozen=True)
class JointState:
    """Who runs a consultation and what each chose: the owner and its accepted co-owners, the organisations
    invited or gone, the agreement (the domain's verdict with its reason), and the reader's own place in it."""

    consultation: Consultation
    participants: tuple[Participant, ...]
    others: tuple[CoOwner, ...]  # invited, declined or left
    agreement: ScenarioAgreement
    reader_id: int | None

    @property
    def is_joint(self) -> bool:
        return len(self.participants) > 1 or bool(self.others)

    @property
    def reader_is_owner(self) -> bool:
        return self.reader_id == self.consultation.organisation_id

    @property
    def reader_choice(self) -> ScenarioChoice | None:
        return next(
            (p.choice for p in self.participants if p.organisation.pk == self.reader_id),
            None,
        )

    @property
    def reader_row(self) -> CoOwner | None:
        """The reader's organisation's accepted invitation (what it leaves with), or None."""
        return next((p.row for p in self.participants if p.organisation.pk == self.reader_id), None)

    @property
    def reader_takes_part(self) -> bool:
        return any(p.organisation.pk == self.reader_id for p in self.participants)


def joint_state(*, consultation: Consultation, reader: int | None = None) -> JointState:
    """The consultation's co-owners and scenario choices as the page and the API show them (three queries)."""
    rows = co_owner_rows(consultation=consultation)
    active = [r for r in rows if r.status == CoOwner.Status.ACCEPTED]
    organisations = [consultation.organisation, *(r.organisation for r in active)]
    choices = {
        c.organisation_id: c
        for c in consultation.scenario_choices.select_related("chosen_by").filter(
            organisation__in=[o.pk for o in organisations]
        )
    }
    rows_of = {r.organisation_id: r for r in active}
    participants = tuple(
        Participant(
            organisation=o,
            is_owner=o.pk == consultation.organisation_id,
            choice=choices.get(o.pk),
            row=rows_of.get(o.pk),
        )
        for o in organisations
    )
    agreement = agree_on_scenario(
        participants=[o.name for o in organisations],
        choices={p.organisation.name: p.choice.scenario for p in participants if p.choice is not None},
    )
    return JointState(
        consultation=consultation,
        participants=participants,
        others=tuple(r for r in rows if r.status != CoOwner.Status.ACCEPTED),
        agreement=agreement,
        reader_id=reader,
    )


def scenario_to_preselect(
    consultation: Consultation, market: MarketAssessment | None = None
) -> tuple[int | None, str]:
    """The scenario a tender built from the consultation starts with, and why: the scenario its co-owners agreed
    on ("agreed"), else the market's recommendation ("recommended"), else none. A page that has the market already
    passes it."""
    if consultation.agreed_scenario is not None:
        return consultation.agreed_scenario, "agreed"
    if market is None:
        market = consultation_market(consultation=consultation)
    return (market.recommended_scenario, "recommended") if market is not None else (None, "")
