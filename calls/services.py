"""The writes of calls for evidence: staff open, edit and close calls; the public respond; staff
review the responses.

Each function is one change, in one transaction, with its audit event. Responses hold sensitive
accounts, so their audit events record only what happened (a response arrived, was tagged, was
read), never what it says or who wrote it. Nothing here sends e-mail: a respondent gets a receipt
on the page, and is not written to.
"""

from __future__ import annotations

import datetime
import secrets
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.services import record_access, record_event
from calls import consent
from calls.models import CallForEvidence, CallQuestion, CallResponse, ResponseAnswer, ResponseTag, Signpost
from complaints.models import ComplaintState, SuperComplaint
from deadlines.calendar import long_date
from deadlines.models import Deadline, DeadlineRule
from deadlines.rules import end_of_london_day, to_london_date
from deadlines.services import ensure_call_closing_deadline, meet_deadline
from evidence.checks import max_submission_size, size_label
from evidence.models import Document

# The states in which a complaint is investigated, so evidence can be called for.
INVESTIGATION_STATES = frozenset({ComplaintState.ELIGIBLE, ComplaintState.INVESTIGATING})
MAX_QUESTIONS = 10
# Characters in one answer. Enough for a long account; the form's request-body limit
# (settings.CALL_RESPONSE_MAX_BODY_SIZE) is derived from this and MAX_QUESTIONS.
MAX_ANSWER_LENGTH = 10_000
MAX_TAG_LENGTH = 60
# Files one response may carry (each at most EVIDENCE_MAX_FILE_SIZE, together at most
# EVIDENCE_MAX_SUBMISSION_SIZE); settings.CALL_RESPONSE_MAX_BODY_SIZE makes room for them.
MAX_FILES = 3
# Receipt codes: no 0/O or 1/I/L, so they can be read out over the phone.
RECEIPT_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class CallError(Exception):
    """A change the rules of calls for evidence do not allow."""


class StaleCall(CallError):
    """Someone else saved the call after this form was opened."""


@dataclass(frozen=True)
class QuestionSpec:
    text: str
    text_cy: str = ""
    required: bool = False


def _user(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def _checked_questions(questions: Sequence[QuestionSpec]) -> list[QuestionSpec]:
    kept = [
        QuestionSpec(q.text.strip(), q.text_cy.strip(), q.required)
        for q in questions
        if q.text and q.text.strip()
    ]
    if not kept:
        raise CallError(_("Enter at least one question."))
    if len(kept) > MAX_QUESTIONS:
        raise CallError(_("A call can ask at most %(count)d questions.") % {"count": MAX_QUESTIONS})
    return kept


def _check_dates(opens_on: datetime.date, closes_on: datetime.date, today: datetime.date) -> None:
    if opens_on < today:
        raise CallError(_("The date the call opens must be today or in the future."))
    if closes_on < opens_on:
        raise CallError(_("The date the call closes must be the same as or after the date it opens."))


def _with_required_signposts(signposts: Iterable[Signpost]) -> list[Signpost]:
    chosen = {s.pk: s for s in signposts}
    for signpost in Signpost.objects.filter(always=True):
        chosen.setdefault(signpost.pk, signpost)
    return sorted(chosen.values(), key=lambda s: (s.position, s.pk))


def _as_record(
    call: CallForEvidence, questions: Sequence[QuestionSpec], signposts: Sequence[Signpost]
) -> dict[str, Any]:
    return {
        "title": call.title,
        "title_cy": call.title_cy,
        "opens_on": call.opens_on,
        "closes_on": call.closes_on,
        "questions": [q.text for q in questions],
        "signposts": [s.name for s in signposts],
    }


def _write_questions(call: CallForEvidence, questions: Sequence[QuestionSpec]) -> None:
    CallQuestion.objects.bulk_create(
        CallQuestion(call=call, position=n, text=q.text, text_cy=q.text_cy, required=q.required)
        for n, q in enumerate(questions, start=1)
    )


def open_call(
    complaint: SuperComplaint,
    *,
    title: str,
    introduction: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    questions: Sequence[QuestionSpec],
    signposts: Iterable[Signpost] = (),
    title_cy: str = "",
    introduction_cy: str = "",
    user: Any = None,
    at: datetime.datetime | None = None,
) -> CallForEvidence:
    """Set up a call for evidence on a complaint under investigation.

    Checks: the complaint is eligible or being investigated; a title, an introduction and 1 to
    ``MAX_QUESTIONS`` questions; it opens today or later and closes on or after that day. Side
    effects: creates the call, its questions and its signposts (always with those marked
    ``always``: the Modern Slavery & Exploitation Helpline and 999); a ``CALL_FOR_EVIDENCE`` row in
    the deadlines ledger due on ``closes_on``; records ``call.opened``. The call is on the public
    register from the start of ``opens_on`` (London).
    """
    at = at or timezone.now()
    title, introduction = title.strip(), introduction.strip()
    if not title:
        raise CallError(_("Enter a title for the call."))
    if not introduction:
        raise CallError(_("Enter an introduction to the call."))
    kept = _checked_questions(questions)
    _check_dates(opens_on, closes_on, to_london_date(at))
    with transaction.atomic():
        complaint = SuperComplaint.objects.select_for_update().get(pk=complaint.pk)
        if complaint.state not in INVESTIGATION_STATES:
            raise CallError(_("Evidence can only be called for while a complaint is investigated."))
        call = CallForEvidence.objects.create(
            complaint=complaint,
            title=title,
            title_cy=title_cy.strip(),
            introduction=introduction,
            introduction_cy=introduction_cy.strip(),
            opens_on=opens_on,
            closes_on=closes_on,
            created_at=at,
            created_by=_user(user),
        )
        _write_questions(call, kept)
        chosen = _with_required_signposts(signposts)
        call.signposts.set(chosen)
        ensure_call_closing_deadline(call, case=complaint, closes_on=closes_on)
        record_event(action="call.opened", obj=call, after=_as_record(call, kept, chosen))
    return call


def update_call(
    call: CallForEvidence,
    *,
    title: str,
    introduction: str,
    opens_on: datetime.date,
    closes_on: datetime.date,
    questions: Sequence[QuestionSpec],
    signposts: Iterable[Signpost] = (),
    title_cy: str = "",
    introduction_cy: str = "",
    expected_version: int | None = None,
    user: Any = None,
    at: datetime.datetime | None = None,
) -> CallForEvidence:
    """Change a call before it opens: its words, questions, signposts and dates.

    Checks, under the call's row lock: the form was opened at the current version (else
    ``StaleCall``); the call has not opened (its questions must not change under people answering
    them); the same rules as ``open_call``. Side effects: replaces the questions and signposts;
    moves the closing row in the ledger; bumps the version; records ``call.updated`` with before
    and after.
    """
    at = at or timezone.now()
    title, introduction = title.strip(), introduction.strip()
    if not title:
        raise CallError(_("Enter a title for the call."))
    if not introduction:
        raise CallError(_("Enter an introduction to the call."))
    kept = _checked_questions(questions)
    with transaction.atomic():
        call = (
            CallForEvidence.objects.select_for_update(of=("self",))
            .select_related("complaint")
            .get(pk=call.pk)
        )
        if expected_version is not None and call.version != expected_version:
            raise StaleCall(
                _(
                    "Someone else saved changes to this call after you opened this page. Your changes "
                    "have not been saved yet: check the latest version below, then save again."
                )
            )
        if call.has_opened(at):
            raise CallError(_("This call has opened, so it can no longer be changed."))
        _check_dates(opens_on, closes_on, to_london_date(at))
        old_questions = [QuestionSpec(q.text, q.text_cy, q.required) for q in call.questions.all()]
        before = _as_record(call, old_questions, list(call.signposts.all()))
        call.title, call.title_cy = title, title_cy.strip()
        call.introduction, call.introduction_cy = introduction, introduction_cy.strip()
        call.opens_on, call.closes_on = opens_on, closes_on
        call.version += 1
        call.save(
            update_fields=[
                "title",
                "title_cy",
                "introduction",
                "introduction_cy",
                "opens_on",
                "closes_on",
                "version",
            ]
        )
        call.questions.all().delete()
        _write_questions(call, kept)
        chosen = _with_required_signposts(signposts)
        call.signposts.set(chosen)
        ensure_call_closing_deadline(call, case=call.complaint, closes_on=closes_on)
        record_event(action="call.updated", obj=call, before=before, after=_as_record(call, kept, chosen))
    return call


def close_call(
    call: CallForEvidence, *, user: Any = None, at: datetime.datetime | None = None
) -> CallForEvidence:
    """Close an open call before the end of its closing day.

    Checks: the call has opened and is still open. Side effects: sets ``closed_at`` and
    ``closed_by``; meets its row in the ledger at ``at``; records ``call.closed_early``. From
    ``at`` the public page says it closed, and responses are refused.
    """
    at = at or timezone.now()
    with transaction.atomic():
        call = CallForEvidence.objects.select_for_update().get(pk=call.pk)
        if not call.has_opened(at):
            raise CallError(_("This call has not opened yet: change its dates instead."))
        if call.has_closed(at):
            raise CallError(_("This call has already closed."))
        call.closed_at = at
        call.closed_by = _user(user)
        call.version += 1
        call.save(update_fields=["closed_at", "closed_by", "version"])
        meet_deadline(call, DeadlineRule.CALL_FOR_EVIDENCE, at=at)
        record_event(
            action="call.closed_early",
            obj=call,
            before={"closes_on": call.closes_on},
            after={"closed_on": to_london_date(at)},
        )
    return call


def close_ended_call(pk: int, on: datetime.date) -> CallForEvidence | None:
    """The sweep's step for one call: record that it closed at the end of its closing day.

    Its own transaction; the row is claimed with SKIP LOCKED, so two sweeps never both record it.
    Due once ``on`` is after ``closes_on``. Side effects: meets the call's ledger row at the end of
    ``closes_on`` (London), not at the moment the sweep ran; records ``call.closed``. Returns the
    call if it was recorded now.
    """
    with transaction.atomic():
        row = (
            Deadline.objects.running()
            .select_for_update(skip_locked=True)
            .filter(pk=pk, rule=DeadlineRule.CALL_FOR_EVIDENCE, due__lt=on)
            .first()
        )
        if row is None:
            return None
        call = CallForEvidence.objects.get(pk=row.subject_id)
        row.met_at = end_of_london_day(row.due)
        row.save(update_fields=["met_at", "updated_at"])
        record_event(action="call.closed", obj=call, after={"closed_on": row.due})
    return call


def close_ended_calls(on: datetime.date) -> int:
    """Record every call whose closing day ended before ``on``. Safe to run twice, and twice at
    once. Returns how many were recorded now."""
    ids = list(
        Deadline.objects.running()
        .filter(rule=DeadlineRule.CALL_FOR_EVIDENCE, due__lt=on)
        .order_by("due", "pk")
        .values_list("pk", flat=True)
    )
    return sum(1 for pk in ids if close_ended_call(pk, on) is not None)


# --- Responses ----------------------------------------------------------------------------------


def new_receipt_code() -> str:
    """Twelve random characters in three groups: ``7KQM-2XHD-P9TA``. Random, so it says nothing
    about the person or the moment."""
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _n in range(12))
    return f"{raw[0:4]}-{raw[4:8]}-{raw[8:12]}"


def submit_response(
    call: CallForEvidence,
    *,
    answers: Mapping[int, str],
    consent_given: bool,
    consent_version: str = consent.CURRENT_VERSION,
    anonymous: bool = True,
    name: str = "",
    email: str = "",
    language: str = "en",
    documents: Sequence[Document] = (),
    at: datetime.datetime | None = None,
) -> CallResponse:
    """Record one person's response to a call: an answer per question (by question id), and the
    files they attached (``documents``, already stored by ``evidence.services.store_document``).

    Checks, with the call's row locked (so closing it early cannot race a response): the call is
    open at ``at`` (it closes at the end of ``closes_on`` in London); consent was given to a known
    version of the words; every required question, and at least one question, is answered; no
    answer is longer than ``MAX_ANSWER_LENGTH``; at most ``MAX_FILES`` files, together no larger
    than ``evidence.checks.max_submission_size()``. An anonymous response keeps no name or e-mail
    address, whatever was sent. Side effects: creates the response (with a random receipt code)
    and its answers, and links the documents; records ``call_response.submitted`` with no personal
    data and nothing of what was said: of the files, only how many (their names can identify
    someone). Raises ``CallError`` and changes nothing when a check fails; the documents stay
    stored, and the caller that stored them removes them (``evidence.services.delete_document``).
    """
    at = at or timezone.now()
    files = list(documents)
    if len(files) > MAX_FILES:
        raise CallError(_("You can attach at most %(count)d files.") % {"count": MAX_FILES})
    if sum(d.size for d in files) > max_submission_size():
        raise CallError(
            _("The files you attach must be %(limit)s or smaller in total.")
            % {"limit": size_label(max_submission_size())}
        )
    if not consent_given:
        raise CallError(_("Confirm that you agree to how we will use your answers."))
    if consent_version not in consent.TEXTS:
        raise CallError(_("This form is out of date. Open it again, then send your answers."))
    if anonymous:
        name, email = "", ""
    with transaction.atomic():
        call = CallForEvidence.objects.select_for_update().get(pk=call.pk)
        if not call.is_open(at):
            if call.has_closed(at):
                raise CallError(
                    _("This call for evidence closed on %(day)s, so we cannot accept new answers.")
                    % {"day": long_date(call.closed_on)}
                )
            raise CallError(_("This call for evidence is not open yet."))
        questions = list(call.questions.all())
        texts = {q.pk: (answers.get(q.pk) or "").strip() for q in questions}
        missing = [q.position for q in questions if q.required and not texts[q.pk]]
        if missing:
            raise CallError(
                _("Answer every question marked as needed. Not answered: %(numbers)s.")
                % {"numbers": ", ".join(str(n) for n in missing)}
            )
        if not any(texts.values()):
            raise CallError(_("Answer at least one question."))
        if any(len(text) > MAX_ANSWER_LENGTH for text in texts.values()):
            raise CallError(
                _("Each answer must be %(count)d characters or fewer.") % {"count": MAX_ANSWER_LENGTH}
            )
        response = _create_response(
            call=call,
            submitted_at=at,
            anonymous=anonymous,
            name=name.strip()[:200],
            email=email.strip()[:254],
            language=language[:5],
            consent_given=True,
            consent_version=consent_version,
        )
        ResponseAnswer.objects.bulk_create(
            ResponseAnswer(response=response, question=q, text=texts[q.pk]) for q in questions if texts[q.pk]
        )
        response.documents.add(*files)
        record_event(
            action="call_response.submitted",
            obj=response,
            after={
                "call": call.title,
                "answered": sum(1 for t in texts.values() if t),
                "files": len(files),
                "anonymous": anonymous,
                "language": response.language,
                "consent_version": consent_version,
            },
        )
    return response


def _create_response(**values: Any) -> CallResponse:
    # A clash of random codes is vanishingly rare; try again with another, inside a savepoint so
    # the transaction survives the failed insert.
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return CallResponse.objects.create(receipt_code=new_receipt_code(), **values)
        except IntegrityError:
            continue
    raise CallError(_("We could not record your answers. Please try again."))


def record_response_viewed(response: CallResponse) -> None:
    """Record that a member of staff read a response (an access event: ``call_response.viewed``)."""
    record_access(action="call_response.viewed", obj=response)


def _clean_tags(tags: Iterable[str]) -> list[str]:
    names: dict[str, str] = {}
    for tag in tags:
        name = " ".join(tag.split())
        if not name:
            continue
        if len(name) > MAX_TAG_LENGTH:
            raise CallError(_("Each tag must be %(count)d characters or fewer.") % {"count": MAX_TAG_LENGTH})
        names.setdefault(name.casefold(), name)
    return sorted(names.values(), key=str.casefold)


def tag_response(response: CallResponse, *, tags: Iterable[str], user: Any = None) -> CallResponse:
    """Set the tags on a response (replacing those it had); a tag new to the service is created.

    Tags match existing ones whatever their case. Side effects: links the tags; records
    ``call_response.tagged`` with the tags before and after. Setting the same tags again does
    nothing.
    """
    wanted = _clean_tags(tags)
    with transaction.atomic():
        response = CallResponse.objects.select_for_update().get(pk=response.pk)
        before = sorted((t.name for t in response.tags.all()), key=str.casefold)
        chosen: list[ResponseTag] = []
        for name in wanted:
            tag = ResponseTag.objects.filter(name__iexact=name).first()
            if tag is None:
                tag = ResponseTag.objects.create(name=name)
            chosen.append(tag)
        after = sorted((t.name for t in chosen), key=str.casefold)
        if after == before:
            return response
        response.tags.set(chosen)
        record_event(
            action="call_response.tagged", obj=response, before={"tags": before}, after={"tags": after}
        )
    return response


def mark_reviewed(
    response: CallResponse, *, user: Any = None, at: datetime.datetime | None = None
) -> CallResponse:
    """Mark a response as reviewed by ``user``. Marking it twice keeps the first review.

    Side effects: sets ``reviewed_at`` and ``reviewed_by``; records ``call_response.reviewed``.
    """
    at = at or timezone.now()
    with transaction.atomic():
        response = CallResponse.objects.select_for_update().get(pk=response.pk)
        if response.reviewed_at is not None:
            return response
        response.reviewed_at = at
        response.reviewed_by = _user(user)
        response.save(update_fields=["reviewed_at", "reviewed_by"])
        record_event(action="call_response.reviewed", obj=response, after={"reviewed_on": to_london_date(at)})
    return response
