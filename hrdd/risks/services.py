"""Writes for product risks: import a knowledge edition, save a risk assessment. Each is audited."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from hrdd.accounts.models import User
from hrdd.accounts.services import writer_organisation
from hrdd.audit.services import audit_record
from hrdd.consultations.models import Consultation
from hrdd.core.versions import claim_version
from hrdd.domain.knowledge import parse_table
from hrdd.domain.risk import Adjustments
from hrdd.procurements.models import Procurement
from hrdd.procurements.services import procurement_of_step
from hrdd.risks.models import KnowledgeEdition, ProductRiskAssessment
from hrdd.risks.selectors import product_risk


class RiskAssessmentError(ValueError):
    """A risk-assessment write was refused; `field` names the input at fault."""

    def __init__(self, message: str, *, field: str = "") -> None:
        self.field = field
        super().__init__(message)


@transaction.atomic
def knowledge_import(*, table: str, csv_text: str, label: str, actor: User | None = None) -> KnowledgeEdition:
    """Store a newer edition of a knowledge table and make it the active one; a bad file stores nothing."""
    rows = parse_table(table, csv_text)  # raises KnowledgeError naming the row and column
    label = (label or "").strip() or _("imported edition")
    previous = list(KnowledgeEdition.objects.select_for_update().filter(table=table, is_active=True))
    KnowledgeEdition.objects.filter(pk__in=[p.pk for p in previous]).update(is_active=False)
    edition = KnowledgeEdition.objects.create(
        table=table, label=label[:200], csv_text=csv_text, row_count=len(rows), imported_by=actor
    )
    audit_record(
        actor=actor,
        actor_label=None if actor else "command line",
        action="knowledge.import",
        target=edition,
        before={"active": [p.label for p in previous]},
        after={"table": table, "label": edition.label, "rows": len(rows)},
    )
    return edition


@transaction.atomic
def risk_assessment_save(
    *,
    actor: User,
    title: str,
    product: str,
    adjustments: Adjustments,
    consultation: Consultation | None = None,
    procurement: Procurement | None = None,
    assessment: ProductRiskAssessment | None = None,
    version: int | None = None,
) -> ProductRiskAssessment:
    """Save (or update) a product risk assessment with the buyer's adjustments and the result as it stands. An
    update made on another `version` than the saved one is refused (StaleEdit).

    It joins the procurement given, or the one of the consultation given, or the one it already belongs to, or
    a new procurement named after it.
    """
    organisation = writer_organisation(actor)
    title = (title or "").strip()
    if not title:
        raise RiskAssessmentError(_("A title is required."), field="title")
    if len(title) > 200:
        raise RiskAssessmentError(_("The title is longer than 200 characters."), field="title")
    if consultation is not None and consultation.organisation_id != organisation.pk:
        raise RiskAssessmentError(_("Unknown procurement."), field="consultation")
    if procurement is not None and procurement.organisation_id != organisation.pk:
        raise RiskAssessmentError(_("Unknown procurement."), field="procurement")
    adjustments.validate()  # InvalidAdjustment names the field
    result = product_risk(product, adjustments)  # UnknownProduct on a bad id
    before = None
    if assessment is None:
        assessment = ProductRiskAssessment(organisation=organisation, created_by=actor)
    else:
        if assessment.organisation_id != organisation.pk:
            raise RiskAssessmentError(_("Unknown risk assessment."))
        claim_version(assessment, version, what=_("risk assessment"), refresh=True)
        before = {
            "title": assessment.title,
            "product": assessment.product,
            "adjustments": assessment.adjustments,
        }
    if procurement is None and consultation is None and assessment.procurement_id:
        procurement = assessment.procurement
    assessment.procurement = procurement_of_step(
        actor=actor, procurement=procurement, parts=[consultation], title=title, product_category=product
    )
    assessment.title = title
    assessment.product = product
    assessment.adjustments = adjustments.as_dict()
    assessment.result = result.as_dict()
    assessment.method = result.method
    assessment.save()
    audit_record(
        actor=actor,
        organisation=organisation,
        action="risk_assessment.save",
        target=assessment,
        before=before,
        after={
            "title": title,
            "product": product,
            "adjustments": assessment.adjustments,
            "procurement": str(assessment.procurement.public_id),
        },
    )
    if (
        before is not None
    ):  # saved again: the contracts whose tender names it link their sites to the new result
        from hrdd.contracts.verdicts import site_links_refresh

        site_links_refresh(risk_assessment_id=assessment.pk)
    return assessment
