"""The messages the release of a report causes, written to the outbox inside ``release_report``'s
transaction, each with a dedupe key naming the report (and the organisation), so a second run
sends nothing twice.

- The body (SI 2018/748 reg 8(2)(a)), at its contact address, in the language it wrote in, with
  the report's addresses on the register (HTML and PDF) and in its portal. The report's PDF is
  rendered from the register's page, so the e-mail links to it rather than carrying a copy that
  could differ from it.
- Each addressee organisation: its users who respond to or sign off recommendations (roles
  RESPONDER and SIGNATORY), one message per organisation naming each recommendation addressed to
  it and its deadline. The register holds no shared mailbox for organisations, so one with no such
  user is recorded as having nobody to tell (``PublicationNotice`` with no recipients), which the
  casework page shows.
- The team, at its shared mailbox, with who could not be told.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from accounts.models import Role
from accounts.selectors import member_addresses
from common.site import absolute_url
from deadlines.calendar import long_date
from organisations.models import Organisation
from outbox.services import enqueue_message
from recommendations.models import Obligation
from reports.models import PublicationNotice, Report

EMAIL_TEMPLATES = "reports/email"
ADDRESSEE_ROLES = (Role.RESPONDER, Role.SIGNATORY)


@dataclass(frozen=True)
class Sent:
    told: int
    without_recipient: list[str]


def addressee_addresses(organisation: Organisation) -> list[str]:
    """Who at an addressee organisation hears about a recommendation: its active responders and
    signatories."""
    return member_addresses(organisation, ADDRESSEE_ROLES)


def report_links(report: Report, language: str) -> dict[str, str]:
    reference = report.complaint.reference or ""
    with translation.override(language):
        return {
            "report_url": absolute_url(reverse("public:report", args=[reference])),
            "pdf_url": absolute_url(reverse("public:report_pdf", args=[reference])),
            "portal_url": absolute_url(reverse("portal:complaint", args=[reference])),
        }


def _to_body(report: Report) -> None:
    complaint = report.complaint
    language = complaint.correspondence_language
    links = report_links(report, language)
    with translation.override(language):
        subject = _("Super-complaint %(reference)s: the report is published") % {
            "reference": complaint.reference
        }
    enqueue_message(
        language=language,
        to=[complaint.contact_email],
        subject=subject,
        template=f"{EMAIL_TEMPLATES}/report_to_body.txt",
        context={
            "reference": complaint.reference or "",
            "title": report.title,
            "contact_name": complaint.contact_name,
            **links,
        },
        dedupe_key=f"report:{report.pk}:body",
        about=complaint,
    )


def _to_addressees(report: Report) -> Sent:
    by_organisation: dict[int, list[Obligation]] = defaultdict(list)
    organisations: dict[int, Organisation] = {}
    obligations = (
        Obligation.objects.filter(recommendation__report=report)
        .select_related("recommendation", "organisation")
        .prefetch_related("deadlines")
        .order_by("organisation__name", "recommendation__position")
    )
    for obligation in obligations:
        by_organisation[obligation.organisation_id].append(obligation)
        organisations[obligation.organisation_id] = obligation.organisation
    links = report_links(report, settings.LANGUAGE_CODE)
    told = 0
    without: list[str] = []
    for org_id, owed in by_organisation.items():
        organisation = organisations[org_id]
        recipients = addressee_addresses(organisation)
        message = None
        if recipients:
            with translation.override(settings.LANGUAGE_CODE):
                subject = _("Recommendations addressed to %(organisation)s: %(title)s") % {
                    "organisation": organisation.name,
                    "title": report.title,
                }
                items = [
                    {
                        "reference": o.recommendation.reference,
                        "label": o.recommendation.label,
                        "text": o.recommendation.text,
                        "due": long_date(o.due) if o.due else "",
                    }
                    for o in owed
                ]
            message = enqueue_message(
                to=recipients,
                subject=subject,
                template=f"{EMAIL_TEMPLATES}/report_to_addressee.txt",
                context={
                    "organisation": organisation.name,
                    "reference": report.complaint.reference or "",
                    "title": report.title,
                    "recommendations": items,
                    "report_url": links["report_url"],
                },
                dedupe_key=f"report:{report.pk}:addressee:{org_id}",
                about=report,
                language=settings.LANGUAGE_CODE,
            )
            told += 1
        else:
            without.append(organisation.name)
        PublicationNotice.objects.get_or_create(
            report=report, organisation=organisation, defaults={"recipients": recipients, "message": message}
        )
    return Sent(told=told, without_recipient=sorted(without))


def _to_team(report: Report, sent: Sent) -> None:
    complaint = report.complaint
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("Super-complaint %(reference)s: the report is published") % {
            "reference": complaint.reference
        }
        context: dict[str, Any] = {
            "reference": complaint.reference or "",
            "title": report.title,
            "told": sent.told,
            "without_recipient": sent.without_recipient,
            "url": absolute_url(reverse("casework:report_publish", args=[complaint.reference])),
            "report_url": report_links(report, settings.LANGUAGE_CODE)["report_url"],
        }
    enqueue_message(
        to=[settings.CASEWORK_TEAM_EMAIL],
        subject=subject,
        template=f"{EMAIL_TEMPLATES}/team_report_released.txt",
        context=context,
        dedupe_key=f"report:{report.pk}:team",
        about=complaint,
        language=settings.LANGUAGE_CODE,
    )


def report_released(report: Report) -> Sent:
    """Write every message of a report's release to the outbox (see the module's docstring)."""
    _to_body(report)
    sent = _to_addressees(report)
    _to_team(report, sent)
    return sent
