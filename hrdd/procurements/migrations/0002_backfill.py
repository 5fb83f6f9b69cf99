"""Every existing record finds its procurement and its companies.

Each consultation becomes a procurement; a risk assessment joins the procurement of its consultation; a tender
joins the procurement of its consultation, else of its risk assessment; a contract joins its tender's; anything
left gets a procurement of its own. Supplier names typed in invitations, contracts and bids become companies of the
buyer's organisation, one per normalised name (and country, which no earlier record knew).
"""

from django.db import migrations

from hrdd.domain.companies import normalise_company_name


def backfill(apps, schema_editor):
    Procurement = apps.get_model("procurements", "Procurement")
    Company = apps.get_model("companies", "Company")
    Consultation = apps.get_model("consultations", "Consultation")
    Invitation = apps.get_model("consultations", "Invitation")
    Assessment = apps.get_model("risks", "ProductRiskAssessment")
    Tender = apps.get_model("tenders", "Tender")
    Evaluation = apps.get_model("tenders", "BidEvaluation")
    Bid = apps.get_model("tenders", "Bid")
    Contract = apps.get_model("contracts", "Contract")

    def new_procurement(record, title, product_category):
        return Procurement.objects.create(
            organisation_id=record.organisation_id,
            title=title[:200],
            product_category=product_category or "",
            created_by_id=record.created_by_id,
        )

    companies = {}

    def company(organisation_id, name):
        name = (name or "").strip()[:200]
        if not name:
            return None
        key = (organisation_id, normalise_company_name(name))
        if key not in companies:
            companies[key], _ = Company.objects.get_or_create(
                organisation_id=organisation_id,
                normalised_name=key[1],
                country_iso3="",
                defaults={"legal_name": name},
            )
        return companies[key]

    for consultation in Consultation.objects.order_by("pk"):
        consultation.procurement = new_procurement(consultation, consultation.title, consultation.product_category)
        consultation.save(update_fields=["procurement"])

    for assessment in Assessment.objects.order_by("pk"):
        if assessment.consultation_id:
            assessment.procurement_id = Consultation.objects.get(pk=assessment.consultation_id).procurement_id
        else:
            assessment.procurement = new_procurement(assessment, assessment.title, assessment.product)
        assessment.save(update_fields=["procurement"])

    for tender in Tender.objects.order_by("pk"):
        if tender.consultation_id:
            tender.procurement_id = Consultation.objects.get(pk=tender.consultation_id).procurement_id
        elif tender.risk_assessment_id:
            tender.procurement_id = Assessment.objects.get(pk=tender.risk_assessment_id).procurement_id
        else:
            tender.procurement = new_procurement(tender, tender.title, "")
        tender.save(update_fields=["procurement"])
        for evaluation in Evaluation.objects.filter(tender=tender):
            seen = set()
            for bid in (evaluation.request or {}).get("bids") or []:
                bidder = str(bid.get("bidder") or "").strip() if isinstance(bid, dict) else ""
                if bidder and bidder not in seen:
                    seen.add(bidder)
                    Bid.objects.create(evaluation=evaluation, company=company(tender.organisation_id, bidder), bidder=bidder[:200])

    for contract in Contract.objects.order_by("pk"):
        if contract.tender_id:
            contract.procurement_id = Tender.objects.get(pk=contract.tender_id).procurement_id
        else:
            contract.procurement = new_procurement(contract, contract.title, "")
        contract.supplier = company(contract.organisation_id, contract.supplier_name) or company(
            contract.organisation_id, contract.supplier_email
        )
        contract.save(update_fields=["procurement", "supplier"])

    for invitation in Invitation.objects.select_related("consultation").exclude(company=""):
        invitation.company_entity = company(invitation.consultation.organisation_id, invitation.company)
        invitation.save(update_fields=["company_entity"])


def unfill(apps, schema_editor):
    Invitation = apps.get_model("consultations", "Invitation")
    Contract = apps.get_model("contracts", "Contract")
    for invitation in Invitation.objects.exclude(company_entity=None).select_related("company_entity"):
        invitation.company = invitation.company_entity.legal_name
        invitation.save(update_fields=["company"])
    for contract in Contract.objects.exclude(supplier=None).select_related("supplier"):
        contract.supplier_name = contract.supplier.legal_name
        contract.save(update_fields=["supplier_name"])


class Migration(migrations.Migration):
    dependencies = [
        ("procurements", "0001_initial"),
        ("consultations", "0003_procurement_company"),
        ("risks", "0002_procurement"),
        ("tenders", "0002_procurement_bids"),
        ("contracts", "0002_procurement_supplier"),
    ]

    operations = [migrations.RunPython(backfill, unfill)]
