"""The writes of information requests to forces (SI 2018/748 reg 9).

``send_information_request`` sends one request to many forces, each with its own ledger row and
e-mail; ``submit_force_answer`` records one force's answer and meets its row; ``remind_force`` and
``chase_force`` are the sweep's two steps on those rows, each sent once. Messages go through the
outbox inside the service's transaction, with a dedupe key naming the event.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.selectors import member_addresses
from audit.services import record_event
from common.site import absolute_url
from complaints.models import ComplaintState, SuperComplaint
from deadlines.calendar import WorkingCalendar, long_date
from deadlines.models import Deadline, DeadlineRule
from deadlines.rules import to_london_date
from deadlines.services import ensure_information_request_deadline, meet_deadline
from evidence.models import Document
from inquiries.models import ForceAnswer, ForceRequest, InformationRequest, RequestQuestion
from organisations.models import Organisation, OrganisationKind
from outbox.services import enqueue_message

EMAIL_TEMPLATES = "inquiries/email"
# The reminder goes this many working days before the due day: time enough to answer.
REMINDER_WORKING_DAYS = 3
# The states in which the authorities are investigating (reg 9 powers apply from then on).
INVESTIGATION_STATES = frozenset({ComplaintState.ELIGIBLE, ComplaintState.INVESTIGATING})


class InquiryError(Exception):
    """A change the rules of information requests do not allow."""


def force_addresses(force: Organisation) -> list[str]:
    """Where a force hears from the service: its users' addresses (forces have no shared mailbox
    in the register)."""
    return member_addresses(force)


def _portal_link(force_request: ForceRequest) -> str:
    return absolute_url(reverse("portal:information_request", args=[force_request.pk]))


def _context(force_request: ForceRequest, due: datetime.date) -> dict[str, Any]:
    request = force_request.request
    return {
        "title": request.title,
        "reference": request.complaint.reference or "",
        "force": force_request.force.name,
        "due": long_date(due),
        "url": _portal_link(force_request),
    }


def _to_force(force_request: ForceRequest, event: str, subject: str, due: datetime.date) -> None:
    enqueue_message(
        to=force_addresses(force_request.force),
        subject=subject,
        template=f"{EMAIL_TEMPLATES}/{event}.txt",
        context=_context(force_request, due),
        dedupe_key=f"information_request:{force_request.pk}:{event}",
        about=force_request,
        language=settings.LANGUAGE_CODE,
    )


def send_information_request(
    complaint: SuperComplaint,
    *,
    title: str,
    questions: Sequence[str],
    due: datetime.date,
    forces: Iterable[Organisation],
    template: Document | None = None,
    user: Any = None,
    at: datetime.datetime | None = None,
) -> InformationRequest:
    """Send one information request to each of ``forces`` (SI 2018/748 reg 9).

    Checks: the complaint is being investigated; a title, at least one question, at least one
    force (forces only), and a due day after the day it is sent. Side effects: creates the
    request, its questions and one ``ForceRequest`` per force, each with an
    ``INFORMATION_REQUEST`` deadline row due on ``due``; records ``information_request.sent``;
    writes one e-mail per force to the outbox (sent after commit).
    """
    at = at or timezone.now()
    title = title.strip()
    texts = [q.strip() for q in questions if q and q.strip()]
    chosen = {force.pk: force for force in forces}
    if not title:
        raise InquiryError(_("Enter a title for the request."))
    if not texts:
        raise InquiryError(_("Enter at least one question."))
    if not chosen:
        raise InquiryError(_("Choose at least one force."))
    if any(force.kind != OrganisationKind.FORCE for force in chosen.values()):
        raise InquiryError(_("Information requests go to police forces only."))
    if due <= to_london_date(at):
        raise InquiryError(_("The date answers are due must be in the future."))
    with transaction.atomic():
        complaint = SuperComplaint.objects.select_for_update().get(pk=complaint.pk)
        if complaint.state not in INVESTIGATION_STATES:
            raise InquiryError(_("Information requests can only be sent while a complaint is investigated."))
        request = InformationRequest.objects.create(
            complaint=complaint,
            title=title,
            due=due,
            template=template,
            sent_at=at,
            sent_by=user if getattr(user, "is_authenticated", False) else None,
        )
        RequestQuestion.objects.bulk_create(
            RequestQuestion(request=request, position=n, text=text) for n, text in enumerate(texts, start=1)
        )
        ForceRequest.objects.bulk_create(
            ForceRequest(request=request, force=force)
            for force in sorted(chosen.values(), key=lambda f: f.name)
        )
        force_requests = list(request.force_requests.select_related("force", "request__complaint"))
        for force_request in force_requests:
            ensure_information_request_deadline(force_request, case=complaint, due=due)
        record_event(
            action="information_request.sent",
            obj=complaint,
            after={
                "title": title,
                "questions": texts,
                "due": due,
                "forces": [fr.force.name for fr in force_requests],
                "template": template.original_name if template else "",
            },
        )
        for force_request in force_requests:
            _to_force(
                force_request,
                "request_sent",
                _("Information request from the super-complaints team: %(title)s") % {"title": title},
                due,
            )
    return request


def submit_force_answer(
    force_request: ForceRequest,
    *,
    answers: Mapping[int, str],
    documents: Iterable[Document] = (),
    user: Any = None,
    at: datetime.datetime | None = None,
) -> ForceRequest:
    """Record one force's answer: a text per question (by question id) and any files.

    Checks: not answered already; every question answered. Side effects: creates the answers,
    links the documents, sets ``answered_at``; meets the force's ``INFORMATION_REQUEST`` deadline
    at ``at``; records ``information_request.answered`` (with whether it was late); writes an
    e-mail to the team's mailbox.
    """
    at = at or timezone.now()
    with transaction.atomic():
        force_request = (
            ForceRequest.objects.select_for_update()
            .select_related("request__complaint", "force")
            .get(pk=force_request.pk)
        )
        if force_request.answered_at is not None:
            raise InquiryError(_("This request has already been answered."))
        questions = list(force_request.request.questions.all())
        texts = {q.pk: (answers.get(q.pk) or "").strip() for q in questions}
        missing = [q.position for q in questions if not texts[q.pk]]
        if missing:
            raise InquiryError(
                _("Answer every question. Not answered: %(numbers)s.")
                % {"numbers": ", ".join(str(n) for n in missing)}
            )
        ForceAnswer.objects.bulk_create(
            ForceAnswer(force_request=force_request, question=q, text=texts[q.pk]) for q in questions
        )
        files = list(documents)
        force_request.documents.add(*files)
        force_request.answered_at = at
        force_request.answered_by = user if getattr(user, "is_authenticated", False) else None
        force_request.save(update_fields=["answered_at", "answered_by"])
        meet_deadline(force_request, DeadlineRule.INFORMATION_REQUEST, at=at)
        request = force_request.request
        late = to_london_date(at) > request.due
        record_event(
            action="information_request.answered",
            obj=force_request,
            after={
                "request": request.title,
                "force": force_request.force.name,
                "answered_on": to_london_date(at),
                "late": late,
                "files": [d.original_name for d in files],
            },
        )
        enqueue_message(
            to=[settings.CASEWORK_TEAM_EMAIL],
            subject=_("%(force)s answered the information request %(title)s")
            % {"force": force_request.force.name, "title": request.title},
            template=f"{EMAIL_TEMPLATES}/team_answered.txt",
            context={
                **_context(force_request, request.due),
                "url": absolute_url(reverse("casework:information_request", args=[request.pk])),
            },
            dedupe_key=f"information_request:{force_request.pk}:team:answered",
            about=force_request,
            language=settings.LANGUAGE_CODE,
        )
    return force_request


def reminder_day(due: datetime.date, calendar: WorkingCalendar) -> datetime.date:
    """The day the reminder goes: ``REMINDER_WORKING_DAYS`` working days before ``due``."""
    day = due
    counted = 0
    while counted < REMINDER_WORKING_DAYS:
        day -= datetime.timedelta(days=1)
        if calendar.is_working_day(day):
            counted += 1
    return day


def _claim(pk: int) -> ForceRequest | None:
    return (
        ForceRequest.objects.select_for_update(skip_locked=True, of=("self",))
        .select_related("request__complaint", "force")
        .filter(pk=pk, answered_at__isnull=True)
        .first()
    )


def _running_row(force_request: ForceRequest) -> Deadline | None:
    return (
        Deadline.objects.of(force_request)
        .running()
        .filter(rule=DeadlineRule.INFORMATION_REQUEST, subject_id=force_request.pk)
        .first()
    )


def remind_force(pk: int, on: datetime.date, *, calendar: WorkingCalendar) -> ForceRequest | None:
    """Send the reminder before the deadline to one force, once, if it is due on ``on``.

    Its own transaction; the row is claimed with SKIP LOCKED, so two sweeps never both send it.
    Due from the reminder day until the due day, while unanswered. Side effects: sets
    ``reminded_on``; records ``information_request.reminded``; writes the e-mail (dedupe key
    ``...:reminder``). Returns the request if the reminder went now.
    """
    with transaction.atomic():
        force_request = _claim(pk)
        if force_request is None or force_request.reminded_on is not None:
            return None
        row = _running_row(force_request)
        if row is None or not (reminder_day(row.due, calendar) <= on <= row.due):
            return None
        force_request.reminded_on = on
        force_request.save(update_fields=["reminded_on"])
        record_event(
            action="information_request.reminded", obj=force_request, after={"due": row.due, "on": on}
        )
        _to_force(
            force_request,
            "reminder",
            _("Reminder: information request %(title)s is due on %(due)s")
            % {"title": force_request.request.title, "due": long_date(row.due)},
            row.due,
        )
    return force_request


def chase_force(pk: int, on: datetime.date) -> ForceRequest | None:
    """Send the chaser after the deadline to one force, once, from the day after the due day.

    Same shape as ``remind_force``. Side effects: sets ``chased_on``; records
    ``information_request.chased``; writes the e-mail (dedupe key ``...:chaser``).
    """
    with transaction.atomic():
        force_request = _claim(pk)
        if force_request is None or force_request.chased_on is not None:
            return None
        row = _running_row(force_request)
        if row is None or on <= row.due:
            return None
        force_request.chased_on = on
        force_request.save(update_fields=["chased_on"])
        record_event(action="information_request.chased", obj=force_request, after={"due": row.due, "on": on})
        _to_force(
            force_request,
            "chaser",
            _("Overdue: information request %(title)s was due on %(due)s")
            % {"title": force_request.request.title, "due": long_date(row.due)},
            row.due,
        )
    return force_request


def send_chasers(on: datetime.date, *, calendar: WorkingCalendar | None = None) -> dict[str, int]:
    """The sweep's step for information requests: every reminder and chaser due on ``on``.

    Safe to run twice, and twice at once. Returns how many of each went now.
    """
    cal = calendar if calendar is not None else WorkingCalendar()
    open_ids = list(
        ForceRequest.objects.filter(answered_at__isnull=True)
        .filter(Q(reminded_on__isnull=True) | Q(chased_on__isnull=True))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    sent = {"reminders": 0, "chasers": 0}
    for pk in open_ids:
        if remind_force(pk, on, calendar=cal) is not None:
            sent["reminders"] += 1
        if chase_force(pk, on) is not None:
            sent["chasers"] += 1
    return sent
