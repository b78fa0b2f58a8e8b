"""The messages a complaint's changes cause, written to the outbox by the service making the change.

Each function is called inside that service's transaction, so a message exists exactly when its
change does. Its dedupe key names the event, so calling it again (a retried request, a service
run twice) never sends a second message. The body hears from the service at its contact address
(SI 2018/748 reg 4(3) names that individual); the authorities' super-complaints team at its shared
mailbox, ``settings.CASEWORK_TEAM_EMAIL`` (docs/decisions/0012-outbox.md says why not each user).

Body messages are written in the language the body wrote its complaint in (its letters are too);
the team's in the service's default language, the language it works in.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from common.site import absolute_url
from complaints.models import ComplaintState, Letter, SuperComplaint
from deadlines.calendar import written_date
from deadlines.rules import to_london_date
from organisations.models import Organisation
from outbox.models import Message
from outbox.services import Attachment, enqueue_message

EMAIL_TEMPLATES = "complaints/email"


def team_address() -> str:
    return settings.CASEWORK_TEAM_EMAIL


def _base(complaint: SuperComplaint) -> dict[str, Any]:
    return {"reference": complaint.reference or "", "title": complaint.title}


def _portal_link(complaint: SuperComplaint) -> str:
    return absolute_url(reverse("portal:complaint", args=[complaint.reference]))


def _casework_link(complaint: SuperComplaint) -> str:
    return absolute_url(reverse("casework:complaint", args=[complaint.reference]))


def _to_body(complaint: SuperComplaint, event: str, subject: Any, context: dict[str, Any]) -> Message | None:
    """``subject`` is a function giving the subject, called in the body's language."""
    with translation.override(complaint.correspondence_language):
        subject = subject()
    return enqueue_message(
        language=complaint.correspondence_language,
        to=[complaint.contact_email],
        subject=subject,
        template=f"{EMAIL_TEMPLATES}/{event}.txt",
        context={**_base(complaint), "contact_name": complaint.contact_name, **context},
        dedupe_key=f"complaint:{complaint.pk}:{event}",
        about=complaint,
    )


def _to_team(
    complaint: SuperComplaint, event: str, subject: str, context: dict[str, Any], *, key: str = ""
) -> Message | None:
    return enqueue_message(
        to=[team_address()],
        subject=subject,
        template=f"{EMAIL_TEMPLATES}/team_{event}.txt",
        context={**_base(complaint), "url": _casework_link(complaint), **context},
        dedupe_key=f"complaint:{complaint.pk}:team:{key or event}",
        about=complaint,
        language=settings.LANGUAGE_CODE,
    )


def complaint_received(complaint: SuperComplaint) -> None:
    """The body is told its complaint was received, with its reference and the reg 5 date; the
    team is told a new complaint is waiting to be acknowledged."""
    received = written_date(complaint.received_on)
    deadline = complaint.acknowledgement_deadline
    acknowledge_by = written_date(deadline.due if deadline else None)
    _to_body(
        complaint,
        "complaint_received",
        lambda: _("Super-complaint %(reference)s received") % {"reference": complaint.reference},
        {"received_on": received, "acknowledgement_due": acknowledge_by, "url": _portal_link(complaint)},
    )
    with translation.override(settings.LANGUAGE_CODE):
        _to_team(
            complaint,
            "complaint_received",
            _("New super-complaint %(reference)s to acknowledge") % {"reference": complaint.reference},
            {
                "bodies": [body.name for body in complaint.complainants.order_by("name")],
                "received_on": received,
                "acknowledgement_due": acknowledge_by,
            },
        )


def eligibility_decided(complaint: SuperComplaint) -> None:
    """The body is told the eligibility decision (reg 6(5) or 6(6)); the letter is in its portal."""
    _to_body(
        complaint,
        "eligibility_decided",
        lambda: _("Super-complaint %(reference)s: eligibility decision") % {"reference": complaint.reference},
        {
            "eligible": complaint.state in (ComplaintState.ELIGIBLE, ComplaintState.INVESTIGATING),
            "url": _portal_link(complaint),
        },
    )


def complaint_withdrawn(complaint: SuperComplaint) -> None:
    """The body is told its withdrawal is recorded; the team is told the complaint was withdrawn."""
    withdrawn_on = written_date(to_london_date(complaint.withdrawn_at)) if complaint.withdrawn_at else ""
    _to_body(
        complaint,
        "complaint_withdrawn",
        lambda: _("Super-complaint %(reference)s: withdrawal recorded") % {"reference": complaint.reference},
        {"withdrawn_on": withdrawn_on, "url": _portal_link(complaint)},
    )
    with translation.override(settings.LANGUAGE_CODE):
        _to_team(
            complaint,
            "complaint_withdrawn",
            _("Super-complaint %(reference)s has been withdrawn") % {"reference": complaint.reference},
            {"withdrawn_on": withdrawn_on, "reason": complaint.withdrawal_reason},
        )


def positions_awaited(
    complaint: SuperComplaint, *, recorded: list[Organisation], awaited: list[Organisation]
) -> None:
    """Once one or two authorities have recorded a position on eligibility, the team is told
    whose position is still awaited: one message per authority awaited, sent once, so the team
    can chase it (the decision needs all three, reg 6)."""
    if not recorded or not awaited:
        return
    with translation.override(settings.LANGUAGE_CODE):
        recorded_names = [a.short_name or a.name for a in recorded]
        for authority in awaited:
            name = authority.short_name or authority.name
            _to_team(
                complaint,
                "position_awaited",
                _("Super-complaint %(reference)s: position awaited from %(authority)s")
                % {"reference": complaint.reference, "authority": name},
                {"authority": name, "recorded": recorded_names},
                key=f"position_awaited:{authority.pk}",
            )


def letter_sent(letter: Letter, *, text: str, filename: str) -> Message | None:
    """A sent letter, e-mailed to the address it was sent to with its PDF attached and its HTML
    as the e-mail's HTML part."""
    complaint = letter.complaint
    return enqueue_message(
        to=[letter.sent_to],
        subject=letter.subject,
        template="complaints/letters/email.txt",
        context={"reference": complaint.reference or "", "text": text},
        dedupe_key=f"letter:{letter.pk}",
        about=complaint,
        language=complaint.correspondence_language,
        html_body=letter.body_html,
        attachment=Attachment(name=letter.pdf.name, filename=filename, content_type="application/pdf")
        if letter.pdf
        else None,
    )
