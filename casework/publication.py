"""The report's sign-off and publication pages for the authorities' staff (SI 2018/748 reg 8(2)).

Each authority's staff sign off the draft for their own authority; the super-complaints team
publishes it now or at a set London date and time (an embargo), after a confirmation, and may
cancel a scheduled publication before its moment. Writes go through ``reports.publication``; who
may do what is ``access.rules``'s to say.
"""

from __future__ import annotations

import datetime
import re
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from access import rules
from casework.views import _authority, _complaint, staff_only
from common.date_fields import DateField
from common.forms import GovukForm
from deadlines.calendar import long_date
from deadlines.rules import clock_time
from reports import selectors
from reports.models import Report, ReportState
from reports.publication import (
    cancel_scheduled_publication,
    publish_report,
    sign_off_report,
    withdraw_sign_off,
)
from reports.services import ReportError

LONDON = ZoneInfo("Europe/London")

_TIME = re.compile(r"^(?P<hour>\d{1,2})(?:[:.](?P<minute>\d{2}))?\s*(?P<suffix>am|pm)?$")


def parse_time(text: str) -> datetime.time | None:
    """A time of day as people type it: 14:00, 2pm, 2:30pm, 9.30am, midday, midnight."""
    value = text.strip().lower().replace(" ", "")
    if value in ("midday", "noon", "12noon"):
        return datetime.time(12, 0)
    if value == "midnight":
        return datetime.time(0, 0)
    match = _TIME.match(value)
    if match is None:
        return None
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    suffix = match["suffix"]
    if suffix:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if suffix == "pm" else 0)
    elif match["minute"] is None:
        return None  # "14" alone is ambiguous: ask for 14:00 or 2pm
    if not (0 <= hour <= 23 and 0 <= minute <= 59):
        return None
    return datetime.time(hour, minute)


def written_moment(moment: datetime.datetime) -> str:
    local = moment.astimezone(LONDON)
    return _("%(time)s on %(day)s (London time)") % {
        "time": clock_time(local),
        "day": long_date(local.date()),
    }


class PublishForm(GovukForm):
    NOW, LATER = "now", "later"
    when = forms.ChoiceField(
        label=gettext_lazy("When should the report be published?"),
        choices=[
            (NOW, gettext_lazy("Now")),
            (LATER, gettext_lazy("At a set date and time (an embargo)")),
        ],
        error_messages={"required": gettext_lazy("Select when the report should be published")},
    )
    on = DateField(
        subject=gettext_lazy("the date of publication"),
        required=False,
        label=gettext_lazy("Date of publication"),
        help_text=gettext_lazy("For example, 27 9 2027. Nothing of the report is public before then."),
    )
    time = forms.CharField(
        label=gettext_lazy("Time of publication (London time)"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("For example, 9:30am or 14:00"),
    )

    def __init__(self, *args: Any, now: datetime.datetime, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.now = now

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("when") != self.LATER:
            data["embargo_until"] = None
            return data
        day = data.get("on")
        if day is None and "on" not in self.errors:
            self.add_error("on", _("Enter the date of publication"))
        text = (data.get("time") or "").strip()
        moment_time = parse_time(text) if text else None
        if not text:
            self.add_error("time", _("Enter the time of publication"))
        elif moment_time is None:
            self.add_error("time", _("Enter the time of publication as, for example, 9:30am or 14:00"))
        if day is None or moment_time is None:
            return data
        moment = datetime.datetime.combine(day, moment_time, tzinfo=LONDON)
        if moment <= self.now:
            self.add_error("on", _("The date and time of publication must be in the future"))
            return data
        data["embargo_until"] = moment
        return data


def _report(complaint: Any) -> Report:
    report = Report.objects.filter(complaint=complaint).first()
    if report is None or complaint.is_historical:
        raise Http404("No report written in this service.")
    return report


def _status_context(request: HttpRequest, complaint: Any, report: Report) -> dict[str, Any]:
    return {
        "complaint": complaint,
        "report": report,
        "sign_offs": selectors.sign_off_status(report),
        "missing": selectors.missing_sign_offs(report),
        "my_authority": _authority(request.user),
        "may_sign_off": rules.may_sign_off_report(request.user, report),
        "may_publish": rules.may_publish_report(request.user, report),
        "scheduled": report.state == ReportState.PUBLISHED and report.release_pending,
        "public_from": written_moment(report.public_from) if report.public_from else "",
        "notices": report.notices.select_related("organisation") if report.released_at else [],
    }


@require_http_methods(["GET", "POST"])
@staff_only
def sign_off(request: HttpRequest, reference: str) -> HttpResponse:
    """Each authority's sign-off of the draft report: sign off or withdraw, for one's own."""
    complaint = _complaint(request, reference)
    report = _report(complaint)
    if request.method == "POST":
        authority = _authority(request.user)
        if authority is None or not rules.may_sign_off_report(request.user, report):
            messages.error(request, _("You cannot sign off this report."))
            return redirect("casework:report_sign_off", reference=complaint.reference)
        try:
            if request.POST.get("action") == "withdraw":
                withdraw_sign_off(report, authority=authority, user=request.user)
                messages.success(
                    request, _("%(authority)s's sign-off is withdrawn.") % {"authority": authority.name}
                )
            else:
                sign_off_report(report, authority=authority, user=request.user)
                messages.success(
                    request, _("%(authority)s has signed off the report.") % {"authority": authority.name}
                )
        except ReportError as error:
            messages.error(request, str(error))
        return redirect("casework:report_sign_off", reference=complaint.reference)
    return render(request, "casework/report_sign_off.html", _status_context(request, complaint, report))


@require_http_methods(["GET", "POST"])
@staff_only
def publish(request: HttpRequest, reference: str) -> HttpResponse:
    """Publish the report now or at a set moment, after a confirmation; the team only."""
    complaint = _complaint(request, reference)
    report = _report(complaint)
    context = _status_context(request, complaint, report)
    now = timezone.now()
    form = PublishForm(request.POST or None, now=now)
    if request.method == "POST":
        if not context["may_publish"]:
            raise Http404("Not a page for this user.")
        if form.is_valid():
            embargo = form.cleaned_data["embargo_until"]
            if request.POST.get("confirmed") != "yes":
                return render(
                    request,
                    "casework/report_publish_confirm.html",
                    {
                        **context,
                        "form": form,
                        "embargo": written_moment(embargo) if embargo else "",
                    },
                )
            try:
                publish_report(report, by=request.user, at=now, embargo_until=embargo)
            except ReportError as error:
                form.add_error(None, str(error))
            else:
                if embargo:
                    messages.success(
                        request,
                        _("The report will be published at %(moment)s.")
                        % {"moment": written_moment(embargo)},
                    )
                else:
                    messages.success(request, _("The report is published."))
                return redirect("casework:report_publish", reference=complaint.reference)
    return render(request, "casework/report_publish.html", {**context, "form": form})


@require_POST
@staff_only
def cancel(request: HttpRequest, reference: str) -> HttpResponse:
    complaint = _complaint(request, reference)
    report = _report(complaint)
    if not rules.may_publish_report(request.user, report):
        raise Http404("Not a page for this user.")
    try:
        cancel_scheduled_publication(report, by=request.user)
    except ReportError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The scheduled publication is cancelled. The report is a draft again."))
    return redirect("casework:report_publish", reference=complaint.reference)
