"""The report builder's services (SI 2018/748 reg 8, reg 11(2)): passages by section, stable
recommendation references, addressee lists edited before publication, exclusions proposed by one
member of staff and approved by another, opinions one per authority, and no change once published."""

from __future__ import annotations

import datetime

import pytest

from accounts.models import User
from audit.models import AuditEvent
from organisations.models import Organisation
from recommendations.models import AddresseeGroup, Obligation
from recommendations.selectors import addressees_of
from recommendations.services import (
    RecommendationError,
    add_recommendation,
    edit_recommendation,
    ensure_standard_groups,
    expand_addressees,
    set_excluded_organisations,
)
from reports import services
from reports.models import DissentingOpinion, ReportPassage, ReportSection
from reports.publication import publish_report
from reports.selectors import unapproved_exclusions
from reports.services import ReportError, StaleReport
from tests.builders import authority, london, org, sign_off_all
from tests.public.seed import investigating

pytestmark = pytest.mark.usefixtures("public_record")


@pytest.fixture
def report():
    complaint = investigating("Police response to victims of stalking")
    return services.create_report(complaint, title="Stalked")


@pytest.fixture
def staff():
    return [User.objects.create_user(f"staff{n}@hmicfrs.example", password="x" * 16) for n in (1, 2)]


def chief_constables() -> AddresseeGroup:
    ensure_standard_groups()
    return AddresseeGroup.objects.get(slug="chief-constables")


def test_passages_are_ordered_by_section_and_position_and_the_trail_never_holds_their_text(report):
    first = services.add_passage(report, section="steps_taken", text="We read 300 files.")
    second = services.add_passage(
        report, section="steps_taken", text="We visited 6 forces.", heading="Visits"
    )
    conclusion = services.add_passage(report, section="conclusions", text="The harm is significant.")
    assert [(p.section, p.position) for p in (first, second, conclusion)] == [
        ("steps_taken", 1),
        ("steps_taken", 2),
        ("conclusions", 1),
    ]
    services.edit_passage(
        second, section="steps_taken", text="We visited 6 forces.", heading="Visits", position=0
    )
    ordered = ReportPassage.objects.filter(report=report, section=ReportSection.STEPS_TAKEN)
    assert [p.text for p in ordered] == ["We visited 6 forces.", "We read 300 files."]
    services.delete_passage(first)
    assert list(ReportPassage.objects.filter(report=report).values_list("text", flat=True)) == [
        "The harm is significant.",
        "We visited 6 forces.",
    ]
    events = AuditEvent.objects.filter(action__startswith="report.passage_")
    assert [e.action for e in events.order_by("sequence")] == [
        "report.passage_added",
        "report.passage_added",
        "report.passage_added",
        "report.passage_changed",
        "report.passage_deleted",
    ]
    trail = " ".join(str(e.before) + str(e.after) for e in events)
    assert "300 files" not in trail and "6 forces" not in trail and "significant" not in trail


def test_a_stale_edit_is_refused_and_changes_nothing(report):
    opened_at = report.version
    services.add_passage(report, section="conclusions", text="First", expected_version=opened_at)
    with pytest.raises(StaleReport):
        services.add_passage(report, section="conclusions", text="Second", expected_version=opened_at)
    assert list(report.passages.values_list("text", flat=True)) == ["First"]


def test_create_report_takes_initial_steps_and_conclusions_as_passages():
    complaint = investigating("Police response to fraud")
    report = services.create_report(complaint, title="Fraud", steps_taken="We read.", conclusions="It harms.")
    assert list(report.passages.order_by("section").values_list("section", "position", "text")) == [
        ("conclusions", 1, "It harms."),
        ("steps_taken", 1, "We read."),
    ]
    with pytest.raises(ReportError, match="already has a report"):
        services.create_report(complaint, title="Again")


def test_recommendation_references_are_stable_and_never_reused(report):
    home_office = org("Home Office")
    first = add_recommendation(report, label="", text="Train call handlers.", organisations=[home_office])
    second = add_recommendation(
        report, label="Recommendation 2", text="Record it.", groups=[chief_constables()]
    )
    reference = report.complaint.reference
    assert (first.reference, first.label, second.reference) == (
        f"{reference}-R1",
        "Recommendation 1",
        f"{reference}-R2",
    )
    edit_recommendation(
        first,
        label="Recommendation 1",
        text="Train every call handler.",
        groups=[],
        organisations=[home_office],
        default_due=datetime.date(2027, 6, 1),
    )
    first.refresh_from_db()
    assert (first.reference, first.text, first.default_due) == (
        f"{reference}-R1",
        "Train every call handler.",
        datetime.date(2027, 6, 1),
    )
    third = add_recommendation(report, label="", text="Audit it.", organisations=[home_office])
    assert third.reference == f"{reference}-R3"


def test_a_group_expands_to_its_43_forces_and_an_organisation_taken_off_stays_off(report):
    group = chief_constables()
    assert group.members.count() == 43
    kent = org("Kent Police")
    recommendation = add_recommendation(
        report, label="", text="Record it.", groups=[group], organisations=[org("Home Office")]
    )
    assert len(addressees_of(recommendation)) == 44
    set_excluded_organisations(recommendation, excluded=[kent])
    shown = addressees_of(recommendation)
    assert len(shown) == 43
    assert kent not in [a.organisation for a in shown]
    assert [a.via_group for a in shown if a.organisation.name == "Home Office"] == [None]
    # An organisation outside its groups cannot be "taken off".
    with pytest.raises(RecommendationError):
        set_excluded_organisations(recommendation, excluded=[org("Home Office")])

    assert expand_addressees(recommendation) == 43
    obliged = set(
        Obligation.objects.filter(recommendation=recommendation).values_list("organisation__name", flat=True)
    )
    assert "Kent Police" not in obliged and "Home Office" in obliged and "Essex Police" in obliged
    event = AuditEvent.objects.get(action="recommendation.addressees_edited")
    assert event.after == {"excluded_organisations": ["Kent Police"], "addressees": 43}


def test_dropping_a_group_forgets_the_members_taken_off_it(report):
    group = chief_constables()
    recommendation = add_recommendation(report, label="", text="Record it.", groups=[group])
    set_excluded_organisations(recommendation, excluded=[org("Kent Police")])
    edit_recommendation(
        recommendation,
        label="Recommendation 1",
        text="Record it.",
        groups=[],
        organisations=[org("Kent Police")],
        default_due=None,
    )
    assert list(recommendation.excluded_organisations.all()) == []
    assert [a.organisation.name for a in addressees_of(recommendation)] == ["Kent Police"]


def test_an_exclusion_needs_a_second_member_of_staff_to_approve_it(report, staff):
    proposer, approver = staff
    passage = services.add_passage(report, section="steps_taken", text="The refuge is at 1 High Street.")
    exclusion = services.propose_exclusion(
        passage, ground="safety", reason="It locates a refuge.", by=proposer
    )
    assert list(unapproved_exclusions(report)) == [exclusion]
    with pytest.raises(ReportError, match="Another member of staff must approve"):
        services.approve_exclusion(exclusion, by=proposer)
    with pytest.raises(ReportError, match="already excluded"):
        services.propose_exclusion(passage, ground="safety", reason="Again", by=approver)
    approved = services.approve_exclusion(exclusion, by=approver, at=london(2026, 12, 2, 10))
    assert (approved.proposed_by, approved.approved_by, approved.approved_at) == (
        proposer,
        approver,
        london(2026, 12, 2, 10),
    )
    assert list(unapproved_exclusions(report)) == []
    trail = " ".join(
        str(e.before) + str(e.after)
        for e in AuditEvent.objects.filter(action__startswith="report.exclusion_")
    )
    assert "High Street" not in trail and "refuge" not in trail
    services.withdraw_exclusion(approved)
    assert not report.exclusions.exists()


def test_an_exclusion_needs_a_ground_and_a_reason(report, staff):
    passage = services.add_passage(report, section="steps_taken", text="Text")
    with pytest.raises(ReportError, match="ground"):
        services.propose_exclusion(passage, ground="embarrassment", reason="Why", by=staff[0])
    with pytest.raises(ReportError, match="why"):
        services.propose_exclusion(passage, ground="safety", reason=" ", by=staff[0])


def test_each_authority_has_one_opinion_which_it_changes(report):
    iopc = authority("IOPC")
    services.save_opinion(report, authority=iopc, text="We would go further.")
    services.save_opinion(report, authority=iopc, text="We would go much further.")
    assert list(DissentingOpinion.objects.filter(report=report).values_list("text", flat=True)) == [
        "We would go much further."
    ]
    with pytest.raises(ReportError, match="decision-making authorities"):
        services.save_opinion(report, authority=org("Home Office"), text="Not an authority")
    assert [
        e.action for e in AuditEvent.objects.filter(action__startswith="report.opinion_").order_by("sequence")
    ] == [
        "report.opinion_added",
        "report.opinion_changed",
    ]


def test_actions_get_the_next_reference_and_an_owner_authority(report):
    first = services.add_action(report, authority=authority("College"), text="Update the guidance.")
    second = services.add_action(report, authority=authority("HMICFRS"), text="Inspect in 2028.")
    assert [(a.reference, a.position) for a in (first, second)] == [("Action 1", 1), ("Action 2", 2)]
    services.edit_action(first, authority=authority("IOPC"), text="Update the guidance.", position=3)
    assert list(report.actions.values_list("reference", "authority__short_name")) == [
        ("Action 2", "HMICFRS"),
        ("Action 1", "IOPC"),
    ]
    with pytest.raises(ReportError):
        services.add_action(report, authority=Organisation.objects.get(name="Home Office"), text="No")


def test_nothing_changes_once_the_report_is_published(report, staff):
    passage = services.add_passage(report, section="steps_taken", text="We read.")
    recommendation = add_recommendation(report, label="", text="Do it.", organisations=[org("Home Office")])
    publish_report(sign_off_all(report), at=london(2026, 12, 9, 17))
    refused = "published: it can no longer change"
    with pytest.raises(ReportError, match=refused):
        services.add_passage(report, section="steps_taken", text="More")
    with pytest.raises(ReportError, match=refused):
        services.edit_passage(passage, section="steps_taken", text="Changed", position=1)
    with pytest.raises(ReportError, match=refused):
        services.propose_exclusion(passage, ground="safety", reason="r", by=staff[0])
    with pytest.raises(ReportError, match=refused):
        services.save_opinion(report, authority=authority("IOPC"), text="Late")
    with pytest.raises(ReportError, match=refused):
        services.add_action(report, authority=authority("IOPC"), text="Late")
    with pytest.raises(RecommendationError, match=refused):
        add_recommendation(report, label="", text="Late", organisations=[org("Home Office")])
    with pytest.raises(RecommendationError, match=refused):
        set_excluded_organisations(recommendation, excluded=[])
    passage.refresh_from_db()
    assert passage.text == "We read."
