"""The site registry: mentions matched into one list of sites, walls between organisations, remembered review
decisions, merges that can be undone, one row corrected without re-uploading, groups."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from hrdd.audit.models import AuditEvent
from hrdd.core.errors import InputError, NotFound
from hrdd.supplier_sites import selectors, services
from hrdd.supplier_sites.models import MatchDecision, MentionStatus, Site, SiteMention
from hrdd.supplier_sites.services import Verdict
from hrdd.supplier_sites.sitefiles import ListedRecord
from tests.factories import ContractFactory

DAY = dt.date(2027, 2, 1)


def record(name, country="MYS", address="1 Industrial Road", **more):
    return ListedRecord(name=name, country_iso3=country, address=address, **more)


def upload(user, *records, contract=None):
    return services.mentions_record(
        organisation=user.organisation,
        records=list(records),
        source=SiteMention.Source.IMPORT,
        mentioned_on=DAY,
        actor=user,
        contract=contract,
    )


def review_verdicts(records, site):
    """Verdicts as an engine that is unsure would give them: each record waits for review of `site`."""
    verdicts = services.match_listed(records)
    return [
        Verdict(
            v.record,
            v.fingerprint,
            MentionStatus.REVIEW,
            None,
            0.7,
            "close name",
            [
                {
                    "site": str(site.public_id),
                    "score": 0.7,
                    "agreements": [{"field": "name", "level": "close", "weight": 2.0, "detail": ""}],
                }
            ],
        )
        for v in verdicts
    ]


def upload_for_review(user, records, site):
    return services.mentions_record(
        organisation=user.organisation,
        records=records,
        source=SiteMention.Source.IMPORT,
        mentioned_on=DAY,
        actor=user,
        verdicts=review_verdicts(records, site),
    )


@pytest.fixture
def penang(buyer):
    upload(buyer, record("Penang Assembly Sdn Bhd", site_type="final assembly"))
    return Site.objects.get()


def test_a_new_record_becomes_a_site_and_a_mention(buyer):
    counts = upload(
        buyer, record("Penang Assembly Sdn Bhd", site_type="final assembly", products="notebooks")
    )
    assert counts.as_dict() == {"linked": 0, "review": 0, "new": 1, "rejected": 0}
    site = Site.objects.get()
    assert (site.name, site.country_iso3, site.site_type, site.stage) == (
        "Penang Assembly Sdn Bhd",
        "MYS",
        "final_assembly",
        "assembly",
    )
    mention = SiteMention.objects.get()
    assert (mention.site, mention.status, mention.products) == (site, MentionStatus.NEW, "notebooks")


def test_the_same_site_in_another_spelling_links_to_it(buyer, penang):
    counts = upload(buyer, record("PENANG ASSEMBLY SDN. BHD."))
    assert counts.linked == 1
    assert Site.objects.count() == 1
    assert SiteMention.objects.filter(site=penang).count() == 2


def test_a_list_naming_a_new_site_twice_creates_one_site(buyer):
    upload(buyer, record("Kulim Boards"), record("KULIM BOARDS"))
    assert Site.objects.count() == 1


def test_matching_writes_one_audit_event_on_the_import(buyer, municipality):
    contract = ContractFactory(organisation=municipality)
    upload(buyer, record("Kulim Boards"), contract=contract)
    event = AuditEvent.objects.get(action="site_mention.match")
    assert event.after["new"] == 1
    assert event.organisation == municipality


def test_another_organisation_sees_the_site_but_not_our_mentions(buyer, outsider, penang):
    # given a mention of ours; when the outsider looks
    assert selectors.site_get(user=outsider, public_id=penang.public_id) == penang
    detail = selectors.site_detail(user=outsider, site=penang)
    # then the site is shared, the mention is not: only its organisation is counted
    assert detail.mentions == []
    assert detail.other_organisations == 1
    mention = SiteMention.objects.get()
    with pytest.raises(NotFound):
        selectors.mention_get(user=outsider, public_id=mention.public_id)
    with pytest.raises(PermissionDenied):
        services.mention_delete(actor=outsider, mention=mention)
    assert selectors.review_queue(user=outsider).count() == 0


def test_the_outsiders_upload_of_the_same_site_links_without_questions(outsider, penang):
    counts = upload(outsider, record("Penang Assembly Sdn Bhd"))
    assert counts.linked == 1
    assert selectors.site_detail(user=outsider, site=penang).mentions[0].organisation == outsider.organisation


def test_a_confirmed_pair_links_at_once_on_every_later_upload(buyer, outsider, penang):
    # given a record the engine is unsure about, confirmed by a reviewer
    typed = record("Penang Final Assy Plant 2")
    upload_for_review(buyer, [typed], penang)
    mention = selectors.review_queue(user=buyer).get()
    services.mention_confirm(actor=buyer, mention=mention)
    mention.refresh_from_db()
    assert (mention.status, mention.site) == (MentionStatus.CONFIRMED, penang)
    assert MatchDecision.objects.get().same is True
    # when anyone uploads the same record again
    counts = upload(outsider, typed)
    # then it links at once, with no question
    assert counts.linked == 1
    assert SiteMention.objects.filter(organisation=outsider.organisation).get().site == penang


def test_a_rejected_pair_is_never_proposed_again(buyer, penang):
    # given a record the engine would link to Penang, rejected by a reviewer
    typed = record("Penang Assembly Sdn Bhd", address="99 Other Street")
    upload_for_review(buyer, [typed], penang)
    mention = selectors.review_queue(user=buyer).get()
    services.mention_reject(actor=buyer, mention=mention)
    mention.refresh_from_db()
    assert mention.status == MentionStatus.REJECTED
    assert mention.site != penang and mention.site is not None
    # when the same record is uploaded again, Penang is not proposed
    verdict = services.match_listed([typed])[0]
    assert str(penang.public_id) not in [c["site"] for c in verdict.candidates]
    assert verdict.site_id != penang.pk


def test_a_decision_answers_every_mention_of_the_record_waiting_for_review(buyer, outsider, penang):
    typed = record("Penang Final Assy Plant 2")
    upload_for_review(buyer, [typed], penang)
    upload_for_review(outsider, [typed], penang)
    services.mention_confirm(actor=buyer, mention=selectors.review_queue(user=buyer).get())
    assert selectors.review_queue(user=outsider).count() == 0
    assert SiteMention.objects.filter(site=penang, status=MentionStatus.CONFIRMED).count() == 2
    assert AuditEvent.objects.filter(action="site_mention.confirm").count() == 2  # one per organisation


def test_the_review_queue_shows_the_candidates_side_by_side(buyer, penang):
    upload_for_review(buyer, [record("Penang Final Assy Plant 2")], penang)
    [item] = selectors.review_items(selectors.review_queue(user=buyer))
    assert item.candidates[0].site == penang
    assert item.candidates[0].agreements[0]["field"] == "name"


def test_a_viewer_cannot_confirm(viewer, buyer, penang):
    upload_for_review(buyer, [record("Penang Final Assy Plant 2")], penang)
    with pytest.raises(PermissionDenied):
        services.mention_confirm(actor=viewer, mention=selectors.review_queue(user=buyer).get())


def test_one_row_is_corrected_without_re_uploading(buyer, penang):
    upload(buyer, record("Kulim Boards"))
    mention = SiteMention.objects.get(name="Kulim Boards")
    services.mention_correct(actor=buyer, mention=mention, name="Penang Assembly Sdn Bhd")
    mention.refresh_from_db()
    assert (mention.site, mention.status) == (penang, MentionStatus.AUTO)
    assert mention.name == "Penang Assembly Sdn Bhd"
    event = AuditEvent.objects.get(action="site_mention.correct")
    assert event.before["name"] == "Kulim Boards"


def test_a_correction_with_an_unknown_country_is_refused_and_nothing_changes(buyer, penang):
    mention = SiteMention.objects.get()
    with pytest.raises(InputError) as refused:
        services.mention_correct(actor=buyer, mention=mention, country="Atlantis")
    assert refused.value.field == "country"
    mention.refresh_from_db()
    assert mention.country_iso3 == "MYS"


def test_one_row_is_added_and_removed(buyer, penang, municipality):
    contract = ContractFactory(organisation=municipality)
    mention = services.mention_add(
        actor=buyer,
        contract=contract,
        name="Penang Assembly Sdn Bhd",
        address="1 Industrial Road",
        country="Malaysia",
    )
    assert (mention.site, mention.supplier) == (penang, contract.supplier)
    services.mention_delete(actor=buyer, mention=mention)
    assert not SiteMention.objects.filter(pk=mention.pk).exists()
    assert AuditEvent.objects.filter(action="site_mention.delete").exists()


def test_a_merge_keeps_aliases_moves_mentions_and_can_be_undone(buyer, outsider, penang):
    # given a second record of the same factory
    upload(outsider, record("Batu Kawan Notebook Plant", os_id="MY2019303BQ3FZP"))
    twin = Site.objects.get(name="Batu Kawan Notebook Plant")
    moved_mention = SiteMention.objects.get(site=twin)
    # when merged
    merge = services.site_merge(actor=buyer, kept=penang, merged=twin)
    penang.refresh_from_db()
    twin.refresh_from_db()
    assert "Batu Kawan Notebook Plant" in penang.other_names
    assert penang.os_id == "MY2019303BQ3FZP"
    assert twin.status == Site.Status.MERGED
    moved_mention.refresh_from_db()
    assert moved_mention.site == penang
    assert twin not in selectors.site_list(user=buyer)
    # a later upload of the merged name links to the kept site
    assert upload(buyer, record("Batu Kawan Notebook Plant")).linked == 1
    assert SiteMention.objects.filter(site=penang).count() == 3
    # when undone
    services.site_merge_undo(actor=buyer, merge=merge)
    penang.refresh_from_db()
    twin.refresh_from_db()
    moved_mention.refresh_from_db()
    assert twin.status == Site.Status.ACTIVE
    assert "Batu Kawan Notebook Plant" not in penang.other_names
    assert penang.os_id == ""
    assert moved_mention.site == twin
    assert {"site.merge", "site.merge_undo"} <= set(AuditEvent.objects.values_list("action", flat=True))
    with pytest.raises(InputError):
        services.site_merge_undo(actor=buyer, merge=merge)


def test_groups_of_any_depth_and_no_loops(buyer, penang):
    group = services.site_group_create(actor=buyer, name="Foxlink Group", role="odm_ems", country_iso3="TWN")
    entity = services.site_group_create(
        actor=buyer, name="Foxlink Malaysia Sdn Bhd", kind="legal_entity", parent=group
    )
    services.site_update(actor=buyer, site=penang, operator=entity)
    assert [g.name for g in selectors.group_chain(entity)] == ["Foxlink Malaysia Sdn Bhd", "Foxlink Group"]
    assert list(selectors.group_sites(group)) == [penang]
    assert list(selectors.site_list(user=buyer, group=group.public_id)) == [penang]
    [root] = selectors.group_tree()
    assert (root.group, root.sites_in_tree, root.children[0].sites) == (group, 1, 1)
    with pytest.raises(InputError) as refused:
        services.site_group_update(actor=buyer, group=group, parent=entity)
    assert refused.value.field == "parent"


def test_the_registry_filters_by_supplier_and_contract_of_our_organisation(buyer, municipality, penang):
    contract = ContractFactory(organisation=municipality)
    upload(buyer, record("Kulim Boards"), contract=contract)
    kulim = Site.objects.get(name="Kulim Boards")
    assert list(selectors.site_list(user=buyer, contract=contract.public_id)) == [kulim]
    assert list(selectors.site_list(user=buyer, query="kulim")) == [kulim]
    assert {s.mentions_here for s in selectors.site_list(user=buyer)} == {1}


def test_a_site_moved_to_another_needs_the_other(buyer, penang):
    with pytest.raises(InputError) as refused:
        services.site_update(actor=buyer, site=penang, status="moved")
    assert refused.value.field == "moved_to"


@pytest.mark.parametrize("extra", [0, 30])
def test_the_registry_page_costs_the_same_queries_whatever_its_size(
    buyer, django_assert_max_num_queries, extra
):
    # given a registry of a few or many sites, each named by us
    upload(buyer, *(record(f"Plant {i}", address=f"{i} Road") for i in range(3 + extra)))
    sites = selectors.site_list(user=buyer, query="plant", country_iso3="MYS")
    # when one page is read, then the queries are a count and a page
    with django_assert_max_num_queries(2):
        assert sites.count() == 3 + extra
        assert len(list(sites.order_by("name", "id")[:25])) == min(25, 3 + extra)


def test_the_site_page_shows_our_contracts_products_and_group(
    buyer, municipality, penang, django_assert_max_num_queries
):
    contract = ContractFactory(organisation=municipality)
    services.mention_add(
        actor=buyer,
        contract=contract,
        name=penang.name,
        address=penang.address,
        country="MYS",
        products="notebooks; docks",
    )
    with django_assert_max_num_queries(8):
        detail = selectors.site_detail(user=buyer, site=penang)
    assert detail.contracts == [contract]
    assert detail.products == ["docks", "notebooks"]
    assert detail.mentions_total == 2


def test_rejecting_an_automatic_link_unlinks_it_for_good(buyer, penang):
    upload(buyer, record("Penang Assembly Sdn Bhd"))
    mention = SiteMention.objects.filter(status=MentionStatus.AUTO).get()
    services.mention_reject(actor=buyer, mention=mention)
    mention.refresh_from_db()
    assert mention.status == MentionStatus.REJECTED and mention.site != penang
    assert upload(buyer, record("Penang Assembly Sdn Bhd")).linked == 1  # to the site made for it, not Penang
    assert SiteMention.objects.filter(site=penang).count() == 1


def test_a_company_of_ours_is_tied_to_a_registry_group(buyer, municipality):
    from tests.factories import CompanyFactory

    company = CompanyFactory(organisation=municipality)
    group = services.site_group_create(actor=buyer, name="Foxlink Group")
    link = services.company_group_link(actor=buyer, company=company, group=group)
    assert link.organisation == municipality and company.site_group_link.group == group
    assert services.company_group_link(actor=buyer, company=company, group=None) is None
    assert AuditEvent.objects.filter(action__in=["site_group.link", "site_group.unlink"]).count() == 2


def test_exposure_names_our_contracts_and_counts_the_others(buyer, outsider, municipality, penang):
    # given our contract and another organisation's naming Penang, operated by a group
    ours = ContractFactory(organisation=municipality)
    theirs = ContractFactory(organisation=outsider.organisation)
    upload(buyer, record("Penang Assembly Sdn Bhd"), contract=ours)
    upload(outsider, record("Penang Assembly Sdn Bhd"), contract=theirs)
    group = services.site_group_create(actor=buyer, name="Foxlink Group")
    services.site_update(actor=buyer, site=penang, operator=group)
    # when the buyer asks who is exposed through the group
    exposure = selectors.exposure_of_group(user=buyer, group=group)
    # then our contract by name, theirs only counted
    assert exposure.contracts == [ours]
    assert (exposure.sites, exposure.other_organisations, exposure.other_contracts) == (1, 1, 1)


# saves made on an older version


def test_a_site_saved_by_someone_else_since_is_not_overwritten(buyer, penang):
    opened = penang.updated_at
    services.site_update(actor=buyer, site=penang, city="George Town", expected_updated_at=opened)
    with pytest.raises(services.StaleRecord) as refused:
        services.site_update(actor=buyer, site=penang, city="Bayan Lepas", expected_updated_at=opened)
    assert refused.value.field == "updated_at"
    penang.refresh_from_db()
    assert penang.city == "George Town"
    # the version read as text (a form's hidden field) is as good as the moment itself
    services.site_update(
        actor=buyer, site=penang, city="Bayan Lepas", expected_updated_at=penang.updated_at.isoformat()
    )
    penang.refresh_from_db()
    assert penang.city == "Bayan Lepas"


def test_a_mention_corrected_since_refuses_an_older_correction(buyer, penang):
    mention = SiteMention.objects.get()
    opened = mention.updated_at
    services.mention_correct(actor=buyer, mention=mention, city="Penang")  # someone else's, in between
    with pytest.raises(services.StaleRecord):
        services.mention_correct(
            actor=buyer, mention=mention, name="Kulim Boards", expected_updated_at=opened
        )
    assert SiteMention.objects.get().name == "Penang Assembly Sdn Bhd"
    assert AuditEvent.objects.filter(action="site_mention.correct").count() == 1  # only the one in between


def test_a_group_changed_since_refuses_an_older_save(buyer):
    group = services.site_group_create(actor=buyer, name="Foxlink Group")
    opened = group.updated_at
    services.site_group_update(actor=buyer, group=group, role="odm_ems", expected_updated_at=opened)
    with pytest.raises(services.StaleRecord):
        services.site_group_update(
            actor=buyer, group=group, name="Foxlink Holdings", expected_updated_at=opened
        )
    group.refresh_from_db()
    assert (group.name, group.role) == ("Foxlink Group", "odm_ems")


# storing


def test_an_automatic_link_keeps_only_its_best_candidate_with_reasons(buyer, penang):
    upload(buyer, record("PENANG ASSEMBLY SDN. BHD."))
    mention = SiteMention.objects.get(status=MentionStatus.AUTO)
    assert [c["site"] for c in mention.candidates] == [str(penang.public_id)]
    assert mention.candidates[0]["agreements"]  # the reasons of the link stay


def test_stored_rows_have_their_ids_dates_and_defaults(buyer, municipality):
    contract = ContractFactory(organisation=municipality)
    upload(
        buyer, record("Kulim Boards", group_name="Foxlink Group"), record("Ipoh Cables"), contract=contract
    )
    sites = Site.objects.order_by("name")
    assert [s.name for s in sites] == ["Ipoh Cables", "Kulim Boards"]
    assert len({s.public_id for s in sites}) == 2
    assert all(s.created_at and s.updated_at and s.status == Site.Status.ACTIVE for s in sites)
    assert sites[1].operator.name == "Foxlink Group" and sites[0].operator is None
    assert sites[0].other_names == []
    mentions = SiteMention.objects.order_by("name")
    assert [(m.site, m.contract, m.mentioned_on) for m in mentions] == [
        (sites[0], contract, DAY),
        (sites[1], contract, DAY),
    ]
    assert all(m.created_by == buyer and m.raw == {} and m.created_at for m in mentions)


def test_rows_under_a_contract_are_its_suppliers_and_the_pages_say_so(client, buyer, municipality):
    contract = ContractFactory(organisation=municipality)
    upload(buyer, record("Kulim Boards"), contract=contract)
    mention = SiteMention.objects.get()
    assert mention.supplier == contract.supplier
    client.force_login(buyer)
    html = client.get(mention.site.get_absolute_url()).content.decode()
    assert contract.supplier.legal_name in html
    page = client.get(f"/sites/mentions/{mention.public_id}/").content.decode()
    assert contract.supplier.legal_name in page
    assert "2027-02-01" in page  # the pages' ISO dates, as everywhere else
