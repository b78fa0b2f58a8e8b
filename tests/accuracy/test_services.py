import datetime

import pytest
from django.db import IntegrityError, transaction

from accounts.models import Role
from accuracy.models import AccuracyCheck, CheckState, CloseReason, CommentDecision
from accuracy.selectors import all_comments, comments_of, open_checks_for, recommendations_for
from accuracy.services import (
    AccuracyCheckError,
    StaleDecision,
    add_comment,
    close_accuracy_check,
    decide_comment,
    extend_accuracy_check,
    open_accuracy_check,
    organisations_to_ask,
)
from audit.models import AuditEvent
from deadlines.models import Deadline, DeadlineRule
from operations.sweep import sweep_deadlines
from outbox.models import Message
from recommendations.selectors import addressees_of
from reports.publication import publish_report
from tests.accuracy.scenario import CLOSES_ON, OPENED_AT, draft_report, person, staff
from tests.builders import london, org, sign_off_all

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _public_record(public_record):
    """Every test here reads the shipped public record."""


@pytest.fixture
def draft():
    return draft_report()


def _open(draft, **kwargs):
    return open_accuracy_check(draft.report, closes_on=CLOSES_ON, at=OPENED_AT, **kwargs)


def _addressee(check, name):
    return check.addressees.get(organisation__name=name)


def test_addressees_of_expand_groups_and_named_organisations(draft):
    assert len(addressees_of(draft.chiefs)) == 43
    assert [a.organisation.name for a in addressees_of(draft.home_office)] == ["Home Office"]
    # The 43 chief constables and the Home Office, Gwent once though it is named twice.
    assert len(organisations_to_ask(draft.report)) == 44


def test_opening_asks_every_addressee_with_a_ledger_row_and_one_email_each(draft):
    person("kent@example.police.uk", "Kent Police")
    person("sign@example.police.uk", "Kent Police", Role.SIGNATORY)
    person("policy@homeoffice.example", "Home Office")
    person("lead@hestia.example", "Hestia", Role.BODY_MEMBER)
    check = _open(draft)
    assert check.state == CheckState.OPEN
    assert check.addressees.count() == 44
    row = Deadline.objects.get(rule=DeadlineRule.ACCURACY_CHECK)
    assert (row.subject, row.case, row.due) == (check, draft.complaint, CLOSES_ON)
    assert row.basis == "The closing date the authorities set"
    assert row.explanation_text == (
        "Closes at the end of Monday 16 March 2026, the closing date the authorities set for comments "
        "on the draft recommendations."
    )
    sent = Message.objects.filter(dedupe_key__startswith=f"accuracy_check:{check.pk}:")
    # Only organisations with responders or signatories hear; a body member never does.
    assert sorted(m.to for m in sent) == [
        ["kent@example.police.uk", "sign@example.police.uk"],
        ["policy@homeoffice.example"],
    ]
    assert all(m.dedupe_key.endswith(":opened") for m in sent)
    kent = _addressee(check, "Kent Police")
    assert (
        sent.get(to=["kent@example.police.uk", "sign@example.police.uk"])
        .context["url"]
        .endswith(f"/portal/accuracy-checks/{kent.pk}/")
    )
    event = AuditEvent.objects.get(action="accuracy_check.opened")
    assert event.after["closes_on"] == "2026-03-16"
    assert len(event.after["organisations"]) == 44


def test_opening_needs_a_draft_with_recommendations_a_future_date_and_no_open_check(draft):
    with pytest.raises(AccuracyCheckError, match="in the future"):
        open_accuracy_check(draft.report, closes_on=datetime.date(2026, 3, 2), at=OPENED_AT)
    _open(draft)
    with pytest.raises(AccuracyCheckError, match="already open"):
        _open(draft)
    empty = draft_report("Stalking")
    empty.report.recommendations.all().delete()
    with pytest.raises(AccuracyCheckError, match="no recommendations"):
        _open(empty)
    published = draft_report("Vulnerable witnesses")
    publish_report(sign_off_all(published.report), at=london(2026, 3, 1, 9))
    with pytest.raises(AccuracyCheckError, match="draft report"):
        _open(published)


def test_the_database_allows_one_open_check_per_report(draft):
    check = _open(draft)
    with pytest.raises(IntegrityError), transaction.atomic():
        AccuracyCheck.objects.create(report=draft.report, opened_at=check.opened_at)


def test_an_addressee_sees_only_the_recommendations_addressed_to_it(draft):
    check = _open(draft)
    assert [r.label for r in recommendations_for(_addressee(check, "Kent Police"))] == ["Recommendation 1"]
    assert [r.label for r in recommendations_for(_addressee(check, "Gwent Police"))] == [
        "Recommendation 1",
        "Recommendation 3",
    ]
    assert [r.label for r in recommendations_for(_addressee(check, "Home Office"))] == ["Recommendation 2"]
    on = datetime.date(2026, 3, 10)
    assert [a.organisation.name for a in open_checks_for([org("Home Office")], today=on)] == ["Home Office"]
    assert open_checks_for([org("Hestia")], today=on) == []
    assert open_checks_for([org("Home Office")], today=datetime.date(2026, 3, 17)) == []


def test_comments_until_the_end_of_the_closing_day_then_refused(draft):
    kent_user = person("kent@example.police.uk", "Kent Police")
    check = _open(draft)
    kent = _addressee(check, "Kent Police")
    comment = add_comment(
        kent,
        recommendation=draft.chiefs,
        text="  We already train call handlers.  ",
        user=kent_user,
        at=london(2026, 3, 16, 23, 59),
    )
    assert (comment.text, comment.author, comment.decision) == (
        "We already train call handlers.",
        kent_user,
        "",
    )
    assert AuditEvent.objects.get(action="accuracy_check.commented").after == {
        "organisation": "Kent Police",
        "recommendation": draft.chiefs.reference,
    }
    assert Message.objects.filter(dedupe_key=f"accuracy_comment:{comment.pk}:team:commented").count() == 1
    with pytest.raises(AccuracyCheckError, match="closed"):
        add_comment(kent, recommendation=draft.chiefs, text="Too late", at=london(2026, 3, 17, 0, 1))
    assert list(comments_of(kent)) == [comment]


def test_a_comment_must_be_on_a_recommendation_addressed_to_the_organisation_and_not_empty(draft):
    check = _open(draft)
    kent = _addressee(check, "Kent Police")
    at = london(2026, 3, 5, 9)
    with pytest.raises(AccuracyCheckError, match="not addressed to your organisation"):
        add_comment(kent, recommendation=draft.home_office, text="Not ours", at=at)
    with pytest.raises(AccuracyCheckError, match="not addressed to your organisation"):
        add_comment(kent, recommendation=draft.gwent_only, text="Not ours", at=at)
    with pytest.raises(AccuracyCheckError, match="Enter your comment"):
        add_comment(kent, recommendation=draft.chiefs, text="   ", at=at)
    with pytest.raises(AccuracyCheckError, match="10,000 characters or fewer"):
        add_comment(kent, recommendation=draft.chiefs, text="x" * 10_001, at=at)
    assert add_comment(kent, recommendation=draft.chiefs, text="x" * 10_000, at=at).pk


def test_decisions_are_logged_and_a_changed_decision_keeps_the_first(draft):
    team = staff()
    check = _open(draft)
    comment = add_comment(
        _addressee(check, "Home Office"),
        recommendation=draft.home_office,
        text="The guidance was published in 2025.",
        at=london(2026, 3, 4, 9),
    )
    with pytest.raises(AccuracyCheckError, match="reason"):
        decide_comment(comment, decision="accepted", reason=" ", user=team)
    with pytest.raises(AccuracyCheckError, match="accepted or rejected"):
        decide_comment(comment, decision="maybe", reason="Why not", user=team)
    first = decide_comment(
        comment, decision="accepted", reason="Checked: it was.", user=team, at=london(2026, 3, 18, 9)
    )
    assert (first.decision, first.decision_reason, first.version) == ("accepted", "Checked: it was.", 2)
    # The same again changes nothing.
    decide_comment(comment, decision="accepted", reason="Checked: it was.", user=team)
    with pytest.raises(StaleDecision, match="Someone else decided"):
        decide_comment(comment, decision="rejected", reason="No", user=team, expected_version=1)
    second = decide_comment(
        comment,
        decision="rejected",
        reason="Only in draft form.",
        user=team,
        expected_version=2,
        at=london(2026, 3, 19, 9),
    )
    assert (second.decision, second.decision_reason) == ("rejected", "Only in draft form.")
    assert [
        (d.decision, d.reason, d.decided_by) for d in CommentDecision.objects.filter(comment=comment)
    ] == [
        ("accepted", "Checked: it was.", team),
        ("rejected", "Only in draft form.", team),
    ]
    events = AuditEvent.objects.filter(action="accuracy_comment.decided").order_by("sequence")
    assert [(e.before["decision"], e.after["decision"]) for e in events] == [
        ("", "accepted"),
        ("accepted", "rejected"),
    ]
    assert list(all_comments(check)) == [comment]


def test_staff_extend_the_date_which_moves_the_ledger_row_and_tells_addressees(draft):
    person("policy@homeoffice.example", "Home Office")
    check = _open(draft)
    with pytest.raises(AccuracyCheckError, match="after the current one"):
        extend_accuracy_check(check, closes_on=datetime.date(2026, 3, 10), at=london(2026, 3, 5))
    later = datetime.date(2026, 3, 23)
    extend_accuracy_check(check, closes_on=later, at=london(2026, 3, 5))
    extend_accuracy_check(check, closes_on=later, at=london(2026, 3, 6))  # the same again: nothing
    row = Deadline.objects.get(rule=DeadlineRule.ACCURACY_CHECK)
    assert row.due == later
    event = AuditEvent.objects.get(action="accuracy_check.extended")
    assert (event.before, event.after) == ({"closes_on": "2026-03-16"}, {"closes_on": "2026-03-23"})
    assert Message.objects.filter(dedupe_key__endswith=":extended:2026-03-23").count() == 1
    home_office = _addressee(check, "Home Office")
    add_comment(
        home_office, recommendation=draft.home_office, text="Still in time", at=london(2026, 3, 20, 9)
    )
    with pytest.raises(AccuracyCheckError, match="has closed"):
        extend_accuracy_check(check, closes_on=datetime.date(2026, 4, 1), at=london(2026, 3, 24, 9))


def test_closing_early_refuses_comments_and_meets_the_row(draft):
    team = staff()
    check = _open(draft)
    closed = close_accuracy_check(check, user=team, at=london(2026, 3, 9, 12))
    assert (closed.state, closed.close_reason, closed.closed_by) == (
        CheckState.CLOSED,
        CloseReason.EARLY,
        team,
    )
    row = Deadline.objects.get(rule=DeadlineRule.ACCURACY_CHECK)
    assert row.met_at == london(2026, 3, 9, 12)
    with pytest.raises(AccuracyCheckError, match="closed"):
        add_comment(
            _addressee(check, "Kent Police"), recommendation=draft.chiefs, text="x", at=london(2026, 3, 10)
        )
    with pytest.raises(AccuracyCheckError, match="already closed"):
        close_accuracy_check(check, user=team)
    # A new check may be opened once the first is closed.
    assert open_accuracy_check(draft.report, closes_on=CLOSES_ON, at=london(2026, 3, 9, 13)).pk != check.pk


def test_the_sweep_closes_checks_whose_date_has_passed_once(draft):
    check = _open(draft)
    assert sweep_deadlines(CLOSES_ON)["accuracy_checks_closed"] == 0
    counts = sweep_deadlines(datetime.date(2026, 3, 17))
    assert counts["accuracy_checks_closed"] == 1
    assert counts[DeadlineRule.ACCURACY_CHECK] == 0
    check.refresh_from_db()
    assert (check.state, check.close_reason) == (CheckState.CLOSED, CloseReason.DATE_PASSED)
    row = Deadline.objects.get(rule=DeadlineRule.ACCURACY_CHECK)
    assert row.met_at is not None and row.flagged_overdue_on is None
    again = sweep_deadlines(datetime.date(2026, 3, 18))
    assert again["accuracy_checks_closed"] == 0
    assert AuditEvent.objects.filter(action="accuracy_check.closed").count() == 1


def test_the_report_is_not_published_while_its_check_is_open(draft):
    from reports.services import ReportError

    check = _open(draft)  # opened on Monday 2 March 2026, closing at the end of 16 March
    report = sign_off_all(draft.report)
    with pytest.raises(ReportError, match="factual-accuracy check is open"):
        publish_report(report, at=london(2026, 3, 16, 23, 59))
    # Once its closing day has ended it no longer holds publication back, even before the sweep
    # has recorded it closed.
    assert AccuracyCheck.objects.get(pk=check.pk).state == CheckState.OPEN
    assert publish_report(report, at=london(2026, 3, 17, 0, 1)).state == "published"


def test_closing_the_check_early_lets_the_report_be_published(draft):
    check = _open(draft)
    close_accuracy_check(check, at=london(2026, 3, 3, 9))
    assert publish_report(sign_off_all(draft.report), at=london(2026, 3, 3, 10)).state == "published"
