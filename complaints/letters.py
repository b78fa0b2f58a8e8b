"""Letters to the complainant body, generated from the case record as accessible HTML and PDF.

A letter is generated (its HTML rendered from ``complaints/letters/<kind>.html`` and its PDF from
that HTML, tagged PDF/UA-1), then sent: stamped with the moment and the address it went to, and,
for the acknowledgement, written to the outbox as an e-mail with the PDF attached. Once sent a letter never changes, so the
body always sees exactly what it was sent (``Letter`` keeps both renditions).

The acknowledgement and each progress report e-mail their letter (a progress report is sent as
its letter: one transaction marks it sent, meets its reg 7 deadline and sends the letter). The
eligibility decision already e-mails the body
through the outbox when it commits (``decide_eligibility``); the decision letter is sent
in the same request and shown in the body's portal, so the body gets one e-mail per decision, not
two (docs/decisions/0010-casework.md).
"""

from __future__ import annotations

import datetime
import html
import re
import uuid
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from audit.services import record_event
from common.pdf import render_pdf
from common.text import strip_bidi_controls
from complaints import notifications
from complaints.models import (
    ComplaintState,
    DecidedBy,
    Letter,
    LetterKind,
    Position,
    ProgressReport,
    SuperComplaint,
)
from complaints.services import ComplaintError, send_progress_report
from complaints.services.base import check_version
from complaints.services.investigation import STALE_SEND, check_progress_report
from deadlines.calendar import long_date, written_date
from deadlines.rules import progress_report_periods, to_london_date

TEMPLATE_DIR = "complaints/letters"
# The kinds of letter this module can write so far; the report comes later.
SUPPORTED_KINDS = (
    LetterKind.ACKNOWLEDGEMENT,
    LetterKind.ELIGIBLE,
    LetterKind.NOT_ELIGIBLE,
    LetterKind.PROGRESS_REPORT,
)
DECISION_KINDS = {Position.ELIGIBLE: LetterKind.ELIGIBLE, Position.NOT_ELIGIBLE: LetterKind.NOT_ELIGIBLE}

# The letter's own content sits between these markers in the stored document, so a page of the
# service can show it inside its own layout without the document's <style> (which the site's
# content security policy forbids).
_FRAGMENT = re.compile(r"<!-- letter -->(.*)<!-- /letter -->", re.DOTALL)


class LetterError(ComplaintError):
    """A letter that cannot be written from the record as it stands."""


def letter_subject(complaint: SuperComplaint, kind: str, *, period: int | None = None) -> str:
    reference = strip_bidi_controls(complaint.reference or "")
    if kind == LetterKind.PROGRESS_REPORT and period is not None:
        return _("Progress report %(period)d on super-complaint %(reference)s") % {
            "period": period,
            "reference": reference,
        }
    if kind == LetterKind.ACKNOWLEDGEMENT:
        return _("Acknowledgement of super-complaint %(reference)s") % {"reference": reference}
    if kind == LetterKind.ELIGIBLE:
        return _("Super-complaint %(reference)s will be investigated") % {"reference": reference}
    if kind == LetterKind.NOT_ELIGIBLE:
        return _("Super-complaint %(reference)s is not eligible for investigation") % {"reference": reference}
    raise LetterError(_("This service cannot write that kind of letter yet."))


def letter_language(complaint: SuperComplaint) -> str:
    """The language letters about ``complaint`` are written in: the one the body wrote it in."""
    return complaint.correspondence_language


def letter_context(
    complaint: SuperComplaint, kind: str, *, today: datetime.date, period: int | None = None
) -> dict[str, Any]:
    """What a letter of ``kind`` says, read from the record; refuses a letter the record does not
    support (a decision letter before the decision, or one that contradicts it)."""
    context: dict[str, Any] = {
        # The document's language, which the PDF declares too (PDF/UA needs one).
        "language": "cy" if (translation.get_language() or "").startswith("cy") else "en-GB",
        "complaint": complaint,
        "kind": kind,
        "subject": letter_subject(complaint, kind, period=period),
        "letter_date": long_date(today),
        "received": written_date(complaint.received_on),
        "bodies": [c.body for c in complaint.complainant_set.select_related("body").order_by("position")],
    }
    if kind == LetterKind.ACKNOWLEDGEMENT:
        if complaint.state == ComplaintState.DRAFT or complaint.received_on is None:
            raise LetterError(_("A complaint that has not been received cannot be acknowledged."))
    elif kind == LetterKind.PROGRESS_REPORT:
        if period is None or complaint.told_investigation_on is None:
            raise LetterError(_("A progress report letter needs the period it reports on."))
        context["period"] = period
        # The date the next report is due, by the same rule the ledger row will be written with.
        following = progress_report_periods(complaint.told_investigation_on, period + 1)[-1]
        context["next_report_due"] = long_date(following.due)
    else:
        decision = getattr(complaint, "eligibility", None)
        if decision is None or DECISION_KINDS.get(decision.outcome) != kind:
            raise LetterError(_("The decision letter must follow the eligibility decision on the record."))
        context["decision"] = decision
        context["decided_on"] = written_date(decision.decided_on)
        if kind == LetterKind.ELIGIBLE:
            first = complaint.progress_reports.prefetch_related("deadlines").order_by("period").first()
            first_deadline = first.deadline if first else None
            context["first_report"] = first
            context["first_report_due"] = long_date(first_deadline.due) if first_deadline else ""
    return context


def render_letter_html(
    complaint: SuperComplaint,
    kind: str,
    *,
    today: datetime.date,
    period: int | None = None,
    **extra: Any,
) -> str:
    """The letter as a standalone, accessible HTML document (its language, title and print CSS)."""
    if kind not in SUPPORTED_KINDS:
        raise LetterError(_("This service cannot write that kind of letter yet."))
    context = letter_context(complaint, kind, today=today, period=period)
    context.update(extra)
    # The forms refuse bidirectional controls, but text also arrives by the admin, the API and the
    # public record: whatever the route, none may reorder what a letter says (a "Trojan Source"
    # override could make a reference or a sentence read differently from what is stored).
    return strip_bidi_controls(render_to_string(f"{TEMPLATE_DIR}/{kind}.html", context))


def generate_letter(complaint: SuperComplaint, kind: str, **context: Any) -> Letter:
    """Write a letter of ``kind`` from the record, as HTML and PDF, and keep it (not yet sent).

    ``context`` adds to, or overrides, what the template is given (``today``: the letter's date,
    London today by default). Side effects: stores the PDF in the default storage, creates the
    ``Letter`` and records ``letter.generated`` against the complaint.
    """
    kind = LetterKind(kind)
    today = context.pop("today", None) or to_london_date(timezone.now())
    period = context.pop("period", None)
    # A body that wrote its complaint in Welsh is written to in Welsh, whatever the language of the
    # page the member of staff was on (Welsh Language (Wales) Measure 2011).
    with translation.override(letter_language(complaint)):
        document = render_letter_html(complaint, kind, today=today, period=period, **context)
        subject = letter_subject(complaint, kind, period=period)
    pdf = render_pdf(document)
    letter = Letter(complaint=complaint, kind=kind, subject=subject, body_html=document)
    # Stored before the row, so a row never points at a missing file; the name is never guessed.
    letter.pdf.save(f"{complaint.reference}-{kind}-{uuid.uuid4().hex[:12]}.pdf", ContentFile(pdf), save=False)
    with transaction.atomic():
        letter.save()
        record_event(
            action="letter.generated",
            obj=complaint,
            after={
                "letter": letter.pk,
                "kind": kind.value,
                "subject": letter.subject,
                "pdf": letter.pdf.name,
            },
        )
    return letter


def send_letter(letter: Letter, *, email: bool = True, at: datetime.datetime | None = None) -> Letter:
    """Send a letter to the complaint's contact individual (SI 2018/748 reg 4(3) names them).

    Side effects: stamps ``sent_at`` and ``sent_to`` (the body then sees it in its portal), records
    ``letter.sent``, and with ``email`` writes to the outbox an e-mail of it with the PDF attached
    (sent after commit). Sending twice does nothing the second time.
    """
    at = at or timezone.now()
    with transaction.atomic():
        letter = Letter.objects.select_for_update().select_related("complaint").get(pk=letter.pk)
        if letter.sent_at is not None:
            return letter
        complaint = letter.complaint
        letter.sent_at = at
        letter.sent_to = complaint.contact_email
        letter.save(update_fields=["sent_at", "sent_to"])
        record_event(
            action="letter.sent",
            obj=complaint,
            before={"letter": letter.pk, "sent_at": None},
            after={
                "letter": letter.pk,
                "kind": letter.kind,
                "subject": letter.subject,
                "sent_at": at,
                "sent_to": letter.sent_to,
                "emailed": bool(email and letter.sent_to),
            },
        )
        if email and letter.sent_to:
            notifications.letter_sent(letter, text=letter_text(letter), filename=pdf_filename(letter))
    return letter


def latest_letter(complaint: SuperComplaint, kind: str) -> Letter | None:
    return complaint.letters.filter(kind=kind).order_by("-created_at", "-pk").first()


def _generate_and_send(complaint: SuperComplaint, kind: str, *, email: bool) -> Letter:
    letter = latest_letter(complaint, kind)
    if letter is not None and letter.sent_at is not None:
        return letter
    if letter is None:
        letter = generate_letter(complaint, kind)
    return send_letter(letter, email=email)


def send_acknowledgement_letter(complaint: SuperComplaint) -> Letter:
    """Generate (once) and send the reg 5 acknowledgement, e-mailed with its PDF. Idempotent."""
    if complaint.state == ComplaintState.RECEIVED:
        raise LetterError(_("Acknowledge the complaint before sending the acknowledgement letter."))
    return _generate_and_send(complaint, LetterKind.ACKNOWLEDGEMENT, email=True)


def send_decision_letter(complaint: SuperComplaint, *, email: bool = False) -> Letter:
    """Generate (once) and send the decision letter: reg 6(5) if eligible, reg 6(6) with reasons if
    not. Not e-mailed by default: ``decide_eligibility`` already e-mails the body. Idempotent."""
    decision = getattr(complaint, "eligibility", None)
    if decision is None:
        raise LetterError(_("There is no eligibility decision to write about yet."))
    return _generate_and_send(complaint, DECISION_KINDS[Position(decision.outcome)], email=email)


def send_progress_report_letter(
    report: ProgressReport,
    *,
    steps_taken: str,
    steps_proposed: str,
    excluded_text: str = "",
    exclusion_ground: str = "",
    exclusion_note: str = "",
    expected_version: int | None = None,
    at: datetime.datetime | None = None,
) -> ProgressReport:
    """Send a progress report (SI 2018/748 reg 7) as its letter: generated as HTML and PDF from
    the two parts only, delivered to the body's portal and e-mailed with its PDF.

    The letter's template is given the two parts and nothing else of the report, so information
    excluded under reg 7(3) cannot reach it. Side effects: those of ``generate_letter``, then in
    one transaction those of ``send_progress_report`` and ``send_letter``. Sending a report already
    sent does nothing.
    """
    at = at or timezone.now()
    check_progress_report(steps_taken, steps_proposed, excluded_text, exclusion_ground, exclusion_note)
    report = ProgressReport.objects.select_related("complaint").get(pk=report.pk)
    if report.is_sent:
        return report
    # Checked here too, so a stale page does not even render a letter; the service checks again
    # under its row lock.
    check_version(report, expected_version, STALE_SEND)
    complaint = report.complaint
    # Rendered before the transaction: a PDF takes a moment, and the row lock should not wait on it.
    letter = generate_letter(
        complaint,
        LetterKind.PROGRESS_REPORT,
        period=report.period,
        steps_taken=steps_taken,
        steps_proposed=steps_proposed,
        today=to_london_date(at),
    )
    with transaction.atomic():
        report = send_progress_report(
            report,
            steps_taken=steps_taken,
            steps_proposed=steps_proposed,
            excluded_text=excluded_text,
            exclusion_ground=exclusion_ground,
            exclusion_note=exclusion_note,
            letter=letter,
            expected_version=expected_version,
            at=at,
        )
        if report.letter_id == letter.pk:
            send_letter(letter, email=True, at=at)
    return ProgressReport.objects.select_related("letter", "complaint").get(pk=report.pk)


def letters_due(complaint: SuperComplaint) -> list[str]:
    """Letter kinds the record calls for that have not been sent (say, after a failed attempt)."""
    due = []
    sent = set(complaint.letters.filter(sent_at__isnull=False).values_list("kind", flat=True))
    if complaint.acknowledged_at is not None and LetterKind.ACKNOWLEDGEMENT not in sent:
        due.append(LetterKind.ACKNOWLEDGEMENT.value)
    decision = getattr(complaint, "eligibility", None)
    if decision is not None and decision.decided_by != DecidedBy.PUBLIC_RECORD:
        kind = DECISION_KINDS[Position(decision.outcome)]
        if kind not in sent:
            due.append(kind.value)
    return due


def send_letters_due(complaint: SuperComplaint) -> list[Letter]:
    """Send every letter the record calls for that has not been sent (``letters_due``), as the
    step that called for it would have: the acknowledgement e-mailed with its PDF, the decision
    letter to the portal. Idempotent. A ``LetterError`` or a failure to write a PDF propagates,
    leaving the letters already sent as sent."""
    sent = []
    for kind in letters_due(complaint):
        if kind == LetterKind.ACKNOWLEDGEMENT:
            sent.append(send_acknowledgement_letter(complaint))
        else:
            sent.append(send_decision_letter(complaint))
    return sent


def letter_fragment(letter: Letter) -> SafeString:
    """The letter's content without its document shell, to show inside a page of the service.

    The stored HTML was rendered by this module with autoescaping, so it is safe to output.
    """
    match = _FRAGMENT.search(letter.body_html)
    return mark_safe(match.group(1) if match else "")


_BLOCK_END = re.compile(r"</(p|h[1-6]|li|dt|dd|div|tr|address)>|<br\s*/?>", re.IGNORECASE)


def letter_text(letter: Letter) -> str:
    """The letter as plain text, for the e-mail's text part."""
    text = html.unescape(strip_tags(_BLOCK_END.sub("\n", str(letter_fragment(letter)))))
    lines = [" ".join(line.split()) for line in text.splitlines()]
    paragraphs: list[str] = []
    for line in lines:
        if line:
            paragraphs.append(line)
        elif paragraphs and paragraphs[-1]:
            paragraphs.append("")
    return "\n".join(paragraphs).strip() + "\n"


def pdf_filename(letter: Letter) -> str:
    return f"{letter.complaint.reference}-{letter.kind}.pdf"
