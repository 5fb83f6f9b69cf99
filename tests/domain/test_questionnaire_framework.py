"""Questionnaire frameworks are data: the shipped CFIT framework, a second buyer's framework, and the rules
that a framework file must obey."""

import copy
from pathlib import Path

import pytest
import yaml

import hrdd.frameworks
from hrdd.domain.maturity import InvalidResponse, score_raw_response
from hrdd.domain.questionnaire_framework import (
    DEFAULT_FRAMEWORK_ID,
    FrameworkError,
    QuestionnaireFramework,
    framework_ids,
    get_framework,
    load_framework_file,
    parse_framework,
    shipped_framework_ids,
    use_framework_dirs,
)

FIXTURES = Path(__file__).parent / "fixtures"
SECOND_FRAMEWORK = FIXTURES / "greenbuy-2026.yaml"
SHIPPED_DIR = Path(hrdd.frameworks.__file__).parent
ALL_SHIPPED_FILES = sorted(SHIPPED_DIR.glob("*.yaml"))


def _kind(path):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data.get("kind") if isinstance(data, dict) else None


# hrdd/frameworks/ also holds data of other kinds (e.g. a risk method); questionnaires are the ones here
SHIPPED_FILES = [p for p in ALL_SHIPPED_FILES if _kind(p) == "questionnaire"]


def second_framework_data():
    """The second framework's YAML as plain data, ready to be broken by a test."""
    return yaml.safe_load(SECOND_FRAMEWORK.read_text(encoding="utf-8"))


def question_data(data, question_id):
    return next(q for q in data["questions"] if q["id"] == question_id)


def dimension_data(data, dimension_id):
    return next(d for d in data["dimensions"] if d["id"] == dimension_id)


# --- the shipped framework -------------------------------------------------------------------------------


def test_the_default_framework_is_cfit_2025():
    # when
    framework = get_framework()

    # then
    assert DEFAULT_FRAMEWORK_ID == "cfit-2025"
    assert framework.id == "cfit-2025"
    assert framework.kind == "questionnaire"


def test_cfit_2025_is_listed_among_the_shipped_frameworks():
    assert "cfit-2025" in shipped_framework_ids()


def test_asking_for_an_unknown_framework_raises_a_framework_error_naming_the_known_ones():
    with pytest.raises(FrameworkError) as raised:
        get_framework("no-such-framework")

    assert "no-such-framework" in str(raised.value)
    assert "cfit-2025" in str(raised.value)


def test_cfit_2025_has_the_three_roles_of_the_spec():
    assert [r.id for r in get_framework().roles] == ["manufacturer", "reseller", "other"]


@pytest.mark.parametrize(
    ("role", "column"), [("manufacturer", "manufacturer"), ("reseller", "reseller"), ("other", "reseller")]
)
def test_each_cfit_role_is_scored_with_the_point_column_of_the_spec(role, column):
    assert get_framework().role(role).points == column


def test_only_the_role_other_carries_a_warning_and_it_names_the_reseller_points():
    framework = get_framework()

    assert framework.role("manufacturer").warning is None
    assert framework.role("reseller").warning is None
    assert "reseller" in framework.role("other").warning


def test_cfit_2025_asks_the_four_questions_of_the_spec_in_order():
    assert [q.id for q in get_framework().questions] == [
        "transparency",
        "risk_understanding",
        "policies",
        "actions",
    ]


@pytest.mark.parametrize(
    ("question", "select", "cap"),
    [
        ("transparency", "multiple", 5),
        ("risk_understanding", "single", None),
        ("policies", "multiple", 10),
        ("actions", "multiple", None),
    ],
)
def test_each_cfit_question_has_the_selection_mode_and_cap_of_the_spec(question, select, cap):
    # when
    q = get_framework().question(question)

    # then
    assert q.select == select
    assert q.cap == cap


@pytest.mark.parametrize(
    ("question", "options"),
    [
        (
            "transparency",
            [
                "tier1_only",
                "assembly_location",
                "component_producers",
                "raw_material_types",
                "raw_material_suppliers",
                "mapping_efforts",
                "end_to_end",
            ],
        ),
        ("risk_understanding", ["unfamiliar", "cursory", "fair", "good"]),
        ("policies", ["no_commitment", "basic_commitment", "detailed_commitments", "due_diligence_strategy"]),
        (
            "actions",
            [
                "no_action",
                "code_compliance",
                "complaints_procedure",
                "digital_tools",
                "dedicated_staff",
                "industry_initiatives",
                "stakeholder_consultation",
            ],
        ),
    ],
)
def test_each_cfit_question_offers_exactly_the_options_of_the_spec(question, options):
    assert [o.id for o in get_framework().question(question).options] == options


def test_the_contradictory_options_are_exactly_tier1_only_no_commitment_and_no_action():
    # when
    exclusive = {(q.id, o.id) for q in get_framework().questions for o in q.options if o.exclusive}

    # then
    assert exclusive == {
        ("transparency", "tier1_only"),
        ("policies", "no_commitment"),
        ("actions", "no_action"),
    }


def test_the_actions_question_has_the_four_free_text_fields_of_the_spec():
    # when
    fields = {f.id for q, f in get_framework().text_fields}

    # then
    assert fields == {"initiatives", "stakeholders", "digital_tools", "other_actions"}
    assert {q.id for q, _ in get_framework().text_fields} == {"actions"}


@pytest.mark.parametrize(
    ("dimension", "questions"),
    [
        ("awareness", ("transparency", "risk_understanding")),
        ("policies", ("policies",)),
        ("actions", ("actions",)),
    ],
)
def test_each_cfit_dimension_adds_up_the_questions_of_the_spec(dimension, questions):
    dimensions = {d.id: d for d in get_framework().dimensions}

    assert dimensions[dimension].questions == questions


def test_cfit_levels_are_low_medium_high_and_overall_is_the_median():
    framework = get_framework()

    assert framework.levels == ("low", "medium", "high")
    assert framework.overall.rule == "median"


def test_cfit_market_quorum_is_three_suppliers_or_half_of_the_respondents():
    quorum = get_framework().market.quorum

    assert quorum.min_count == 3
    assert quorum.min_share == 0.5


def test_cfit_baseline_advice_names_tco_certified_and_epeat():
    text = get_framework().market.baseline.text

    assert "TCO Certified" in text
    assert "EPEAT" in text


def test_looking_up_an_unknown_question_or_role_raises_key_error():
    framework = get_framework()

    with pytest.raises(KeyError):
        framework.question("no_such_question")
    with pytest.raises(KeyError):
        framework.role("no_such_role")
    with pytest.raises(KeyError):
        framework.question("policies").option("no_such_option")


def test_a_framework_is_immutable():
    framework = get_framework()

    with pytest.raises(Exception):  # noqa: B017 - pydantic raises its own ValidationError for frozen models
        framework.id = "changed"


# --- every shipped file ------------------------------------------------------------------------------------


def test_at_least_one_questionnaire_framework_file_is_shipped():
    assert SHIPPED_FILES


@pytest.mark.parametrize("path", ALL_SHIPPED_FILES, ids=lambda p: p.name)
def test_every_shipped_yaml_file_parses_and_declares_its_kind(path):
    assert _kind(path)


def test_the_shipped_questionnaire_ids_are_the_questionnaire_files():
    assert shipped_framework_ids() == tuple(sorted(p.stem for p in SHIPPED_FILES))


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=lambda p: p.name)
def test_every_shipped_framework_file_loads(path):
    # when
    framework = load_framework_file(path)

    # then
    assert isinstance(framework, QuestionnaireFramework)
    assert f"{framework.id}.yaml" == path.name


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=lambda p: p.name)
def test_every_shipped_framework_cites_a_source_for_every_question_dimension_and_role(path):
    # given
    framework = load_framework_file(path)

    # when
    cited = (
        [("framework", framework.id, framework.source)]
        + [("question", q.id, q.source) for q in framework.questions]
        + [("dimension", d.id, d.source) for d in framework.dimensions]
        + [("role", r.id, r.source) for r in framework.roles]
        + [("overall", framework.overall.rule, framework.overall.source)]
        + [("scenario", str(s.scenario), s.source) for s in framework.market.scenarios]
        + [("default scenario", str(framework.market.default.scenario), framework.market.default.source)]
        + [("baseline", "baseline", framework.market.baseline.source)]
    )

    # then
    missing = [(kind, name) for kind, name, source in cited if not source.strip()]
    assert missing == []


@pytest.mark.parametrize("path", SHIPPED_FILES, ids=lambda p: p.name)
def test_every_shipped_framework_loads_the_same_by_id_and_by_file(path):
    framework = load_framework_file(path)

    assert get_framework(framework.id) == framework


# --- a second framework, added without code ---------------------------------------------------------------


@pytest.fixture(scope="module")
def second():
    return load_framework_file(SECOND_FRAMEWORK)


def test_a_second_framework_loads_from_a_file(second):
    assert second.id == "greenbuy-2026"
    assert second.levels == ("basic", "developing", "advanced")
    assert [d.id for d in second.dimensions] == ["visibility", "remedy", "verification"]


def test_a_second_framework_is_not_listed_among_the_shipped_ones(second):
    assert second.id not in shipped_framework_ids()


@pytest.mark.parametrize(
    ("role", "traceability"),
    [
        # the fixture gives smelters 4 and mines 5 to makers, 2 and 3 to traders; the cap is 6
        ("oem", 6),
        ("distributor", 5),
        ("broker", 5),
    ],
)
def test_a_second_framework_scores_with_its_own_points_and_cap(second, role, traceability):
    # given
    raw = {
        "company": "Other Corp",
        "role": role,
        "answers": {
            "traceability": ["smelters", "mines"],
            "grievance": "hotline",
            "audits": ["self_assessment"],
        },
    }

    # when
    result = score_raw_response(raw, second)

    # then
    assert result.scores["traceability"] == traceability
    assert result.scores["grievance"] == 2
    assert result.scores["audits"] == 1


def test_a_second_framework_rates_each_dimension_with_its_own_bands_and_levels(second):
    # given: a maker's smelters (4) is developing (min 2, below 5); an independent grievance mechanism (6) is
    # advanced (above 5); self-assessment plus third-party audits (1 + 8 = 9) is advanced (above 8)
    raw = {
        "company": "Other Corp",
        "role": "oem",
        "answers": {
            "traceability": ["smelters"],
            "grievance": "independent",
            "audits": ["self_assessment", "third_party"],
        },
    }

    # when
    result = score_raw_response(raw, second)

    # then
    assert result.levels == {"visibility": "developing", "remedy": "advanced", "verification": "advanced"}
    assert result.overall == "advanced"


def test_a_second_framework_carries_its_own_role_warning(second):
    raw = {
        "company": "Other Corp",
        "role": "broker",
        "answers": {"traceability": ["none"], "grievance": "absent", "audits": ["self_assessment"]},
    }

    assert "Brokers are scored as traders." in score_raw_response(raw, second).warnings


def test_a_second_framework_refuses_the_roles_and_options_of_the_first(second):
    raw = {
        "company": "Other Corp",
        "role": "manufacturer",
        "answers": {"traceability": ["end_to_end"], "grievance": "good", "audits": ["self_assessment"]},
    }

    with pytest.raises(InvalidResponse) as raised:
        score_raw_response(raw, second)

    fields = {e.field for e in raised.value.errors}
    assert {"role", "answers.traceability", "answers.grievance"} <= fields


# --- malformed frameworks ----------------------------------------------------------------------------------


def test_the_unbroken_fixture_data_parses():
    # a guard for the tests below: each breaks exactly one rule of otherwise valid data
    assert parse_framework(second_framework_data()).id == "greenbuy-2026"


def _duplicate_option_id(data):
    question_data(data, "traceability")["options"][2]["id"] = "smelters"


def _falling_band(data):
    bands = dimension_data(data, "visibility")["bands"]
    bands[1]["min"], bands[2]["min"] = 5, 2


def _unknown_role_column(data):
    question_data(data, "traceability")["options"][1]["points"]["wholesaler"] = 1


def _missing_role_column(data):
    del question_data(data, "traceability")["options"][1]["points"]["trader"]


def _even_number_of_dimensions(data):
    data["questions"] = [q for q in data["questions"] if q["id"] != "audits"]
    data["dimensions"] = [d for d in data["dimensions"] if d["id"] != "verification"]


def _unknown_level_in_band(data):
    dimension_data(data, "visibility")["bands"][2]["level"] = "expert"


def _question_in_no_dimension(data):
    extra = copy.deepcopy(question_data(data, "grievance"))
    extra["id"] = "extra"
    data["questions"].append(extra)


def _question_naming_an_unknown_dimension(data):
    question_data(data, "grievance")["dimension"] = "nowhere"


def _question_naming_another_existing_dimension(data):
    question_data(data, "grievance")["dimension"] = "visibility"


def _dimension_naming_an_unknown_question(data):
    dimension_data(data, "remedy")["questions"].append("ghost")


def _first_band_with_a_lower_bound(data):
    dimension_data(data, "visibility")["bands"][0]["min"] = 0


def _band_with_both_bounds(data):
    dimension_data(data, "remedy")["bands"][1]["min"] = 1


def _duplicate_question_id(data):
    question_data(data, "audits")["id"] = "grievance"


def _duplicate_role_id(data):
    data["roles"][2]["id"] = "oem"


def _duplicate_level(data):
    data["levels"] = ["basic", "developing", "advanced", "basic"]


def _scenario_with_unknown_level(data):
    data["market"]["scenarios"][0]["at_least"] = "stellar"


def _option_naming_an_unknown_text_field(data):
    question_data(data, "audits")["options"][0]["text_field"] = "nonexistent_field"


def _question_without_source(data):
    del question_data(data, "grievance")["source"]


def _unknown_key(data):
    data["colour"] = "green"


def _single_select_mode_misspelt(data):
    question_data(data, "grievance")["select"] = "one"


def _unknown_overall_rule(data):
    data["overall"]["rule"] = "mean"


def _dimension_named_like_a_question(data):
    # a response's scores hold questions and dimensions under one id each: "grievance" would hide a score
    data["dimensions"][0]["id"] = "grievance"
    for question in data["questions"]:
        if question.get("dimension") == "visibility":
            question["dimension"] = "grievance"


def _quorum_share_above_one(data):
    data["market"]["quorum"]["min_share"] = 1.5


@pytest.mark.parametrize(
    ("breakage", "named"),
    [
        (_duplicate_option_id, "traceability"),
        (_falling_band, "visibility"),
        (_unknown_role_column, "smelters"),
        (_missing_role_column, "smelters"),
        (_even_number_of_dimensions, "odd"),
        (_unknown_level_in_band, "expert"),
        (_question_in_no_dimension, "extra"),
        (_question_naming_an_unknown_dimension, "grievance"),
        (_question_naming_another_existing_dimension, "grievance"),
        (_dimension_naming_an_unknown_question, "ghost"),
        (_first_band_with_a_lower_bound, "visibility"),
        (_band_with_both_bounds, "developing"),
        (_duplicate_question_id, "duplicate question"),
        (_duplicate_role_id, "duplicate role"),
        (_duplicate_level, "levels"),
        (_scenario_with_unknown_level, "stellar"),
        (_option_naming_an_unknown_text_field, "self_assessment"),
        (_question_without_source, "source"),
        (_unknown_key, "colour"),
        (_single_select_mode_misspelt, "select"),
        (_unknown_overall_rule, "rule"),
        (_quorum_share_above_one, "min_share"),
        (_dimension_named_like_a_question, "both a question and a dimension"),
    ],
    ids=lambda v: v.__name__.strip("_") if callable(v) else v,
)
def test_a_malformed_framework_raises_a_framework_error_naming_the_problem(breakage, named):
    # given
    data = second_framework_data()
    breakage(data)

    # when
    with pytest.raises(FrameworkError) as raised:
        parse_framework(data, origin="broken.yaml")

    # then
    message = str(raised.value)
    assert message.startswith("broken.yaml: ")
    assert named in message


def test_a_malformed_framework_file_raises_a_framework_error_naming_the_file(tmp_path):
    # given
    data = second_framework_data()
    _duplicate_option_id(data)
    path = tmp_path / "broken.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")

    # when
    with pytest.raises(FrameworkError) as raised:
        load_framework_file(path)

    # then
    assert str(path) in str(raised.value)
    assert "duplicate" in str(raised.value)


def test_a_missing_framework_file_raises_a_framework_error(tmp_path):
    path = tmp_path / "absent.yaml"

    with pytest.raises(FrameworkError) as raised:
        load_framework_file(path)

    assert str(path) in str(raised.value)


def test_a_framework_file_that_is_not_yaml_raises_a_framework_error(tmp_path):
    # given
    path = tmp_path / "garbled.yaml"
    path.write_text("kind: questionnaire\nid: [unclosed\n", encoding="utf-8")

    # when / then
    with pytest.raises(FrameworkError) as raised:
        load_framework_file(path)
    assert str(path) in str(raised.value)


@pytest.mark.parametrize("document", [None, "just a string", ["a", "list"]], ids=["empty", "string", "list"])
def test_a_framework_document_that_is_not_a_mapping_raises_a_framework_error(document):
    with pytest.raises(FrameworkError):
        parse_framework(document)


def test_a_framework_of_another_kind_is_refused():
    # given
    data = second_framework_data()
    data["kind"] = "checklist"

    # when / then
    with pytest.raises(FrameworkError) as raised:
        parse_framework(data)
    assert "kind" in str(raised.value)


# --- frameworks from an extra folder -----------------------------------------------------------------------


@pytest.fixture
def extra_folder():
    """Register the fixtures folder for one test, and forget it afterwards."""
    use_framework_dirs([FIXTURES])
    yield FIXTURES
    use_framework_dirs([])


def test_a_framework_outside_the_package_is_unknown_without_an_extra_folder():
    # given
    use_framework_dirs([])

    # when / then
    with pytest.raises(FrameworkError) as raised:
        get_framework("greenbuy-2026")
    assert "greenbuy-2026" in str(raised.value)


def test_a_framework_in_an_extra_folder_loads_by_its_id(extra_folder, second):
    assert get_framework("greenbuy-2026") == second


def test_an_extra_folders_frameworks_are_listed_after_the_shipped_ones(extra_folder):
    assert framework_ids() == (*shipped_framework_ids(), "greenbuy-2026")


def test_a_shipped_framework_is_not_replaced_by_a_file_of_the_same_name_in_an_extra_folder(tmp_path):
    # given
    data = second_framework_data()
    data["id"] = "cfit-2025"
    (tmp_path / "cfit-2025.yaml").write_text(yaml.safe_dump(data), encoding="utf-8")
    use_framework_dirs([tmp_path])

    # when
    try:
        framework = get_framework("cfit-2025")
    finally:
        use_framework_dirs([])

    # then
    assert framework.title != data["title"]
    assert framework.levels == ("low", "medium", "high")


def test_a_file_whose_id_differs_from_its_name_is_refused(tmp_path):
    # given
    (tmp_path / "renamed.yaml").write_text(SECOND_FRAMEWORK.read_text(encoding="utf-8"), encoding="utf-8")
    use_framework_dirs([tmp_path])

    # when / then
    try:
        with pytest.raises(FrameworkError) as raised:
            get_framework("renamed")
    finally:
        use_framework_dirs([])
    assert "greenbuy-2026" in str(raised.value)


@pytest.mark.parametrize("framework_id", ["../fixtures/greenbuy-2026", "fixtures/greenbuy-2026", ".hidden"])
def test_an_id_that_looks_like_a_path_is_not_looked_up_in_the_extra_folders(extra_folder, framework_id):
    with pytest.raises(FrameworkError):
        get_framework(framework_id)


def test_a_dimension_made_of_one_question_may_share_that_questions_id():
    # given: cfit-2025's "policies" and "actions" are each a question and the dimension it alone makes up
    framework = get_framework("cfit-2025")

    # then
    for dimension_id in ("policies", "actions"):
        assert dict((d.id, d.questions) for d in framework.dimensions)[dimension_id] == (dimension_id,)
        assert framework.question(dimension_id).dimension == dimension_id
