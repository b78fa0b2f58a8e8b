"""The writes of the factual-accuracy check of a draft report.

``open_accuracy_check`` sends the draft recommendations to every organisation they are addressed
to, with a closing date in the deadlines ledger; ``extend_accuracy_check`` moves that date;
``close_accuracy_check`` closes it early; ``close_expired_checks`` is the sweep's step that closes
checks whose date has passed. ``add_comment`` records an addressee's comment on one recommendation
addressed to it; ``decide_comment`` accepts or rejects it with a reason, keeping every decision.
Each runs in one transaction, locks what it changes, records its audit event, and writes its
e-mails to the outbox in that transaction, each with a dedupe key naming the event.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from access.rules import ADDRESSEE_ROLES
from accounts.selectors import member_addresses
from accuracy.models import (
    ALLOWED_TRANSITIONS,
    COMMENT_LIMIT,
    AccuracyCheck,
    AccuracyComment,
    CheckAddressee,
    CheckState,
    CloseReason,
    CommentDecision,
    CommentDecisionChoice,
)
from audit.services import record_event
from common.site import absolute_url
from deadlines.calendar import long_date
from deadlines.models import DeadlineRule
from deadlines.rules import to_london_date
from deadlines.services import ensure_accuracy_check_deadline, meet_deadline
from organisations.models import Organisation
from outbox.services import enqueue_message
from recommendations.models import Recommendation
from recommendations.selectors import addressees_of, is_addressed_to
from reports.models import Report, ReportState

EMAIL_TEMPLATES = "accuracy/email"


class AccuracyCheckError(Exception):
    """A change the rules of the factual-accuracy check do not allow."""


class ClosingDateError(AccuracyCheckError):
    """The closing date asked for is not allowed (in the past, or not after the current one)."""


class StaleDecision(AccuracyCheckError):
    """Someone else decided on the comment after this person opened it."""


def responder_addresses(organisation: Organisation) -> list[str]:
    """Where an addressee hears of a check: its responders' and signatories' addresses (the people
    who answer for it on recommendations), each once."""
    return member_addresses(organisation, ADDRESSEE_ROLES)


def _today(at: datetime.datetime) -> datetime.date:
    return to_london_date(at)


def _locked_check(check: AccuracyCheck) -> AccuracyCheck:
    return (
        AccuracyCheck.objects.select_for_update()
        .select_related("report__complaint")
        .prefetch_related("deadlines")
        .get(pk=check.pk)
    )


def _move(check: AccuracyCheck, target: CheckState) -> None:
    if target not in ALLOWED_TRANSITIONS[check.state]:
        raise AccuracyCheckError(_("This check is already closed."))


def _context(addressee: CheckAddressee, closes_on: datetime.date) -> dict[str, Any]:
    report = addressee.accuracy_check.report
    return {
        "title": report.title,
        "reference": report.complaint.reference or "",
        "organisation": addressee.organisation.name,
        "closes_on": long_date(closes_on),
        "url": absolute_url(reverse("portal:accuracy_check", args=[addressee.pk])),
    }


def _tell_addressee(
    addressee: CheckAddressee, event: str, subject: str, closes_on: datetime.date, *, key: str = ""
) -> None:
    enqueue_message(
        to=responder_addresses(addressee.organisation),
        subject=subject,
        template=f"{EMAIL_TEMPLATES}/{event}.txt",
        context=_context(addressee, closes_on),
        dedupe_key=f"accuracy_check:{addressee.accuracy_check_id}:{addressee.organisation_id}:{key or event}",
        about=addressee,
        language=settings.LANGUAGE_CODE,
    )


def organisations_to_ask(report: Report) -> list[Organisation]:
    """Every organisation a recommendation of the report is addressed to, each once, by name."""
    found: dict[int, Organisation] = {}
    for recommendation in report.recommendations.all():
        for addressee in addressees_of(recommendation):
            found.setdefault(addressee.organisation.pk, addressee.organisation)
    return sorted(found.values(), key=lambda o: o.name)


def open_accuracy_check(
    report: Report, *, closes_on: datetime.date, user: Any = None, at: datetime.datetime | None = None
) -> AccuracyCheck:
    """Open a factual-accuracy check on a draft report, closing at the end of ``closes_on``.

    Checks: the report is a draft with at least one addressed recommendation; no other check on it
    is open; the closing date is after today (London). Side effects: creates the check and one
    ``CheckAddressee`` per organisation its recommendations are addressed to; an
    ``ACCURACY_CHECK`` row in the deadlines ledger due on ``closes_on``; records
    ``accuracy_check.opened``; writes one e-mail per organisation to its responders and
    signatories (dedupe key ``accuracy_check:<check>:<organisation>:opened``), sent after commit.
    """
    at = at or timezone.now()
    if closes_on <= _today(at):
        raise ClosingDateError(_("The closing date must be in the future."))
    with transaction.atomic():
        report = Report.objects.select_for_update().select_related("complaint").get(pk=report.pk)
        if report.state != ReportState.DRAFT:
            raise AccuracyCheckError(_("A factual-accuracy check can only be opened on a draft report."))
        if AccuracyCheck.objects.filter(report=report, state=CheckState.OPEN).exists():
            raise AccuracyCheckError(_("A factual-accuracy check of this report is already open."))
        organisations = organisations_to_ask(report)
        if not organisations:
            raise AccuracyCheckError(
                _("The report has no recommendations addressed to anyone yet, so there is nothing to check.")
            )
        check = AccuracyCheck.objects.create(
            report=report, opened_at=at, opened_by=user if getattr(user, "is_authenticated", False) else None
        )
        CheckAddressee.objects.bulk_create(
            CheckAddressee(accuracy_check=check, organisation=organisation) for organisation in organisations
        )
        ensure_accuracy_check_deadline(check, case=report.complaint, due=closes_on)
        record_event(
            action="accuracy_check.opened",
            obj=check,
            after={
                "report": report.title,
                "closes_on": closes_on,
                "organisations": [o.name for o in organisations],
            },
        )
        subject = _("Factual-accuracy check of the draft report %(title)s: comments by %(date)s") % {
            "title": report.title,
            "date": long_date(closes_on),
        }
        for addressee in check.addressees.select_related("organisation", "accuracy_check__report__complaint"):
            _tell_addressee(addressee, "opened", subject, closes_on)
    return check


def extend_accuracy_check(
    check: AccuracyCheck, *, closes_on: datetime.date, at: datetime.datetime | None = None
) -> AccuracyCheck:
    """Move the closing date of an open check to a later day.

    Checks: the check is still open (its date not yet passed); the new date is later than the
    current one. Side effects: the ``ACCURACY_CHECK`` ledger row moves; records
    ``accuracy_check.extended`` with the old and new dates; writes an e-mail to each addressee
    (dedupe key naming the new date). The same date again does nothing.
    """
    at = at or timezone.now()
    with transaction.atomic():
        check = _locked_check(check)
        current = check.closes_on
        if current == closes_on and check.state == CheckState.OPEN:
            return check
        if not check.is_open_on(_today(at)) or current is None:
            raise AccuracyCheckError(_("This check has closed, so its closing date can no longer change."))
        if closes_on <= current:
            raise ClosingDateError(
                _("The new closing date must be after the current one, %(date)s.")
                % {"date": long_date(current)}
            )
        ensure_accuracy_check_deadline(check, case=check.report.complaint, due=closes_on)
        check.version += 1
        check.save(update_fields=["version"])
        record_event(
            action="accuracy_check.extended",
            obj=check,
            before={"closes_on": current},
            after={"closes_on": closes_on},
        )
        subject = _("The factual-accuracy check of %(title)s now closes on %(date)s") % {
            "title": check.report.title,
            "date": long_date(closes_on),
        }
        for addressee in check.addressees.select_related("organisation", "accuracy_check__report__complaint"):
            _tell_addressee(
                addressee, "extended", subject, closes_on, key=f"extended:{closes_on.isoformat()}"
            )
    return check


def _close(check: AccuracyCheck, *, reason: CloseReason, user: Any, at: datetime.datetime) -> AccuracyCheck:
    """Close a locked, open check: its state, its ledger row met, its audit event."""
    _move(check, CheckState.CLOSED)
    check.state = CheckState.CLOSED
    check.closed_at = at
    check.closed_by = user if getattr(user, "is_authenticated", False) else None
    check.close_reason = reason
    check.version += 1
    check.save(update_fields=["state", "closed_at", "closed_by", "close_reason", "version"])
    # The clock ends: the closing date has been kept (or brought forward), so the row is met, never
    # flagged overdue.
    meet_deadline(check, DeadlineRule.ACCURACY_CHECK, at=at)
    record_event(
        action="accuracy_check.closed",
        obj=check,
        before={"state": CheckState.OPEN},
        after={"state": CheckState.CLOSED, "reason": reason, "closes_on": check.closes_on},
    )
    return check


def close_accuracy_check(
    check: AccuracyCheck, *, user: Any = None, at: datetime.datetime | None = None
) -> AccuracyCheck:
    """Close an open check before its closing date: no more comments.

    Side effects: the check is closed (reason "closed early"); its ledger row is met; records
    ``accuracy_check.closed``. Closing a closed check raises ``AccuracyCheckError``.
    """
    at = at or timezone.now()
    with transaction.atomic():
        check = _locked_check(check)
        return _close(check, reason=CloseReason.EARLY, user=user, at=at)


def close_expired_checks(on: datetime.date, *, at: datetime.datetime | None = None) -> int:
    """The sweep's step: close every open check whose closing day ended before ``on``.

    Each check is claimed in its own transaction with SKIP LOCKED and re-checked under the lock,
    so two sweeps at once close each check once, and a second run changes nothing. Side effects,
    for each: closed (reason "the closing date passed"), its ledger row met, ``accuracy_check.closed``
    recorded. Returns how many it closed.
    """
    at = at or timezone.now()
    candidates = list(
        AccuracyCheck.objects.filter(
            state=CheckState.OPEN,
            deadlines__rule=DeadlineRule.ACCURACY_CHECK,
            deadlines__due__lt=on,
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    closed = 0
    for pk in candidates:
        with transaction.atomic():
            check = (
                AccuracyCheck.objects.select_for_update(skip_locked=True)
                .filter(pk=pk, state=CheckState.OPEN)
                .prefetch_related("deadlines")
                .first()
            )
            if check is None or check.closes_on is None or check.closes_on >= on:
                continue
            _close(check, reason=CloseReason.DATE_PASSED, user=None, at=at)
            closed += 1
    return closed


def add_comment(
    addressee: CheckAddressee,
    *,
    recommendation: Recommendation,
    text: str,
    user: Any = None,
    at: datetime.datetime | None = None,
) -> AccuracyComment:
    """Record an addressee's comment on one draft recommendation addressed to it.

    Checks: the check is open on the London day of ``at`` (a check whose closing day has ended
    refuses comments, whether or not the sweep has closed it yet); the recommendation is in the
    checked report and addressed to this organisation; the text is not empty and at most 10,000
    characters. Side effects: creates the comment; records ``accuracy_check.commented``; writes an
    e-mail to the team's mailbox.
    """
    at = at or timezone.now()
    text = text.strip()
    if not text:
        raise AccuracyCheckError(_("Enter your comment."))
    if len(text) > COMMENT_LIMIT:
        raise AccuracyCheckError(
            _("Your comment must be %(limit)s characters or fewer.") % {"limit": f"{COMMENT_LIMIT:,}"}
        )
    with transaction.atomic():
        check = _locked_check(addressee.accuracy_check)
        addressee = CheckAddressee.objects.select_related("organisation").get(pk=addressee.pk)
        if not check.is_open_on(_today(at)):
            raise AccuracyCheckError(_("This check has closed, so it no longer takes comments."))
        if recommendation.report_id != check.report_id or not is_addressed_to(
            recommendation, addressee.organisation_id
        ):
            raise AccuracyCheckError(_("That recommendation is not addressed to your organisation."))
        comment = AccuracyComment.objects.create(
            addressee=addressee,
            recommendation=recommendation,
            text=text,
            author=user if getattr(user, "is_authenticated", False) else None,
            created_at=at,
        )
        record_event(
            action="accuracy_check.commented",
            obj=check,
            after={
                "organisation": addressee.organisation.name,
                "recommendation": recommendation.reference,
            },
        )
        enqueue_message(
            to=[settings.CASEWORK_TEAM_EMAIL],
            subject=_("%(organisation)s commented on recommendation %(reference)s")
            % {"organisation": addressee.organisation.name, "reference": recommendation.reference},
            template=f"{EMAIL_TEMPLATES}/team_commented.txt",
            context={
                "organisation": addressee.organisation.name,
                "reference": recommendation.reference,
                "title": check.report.title,
                "url": absolute_url(reverse("casework:accuracy_check", args=[check.pk])),
            },
            dedupe_key=f"accuracy_comment:{comment.pk}:team:commented",
            about=comment,
            language=settings.LANGUAGE_CODE,
        )
    return comment


def decide_comment(
    comment: AccuracyComment,
    *,
    decision: str,
    reason: str,
    user: Any = None,
    expected_version: int | None = None,
    at: datetime.datetime | None = None,
) -> AccuracyComment:
    """Accept or reject a comment, with a reason. A later decision replaces the current one and
    the earlier one stays in the log.

    Checks: a known decision; a reason; with ``expected_version``, nobody decided since the person
    opened the page (``StaleDecision`` otherwise). Side effects: one ``CommentDecision`` row; the
    comment's current decision and reason; records ``accuracy_comment.decided`` with the previous
    decision. The same decision and reason again does nothing.
    """
    at = at or timezone.now()
    reason = reason.strip()
    if decision not in CommentDecisionChoice.values:
        raise AccuracyCheckError(_("Select whether the comment is accepted or rejected."))
    if not reason:
        raise AccuracyCheckError(_("Enter the reason for the decision."))
    with transaction.atomic():
        comment = (
            AccuracyComment.objects.select_for_update()
            .select_related("recommendation", "addressee__organisation")
            .get(pk=comment.pk)
        )
        if (comment.decision, comment.decision_reason) == (decision, reason):
            return comment
        if expected_version is not None and comment.version != expected_version:
            raise StaleDecision(
                _(
                    "Someone else decided on this comment after you opened the page. Their decision is "
                    "shown below; choose again to replace it."
                )
            )
        before = {"decision": comment.decision, "reason": comment.decision_reason}
        CommentDecision.objects.create(
            comment=comment,
            decision=decision,
            reason=reason,
            decided_at=at,
            decided_by=user if getattr(user, "is_authenticated", False) else None,
        )
        comment.decision = decision
        comment.decision_reason = reason
        comment.version += 1
        comment.save(update_fields=["decision", "decision_reason", "version"])
        record_event(
            action="accuracy_comment.decided",
            obj=comment,
            before=before,
            after={
                "decision": decision,
                "reason": reason,
                "recommendation": comment.recommendation.reference,
                "organisation": comment.addressee.organisation.name,
            },
        )
    return comment
