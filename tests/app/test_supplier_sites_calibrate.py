"""`hrdd sites calibrate`: the matching model calibrated on reviewers' confirmed pairs, deliberately. It refuses
below a minimum of pairs, shows each level's weight shipped and calibrated with the pairs behind it, changes the
weights new matches use only with --apply (audited), and --reset goes back to the shipped ones."""

import json

import pytest

from hrdd.audit.models import AuditEvent
from hrdd.domain.sitematch import SiteRecord, record_fingerprint
from hrdd.supplier_sites import services
from hrdd.supplier_sites.models import MatchDecision, MatchParameters, Site
from hrdd.supplier_sites.sitefiles import ListedRecord
from tests.cli_support import assert_refused, ok

WOODS = ("Alder", "Birch", "Cedar", "Dogwood", "Hazel", "Juniper", "Larch", "Maple")


def site(word):
    return Site.objects.create(
        name=f"{word}wood Circuit Systems Sdn Bhd",
        address="Jalan Perindustrian 5",
        city="Bayan Lepas",
        postal_code="11900",
        country_iso3="MYS",
    )


def confirm(word, typed_name, *, same=True):
    """A reviewer's decision on the record as typed and the site (how `mention_confirm` stores it)."""
    record = {
        "name": typed_name,
        "address": "Jln Perindustrian 5",
        "city": "Bayan Lepas",
        "postal_code": "",
        "country": "MYS",
    }
    fingerprint = record_fingerprint(SiteRecord("r", **record))
    return MatchDecision.objects.create(fingerprint=fingerprint, site=site(word), same=same, record=record)


@pytest.fixture
def confirmed(db):
    # given eight confirmed pairs whose names are only partly alike (another trade word), same city and street
    for word in WOODS:
        confirm(word, f"{word}wood Board Systems")
    confirm("Oak", "Oakwood Circuit Systems", same=False)


def probe_score():
    """The score new matching gives a partly alike name at a known street, as the services run it."""
    site("Quince")
    (verdict,) = services.match_listed(
        [
            ListedRecord(
                name="Quincewood Board Systems",
                address="Jln Perindustrian 5",
                city="Bayan Lepas",
                country_iso3="MYS",
            )
        ]
    )
    return verdict.score


def calibrate(cli, *args):
    return json.loads(ok(cli("sites", "calibrate", "--min-pairs", "5", "--json", *args)).stdout)


def test_calibration_is_refused_below_the_minimum_of_confirmed_pairs(cli, confirmed):
    result = cli("sites", "calibrate")
    assert_refused(result, "--min-pairs", "Only 8 confirmed pairs", "at least 200")
    assert not MatchParameters.objects.exists()


def test_the_comparison_shows_shipped_and_calibrated_weights_with_the_pairs_behind_each_level(cli, confirmed):
    found = calibrate(cli)
    levels = {(row["comparison"], row["level"]): row for row in found["levels"]}
    assert (found["pairs"], found["rejected_left_out"], found["applied"]) == (8, 1, False)
    # the confirmed pairs all showed a partly alike name: that level rests on them and weighs more
    partly = levels[("name", "partly alike")]
    assert partly["pairs"] == 8
    assert partly["calibrated_weight"] > partly["shipped_weight"] + 2
    # a level no confirmed pair showed rests on none; u is kept, so an exact name still weighs about as much
    exact = levels[("name", "exact")]
    assert exact["pairs"] == 0
    assert abs(exact["calibrated_weight"] - exact["shipped_weight"]) < 0.5
    assert levels[("postal code", "missing")]["pairs"] == 8
    assert sum(row["pairs"] for row in found["levels"] if row["comparison"] == "city") == 8
    assert not MatchParameters.objects.exists()


def test_the_table_says_nothing_is_applied_without_apply(cli, confirmed):
    result = ok(cli("sites", "calibrate", "--min-pairs", "5"))
    assert "calibrated on 8 confirmed pairs" in result.stdout
    assert "partly alike" in result.stdout
    assert "1 rejected pairs left out" in result.stdout
    assert "Nothing applied" in result.stdout


def test_apply_changes_the_weights_new_matches_use(cli, confirmed):
    before = probe_score()
    found = calibrate(cli, "--apply")
    assert found["applied"] is True
    Site.objects.filter(name__startswith="Quince").delete()
    after = probe_score()
    assert after > before
    assert MatchParameters.objects.get(active=True).pairs == 8


def test_apply_says_stored_verdicts_are_not_recomputed(cli, confirmed):
    result = ok(cli("sites", "calibrate", "--min-pairs", "5", "--apply"))
    assert "new matches use the calibrated weights" in result.stdout
    assert "not recomputed" in result.stdout


def test_reset_goes_back_to_the_shipped_weights(cli, confirmed):
    shipped = probe_score()
    calibrate(cli, "--apply")
    calibrate(cli, "--apply")  # a second calibration replaces the first: one row in force
    assert MatchParameters.objects.filter(active=True).count() == 1
    assert MatchParameters.objects.count() == 2
    assert json.loads(ok(cli("sites", "calibrate", "--reset", "--json")).stdout)["reset"] is True
    Site.objects.filter(name__startswith="Quince").delete()
    assert probe_score() == shipped
    assert not MatchParameters.objects.filter(active=True).exists()
    again = ok(cli("sites", "calibrate", "--reset"))
    assert "in force already" in again.stdout


def test_apply_and_reset_are_audited(cli, confirmed, buyer):
    ok(cli("sites", "calibrate", "--min-pairs", "5", "--apply", "--as", buyer.email))
    ok(cli("sites", "calibrate", "--reset"))
    applied = AuditEvent.objects.get(action="match_parameters.apply")
    row = MatchParameters.objects.get()
    assert (applied.actor, applied.target_id, row.created_by) == (buyer, str(row.pk), buyer)
    assert applied.before == {"parameters": "shipped"}
    assert applied.after["pairs"] == 8
    assert "name: partly alike" in applied.after["weights"]
    reset = AuditEvent.objects.get(action="match_parameters.reset")
    assert (reset.actor_label, reset.after) == ("command line", {"parameters": "shipped"})


def test_apply_with_reset_is_refused(cli, confirmed):
    assert_refused(cli("sites", "calibrate", "--apply", "--reset"), "--reset")


def test_the_parameters_in_force_cost_one_small_read_per_match_call_once_known(
    cli, confirmed, django_assert_num_queries
):
    from hrdd.supplier_sites.calibration import active_parameters

    calibrate(cli, "--apply")
    first = active_parameters()
    with django_assert_num_queries(1):
        assert active_parameters() is first
