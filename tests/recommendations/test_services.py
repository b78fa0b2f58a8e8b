import datetime

import pytest
from django.core.management import call_command
from django.db import IntegrityError

from audit.models import AuditEvent
from complaints.models import SuperComplaint
from deadlines.models import Deadline, DeadlineRule
from deadlines.rules import calendar_days_after
from operations.sweep import sweep_deadlines
from recommendations.models import AddresseeGroup, Obligation
from recommendations.services import (
    RecommendationError,
    add_recommendation,
    expand_addressees,
    record_response_submitted,
    set_obligation_due,
)
from tests.builders import org

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _public_record(public_record):
    """Every test here reads the shipped public record."""


@pytest.fixture
def stalking_report():
    return SuperComplaint.objects.get(reference="SC-2022-001").report


def test_chief_constables_are_the_43_territorial_forces():
    group = AddresseeGroup.objects.get(slug="chief-constables")
    members = group.members.all()
    assert members.count() == 43
    assert not members.filter(name__in=["National Crime Agency", "British Transport Police"]).exists()
    lpbs = AddresseeGroup.objects.get(slug="local-policing-bodies").members.all()
    assert lpbs.count() == 43
    assert lpbs.filter(name="Common Council of the City of London").exists()
    assert not lpbs.filter(name="British Transport Police Authority").exists()


def test_each_addressee_gets_its_own_obligation_with_the_report_deadline(stalking_report):
    # The stalking report required action plans 56 days after publication on 27 September 2024.
    due = calendar_days_after(datetime.date(2024, 9, 27), 56).due
    assert due == datetime.date(2024, 11, 22)
    recommendation = add_recommendation(
        stalking_report,
        label="Recommendation 1",
        text="Publish an action plan.",
        groups=[AddresseeGroup.objects.get(slug="chief-constables")],
        organisations=[org("Home Office")],
        default_due=due,
    )
    assert recommendation.reference == "SC-2022-001-R1"
    assert expand_addressees(recommendation) == 44
    assert {o.due for o in recommendation.obligations.with_deadlines()} == {due}
    rows = Deadline.objects.filter(rule=DeadlineRule.RESPONSE, case_id=stalking_report.complaint_id)
    assert rows.count() == 44
    assert recommendation.obligations.get(organisation__name="Home Office").via_group is None
    assert (
        recommendation.obligations.get(organisation__name="Gwent Police").via_group.slug == "chief-constables"
    )


def test_expansion_is_explicit_and_editable(stalking_report):
    group = AddresseeGroup.objects.get(slug="chief-constables")
    recommendation = add_recommendation(stalking_report, label="R", text="Do it.", groups=[group])
    expand_addressees(recommendation)
    gwent = recommendation.obligations.get(organisation__name="Gwent Police")
    set_obligation_due(gwent, due=datetime.date(2025, 3, 27), explanation="Agreed extension")
    group.members.add(org("British Transport Police"))
    assert expand_addressees(recommendation) == 1
    assert expand_addressees(recommendation) == 0
    gwent.refresh_from_db()
    assert gwent.due == datetime.date(2025, 3, 27)  # kept, not reset by expanding again
    assert recommendation.obligations.count() == 44


def test_one_obligation_per_recommendation_and_organisation(stalking_report):
    recommendation = add_recommendation(
        stalking_report, label="R", text="x", organisations=[org("National Police Chiefs' Council")]
    )
    expand_addressees(recommendation)
    with pytest.raises(IntegrityError):
        Obligation.objects.create(
            recommendation=recommendation, organisation=org("National Police Chiefs' Council")
        )


def test_references_are_stable_and_never_reused(stalking_report):
    first = add_recommendation(stalking_report, label="R1", text="a", organisations=[org("Home Office")])
    second = add_recommendation(stalking_report, label="R2", text="b", organisations=[org("Home Office")])
    assert (first.reference, second.reference) == ("SC-2022-001-R1", "SC-2022-001-R2")
    with pytest.raises(IntegrityError):
        type(first).objects.create(report=stalking_report, reference=first.reference, label="dup", text="c")


def test_a_recommendation_needs_text_and_an_addressee(stalking_report):
    with pytest.raises(RecommendationError):
        add_recommendation(stalking_report, label="R", text=" ", organisations=[org("Home Office")])
    with pytest.raises(RecommendationError):
        add_recommendation(stalking_report, label="R", text="x")


def test_overdue_obligations_are_flagged_once(stalking_report, capsys):
    recommendation = add_recommendation(
        stalking_report,
        label="R",
        text="x",
        organisations=[org("Home Office"), org("Ministry of Justice")],
        default_due=datetime.date(2024, 11, 22),
    )
    expand_addressees(recommendation)
    answered = recommendation.obligations.get(organisation__name="Ministry of Justice")
    responded = datetime.datetime(2024, 11, 1, tzinfo=datetime.UTC)
    record_response_submitted(answered, at=responded)
    assert answered.deadline.met_at == responded
    assert sweep_deadlines(datetime.date(2024, 11, 22))[DeadlineRule.RESPONSE] == 0  # due that day: not late
    assert sweep_deadlines(datetime.date(2024, 11, 23))[DeadlineRule.RESPONSE] == 1
    events = AuditEvent.objects.count()
    call_command("sweep_deadlines", "--on", "2024-11-24")
    assert "0 responses" in capsys.readouterr().out
    assert AuditEvent.objects.count() == events
    home_office = recommendation.obligations.get(organisation__name="Home Office")
    assert home_office.deadline.flagged_overdue_on == datetime.date(2024, 11, 23)
    assert AuditEvent.objects.filter(action="obligation.overdue", object_id=str(home_office.pk)).count() == 1
    assert answered.deadline.flagged_overdue_on is None


def test_a_met_response_deadline_never_moves(stalking_report):
    recommendation = add_recommendation(
        stalking_report,
        label="R",
        text="x",
        organisations=[org("Home Office")],
        default_due=datetime.date(2024, 11, 22),
    )
    expand_addressees(recommendation)
    home_office = recommendation.obligations.get()
    record_response_submitted(home_office, at=datetime.datetime(2024, 11, 20, tzinfo=datetime.UTC))
    with pytest.raises(RecommendationError, match="already responded"):
        set_obligation_due(home_office, due=datetime.date(2025, 1, 31))
    assert home_office.deadline.due == datetime.date(2024, 11, 22)
    assert not AuditEvent.objects.filter(
        action="obligation.due_changed", object_id=str(home_office.pk)
    ).exists()
