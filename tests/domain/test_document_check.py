"""Reading a policy commitment / supplier code of conduct (award criterion 2, manual 2.4.1) and a due-diligence
description (award criterion 7) with the text reader: each element found quotes its sentence."""

import pytest
from pydantic import ValidationError

from hrdd.domain.document_check import DocumentChecks, check_document, get_document_checks

CODE_EN = (
    "Our Supplier Code of Conduct sets out our commitment to respect human rights. "
    "It refers to the Universal Declaration of Human Rights, the OECD Guidelines for Multinational Enterprises "
    "and the ILO core labour conventions. "
    "Suppliers must carry out human rights due diligence. "
    "The code is part of every contract and all suppliers sign it."
)

DD_FR = (
    "Notre politique des droits de l'homme s'applique à tous les achats. "
    "Chaque année nous réalisons une cartographie des risques et hiérarchisons les fournisseurs. "
    "Les fournisseurs à risque élevé font l'objet d'audits sociaux. "
    "En cas de violations, nous mettons en place des actions correctives. "
    "Nous publions notre plan de vigilance chaque année."
)


def element(check, element_id):
    return next(e for e in check.elements if e.id == element_id)


def test_a_complete_english_code_of_conduct_scores_full_points_and_names_every_element():
    check = check_document(CODE_EN, "policy-commitment")
    assert (check.score, check.out_of, check.language) == (100, 100, "en")
    assert all(e.found for e in check.elements)


def test_each_element_quotes_the_sentence_it_was_found_in():
    check = check_document(CODE_EN, "policy-commitment")
    assert element(check, "communicated").sentences == (
        "The code is part of every contract and all suppliers sign it.",
    )
    assert element(check, "ilo_core_conventions").sentences == (
        "It refers to the Universal Declaration of Human Rights, the OECD Guidelines for Multinational Enterprises "
        "and the ILO core labour conventions.",
    )


def test_a_commitment_not_communicated_to_suppliers_scores_half():
    check = check_document("Ons mensenrechtenbeleid is gepubliceerd op onze website.", "policy-commitment")
    assert check.score == 50
    assert element(check, "commitment").found
    assert not element(check, "communicated").found


def test_a_denied_code_of_conduct_is_not_found():
    check = check_document("Wir haben keinen Verhaltenskodex.", "policy-commitment")
    assert check.score == 0


def test_a_french_due_diligence_description_names_the_five_elements():
    check = check_document(DD_FR, "due-diligence")
    assert [e.id for e in check.elements if e.found] == [
        "policies",
        "risk_identification",
        "monitoring",
        "mitigation",
        "reporting",
    ]
    assert check.score == 100


def test_a_partial_german_description_scores_its_elements():
    text = (
        "Wir führen jährlich eine Risikoanalyse durch und priorisieren unsere Lieferanten. "
        "Lieferanten mit hohem Risiko werden durch Audits überprüft."
    )
    check = check_document(text, "due-diligence")
    assert [e.id for e in check.elements if e.found] == ["risk_identification", "monitoring"]
    assert (check.score, check.out_of) == (40, 100)
    assert check.as_dict()["elements"][1]["sentences"] == [
        "Wir führen jährlich eine Risikoanalyse durch und priorisieren unsere Lieferanten."
    ]


def test_the_definitions_cite_the_manual_and_refuse_a_misspelt_key():
    checks = get_document_checks()
    assert "award criterion 2" in checks.checks["policy-commitment"].source
    assert "award criterion 7" in checks.checks["due-diligence"].source
    data = checks.model_dump()
    data["checks"]["due-diligence"]["elements"]["reporting"]["phrase"] = {}
    with pytest.raises(ValidationError, match="phrase"):
        DocumentChecks.model_validate(data)
