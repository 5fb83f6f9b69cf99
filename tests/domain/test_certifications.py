"""The schemes file and the rules of certification records, without a database."""

import copy
import datetime as dt
from decimal import Decimal
from importlib import resources

import pytest

from hrdd.domain import certifications as rules
from hrdd.domain.yamltext import load_yaml

D = dt.date


def shipped_data():
    text = resources.files("hrdd.frameworks").joinpath("schemes.yaml").read_text(encoding="utf-8")
    return load_yaml(text)


@pytest.fixture(scope="module")
def schemes():
    return rules.get_schemes()


# -- the file ----------------------------------------------------------------------------------------------------


def test_the_shipped_file_holds_every_scheme_of_the_issue(schemes):
    assert [s.key for s in schemes.schemes] == [
        "copper_mark", "rmi_rmap", "irma", "tco_certified", "epeat", "rba", "jac", "ecovadis",
    ]  # fmt: skip


def test_every_scheme_cites_its_source_and_how_far_it_was_checked(schemes):
    for scheme in schemes.schemes:
        assert scheme.source.strip() and scheme.verification in ("V", "P", "U")


def test_a_misspelled_key_is_refused_naming_it():
    data = shipped_data()
    data["schemes"][0]["statusses"] = data["schemes"][0].pop("statuses")

    with pytest.raises(rules.SchemesError) as refused:
        rules.parse_schemes(data)

    assert "statusses" in str(refused.value)


def test_an_unknown_key_in_a_status_is_refused_naming_it():
    data = shipped_data()
    data["schemes"][0]["statuses"][0]["valid_for_years"] = 3

    with pytest.raises(rules.SchemesError) as refused:
        rules.parse_schemes(data)

    assert "valid_for_years" in str(refused.value)


def test_a_group_naming_a_status_its_scheme_lacks_is_refused():
    data = copy.deepcopy(shipped_data())
    data["groups"][0]["members"][0]["statuses"] = ["certified"]

    with pytest.raises(rules.SchemesError) as refused:
        rules.parse_schemes(data)

    assert "certified" in str(refused.value)


def test_the_copper_mark_group_states_its_rule_as_hrdds_choice(schemes):
    group = schemes.group("copper_mark_or_equivalent")

    assert "hrdd's choice" in group.rule
    assert {(m.scheme, m.statuses) for m in group.members} == {
        ("copper_mark", ("awarded",)),
        ("rmi_rmap", ("conformant",)),
        ("irma", ("assessed",)),
    }


def test_the_ecovadis_note_cites_the_manuals_lesson_7(schemes):
    assert "Lesson 7" in schemes.scheme("ecovadis").note


# -- checking a record -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("values", "field"),
    [
        ({"scheme": "no_such"}, "scheme"),
        ({"scheme": "copper_mark", "status": "conformant"}, "status"),
        ({"scheme": "epeat", "status": "registered"}, "level"),  # a tier is required
        ({"scheme": "epeat", "status": "registered", "level": "platinum"}, "level"),
        ({"scheme": "copper_mark", "status": "awarded", "level": "gold"}, "level"),
        ({"scheme": "irma", "status": "assessed"}, "level"),
        ({"scheme": "ecovadis", "status": "rated", "valid_from": D(2026, 1, 5)}, "score"),
        ({"scheme": "ecovadis", "status": "rated", "score": "101", "valid_from": D(2026, 1, 5)}, "score"),
        ({"scheme": "ecovadis", "status": "rated", "score": "-1", "valid_from": D(2026, 1, 5)}, "score"),
        ({"scheme": "ecovadis", "status": "rated", "score": "sixty", "valid_from": D(2026, 1, 5)}, "score"),
        ({"scheme": "ecovadis", "status": "rated", "score": "60"}, "valid_from"),  # a rating has its date
        ({"scheme": "copper_mark", "status": "awarded", "score": "60"}, "score"),
        ({"scheme": "rba", "status": "member", "valid_until": D(2027, 1, 1)}, "valid_until"),
        (
            {
                "scheme": "copper_mark",
                "status": "awarded",
                "valid_from": D(2026, 1, 1),
                "valid_until": D(2025, 1, 1),
            },
            "valid_until",
        ),
    ],
)
def test_a_record_that_does_not_fit_its_scheme_is_refused_naming_the_field(schemes, values, field):
    values = {"status": "awarded", **values}
    with pytest.raises(rules.RecordRefused) as refused:
        rules.check_record(schemes, holder="company", **values)

    assert refused.value.field == field


def test_a_product_label_is_refused_on_a_site(schemes):
    with pytest.raises(rules.RecordRefused) as refused:
        rules.check_record(schemes, holder="site", scheme="tco_certified", status="certified")

    assert refused.value.field == "site"
    assert "company" in str(refused.value)


@pytest.mark.parametrize(
    "values",
    [
        {"scheme": "copper_mark", "status": "awarded", "valid_until": D(2028, 1, 1)},
        {"scheme": "copper_mark", "status": "in_progress"},
        {"scheme": "rmi_rmap", "status": "conformant"},
        {"scheme": "irma", "status": "assessed", "level": "irma_75"},
        {"scheme": "epeat", "status": "registered", "level": "gold"},
        {
            "scheme": "ecovadis",
            "status": "rated",
            "level": "silver",
            "score": "58",
            "valid_from": D(2025, 6, 1),
        },
        {"scheme": "rba", "status": "member"},
    ],
)
def test_a_record_that_fits_its_scheme_is_accepted(schemes, values):
    facts = rules.check_record(schemes, holder="company", **values)

    assert facts.scheme == values["scheme"] and facts.status == values["status"]


def test_a_score_is_read_as_a_decimal_with_a_comma_or_a_point(schemes):
    facts = rules.check_record(
        schemes, holder="company", scheme="ecovadis", status="rated", score="61,5", valid_from=D(2025, 6, 1)
    )

    assert facts.score == Decimal("61.5")


# -- validity ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "day", "state"),
    [
        (D(2025, 1, 1), D(2027, 1, 1), D(2026, 1, 1), rules.VALID),
        (D(2025, 1, 1), D(2026, 3, 1), D(2026, 1, 1), rules.EXPIRING),  # 59 days left, within 90
        (D(2025, 1, 1), D(2026, 1, 1), D(2026, 1, 1), rules.EXPIRING),  # its last day
        (D(2025, 1, 1), D(2025, 12, 31), D(2026, 1, 1), rules.EXPIRED),
        (D(2026, 2, 1), None, D(2026, 1, 1), rules.NOT_YET),
        (None, None, D(2026, 1, 1), rules.NO_END),
    ],
)
def test_validity_on_a_day(valid_from, valid_until, day, state):
    assert rules.validity_on(valid_from, valid_until, day, within_days=90).state == state


def test_a_withdrawn_record_is_no_longer_held_whatever_its_dates(schemes):
    facts = rules.RecordFacts("copper_mark", "withdrawn", valid_until=None)

    assert rules.record_validity(schemes, facts, D(2026, 1, 1)).state == rules.ENDED


def test_an_awarded_copper_mark_without_end_date_is_warned_about(schemes):
    facts = rules.RecordFacts("copper_mark", "awarded")

    codes = [w.code for w in rules.record_warnings(schemes, facts, D(2026, 1, 1))]

    assert "end_date_missing" in codes


def test_an_expiring_record_is_warned_about_with_its_end_date(schemes):
    facts = rules.RecordFacts("copper_mark", "awarded", valid_until=D(2026, 2, 1))

    warnings = rules.record_warnings(schemes, facts, D(2026, 1, 1))

    assert [w.code for w in warnings] == ["expiring"]
    assert "2026-02-01" in warnings[0].text and "31 days" in warnings[0].text


def test_an_ecovadis_rating_carries_the_manuals_caution(schemes):
    facts = rules.RecordFacts(
        "ecovadis", "rated", score=Decimal(60), valid_from=D(2025, 6, 1), valid_until=D(2027, 6, 1)
    )

    warnings = rules.record_warnings(schemes, facts, D(2026, 1, 1))

    assert [w.code for w in warnings] == ["rating_caution"]
    assert "Lesson 7" in warnings[0].text


# -- counting toward the group -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("facts", "counts"),
    [
        (
            rules.RecordFacts("copper_mark", "awarded", valid_from=D(2025, 1, 1), valid_until=D(2028, 1, 1)),
            True,
        ),
        (rules.RecordFacts("copper_mark", "in_progress"), False),
        (rules.RecordFacts("rmi_rmap", "conformant", valid_until=D(2027, 1, 1)), True),
        (rules.RecordFacts("rmi_rmap", "active"), False),
        (rules.RecordFacts("rmi_rmap", "cross_recognized", valid_until=D(2027, 1, 1)), False),
        (rules.RecordFacts("irma", "assessed", level="irma_50"), True),
        (rules.RecordFacts("irma", "assessed", level="irma_transparency"), False),
        (rules.RecordFacts("ecovadis", "rated", level="platinum", score=Decimal(85)), False),
        (rules.RecordFacts("tco_certified", "certified"), False),
    ],
)
def test_what_counts_as_copper_mark_or_equivalent(schemes, facts, counts):
    assert rules.counts_toward(schemes, "copper_mark_or_equivalent", facts, D(2026, 12, 31)).counts is counts


def test_a_copper_mark_counts_only_when_valid_on_the_day(schemes):
    facts = rules.RecordFacts("copper_mark", "awarded", valid_from=D(2025, 1, 1), valid_until=D(2026, 6, 30))

    before = rules.counts_toward(schemes, "copper_mark_or_equivalent", facts, D(2026, 6, 30))
    after = rules.counts_toward(schemes, "copper_mark_or_equivalent", facts, D(2026, 7, 1))
    not_yet = rules.counts_toward(schemes, "copper_mark_or_equivalent", facts, D(2024, 12, 31))

    assert before.counts and not after.counts and not not_yet.counts
    assert "expired on 2026-06-30" in after.reason


# -- reminders ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "key"),
    [
        (D(2026, 1, 1), None),  # 181 days left
        (D(2026, 4, 1), None),  # 91 days left: not yet
        (D(2026, 4, 2), "before-90"),
        (D(2026, 6, 1), "before-30"),
        (D(2026, 7, 1), "before-30"),  # its last day
        (D(2026, 7, 2), "expired"),
    ],
)
def test_which_expiry_reminder_is_due(schemes, today, key):
    assert rules.reminder_due(D(2026, 7, 1), today, schemes.expiry) == key


# -- small cells -------------------------------------------------------------------------------------------------


def test_a_count_below_five_is_hidden_and_so_is_a_second_one_to_keep_it_hidden():
    cells = rules.suppress_small_cells({"supported": 9, "identified": 3, "closed": 6}, smallest=5)

    shown = {c.key: c.count for c in cells}
    assert shown["identified"] is None
    assert shown["closed"] is None  # else 3 = total - 9 - 6
    assert shown["supported"] == 9


def test_two_small_counts_hide_each_other():
    cells = rules.suppress_small_cells({"a": 7, "b": 2, "c": 1}, smallest=5)

    assert {c.key: c.count for c in cells} == {"a": 7, "b": None, "c": None}


def test_counts_of_five_and_more_are_shown():
    cells = rules.suppress_small_cells({"a": 5, "b": 12, "c": 0}, smallest=5)

    assert {c.key: c.count for c in cells} == {"a": 5, "b": 12}


def test_one_day_left_is_said_in_the_singular():
    from hrdd.domain.certifications import _days

    assert (_days(1), _days(2)) == ("1 day", "2 days")
