"""Carry the complaint's due-date columns into the deadlines ledger, one row per deadline.

Every stored value is kept as it was: the due day, the period start, the overdue flag, and (for
progress reports) the explanation. Where the rule, recomputed with the holiday table as it stands,
gives the same due day, its structured explanation is stored; otherwise the row says the date was
carried across as recorded. Plain ORM writes, so it runs the same on SQLite and PostgreSQL.
"""

from django.db import migrations
from django.utils import timezone, translation

RUNNING_INVESTIGATION = ("eligible", "investigating")


def _carried(rule, basis, start, due):
    return (
        {
            "rule": rule,
            "basis": basis,
            "counted_from": None,
            "period": None,
            "start": start.isoformat() if start else None,
            "skipped": [],
            "result": due.isoformat(),
            "carried": True,
        },
        f"Due: by the end of {due:%A} {due.day} {due:%B %Y}, as recorded before deadlines were kept as rows.",
    )


def _structured(computed):
    return {
        "rule": computed.rule,
        "basis": computed.basis,
        "counted_from": computed.received.isoformat() if computed.received else None,
        "period": computed.period,
        "start": computed.start.isoformat(),
        "skipped": [{"date": s.day.isoformat(), "reason": str(s.reason)} for s in computed.skipped],
        "result": computed.due.isoformat(),
    }


def forwards(apps, schema_editor):
    from deadlines.calendar import WorkingCalendar
    from deadlines.rules import acknowledgement_due, progress_report_periods

    ContentType = apps.get_model("contenttypes", "ContentType")
    Deadline = apps.get_model("deadlines", "Deadline")
    HolidayOverride = apps.get_model("deadlines", "HolidayOverride")
    SuperComplaint = apps.get_model("complaints", "SuperComplaint")
    ProgressReport = apps.get_model("complaints", "ProgressReport")
    complaint_type, _ = ContentType.objects.get_or_create(app_label="complaints", model="supercomplaint")
    report_type, _ = ContentType.objects.get_or_create(app_label="complaints", model="progressreport")
    calendar = WorkingCalendar(HolidayOverride.objects.values_list("date", "action", "name", "reason"))
    now = timezone.now()
    rows = []
    with translation.override("en-gb"):
        for complaint in SuperComplaint.objects.exclude(acknowledgement_due=None).order_by("pk"):
            received = complaint.received_at or (
                complaint.received_on.as_date if complaint.received_on else None
            )
            computed = acknowledgement_due(received, calendar=calendar) if received else None
            if computed is not None and computed.due == complaint.acknowledgement_due:
                start, explanation, text = computed.start, _structured(computed), computed.explanation
            else:
                start = None
                explanation, text = _carried("reg5", "SI 2018/748 reg 5", None, complaint.acknowledgement_due)
            met_at = stopped_at = None
            stop_reason = ""
            if complaint.state != "received":
                if complaint.acknowledged_at is not None:
                    met_at = complaint.acknowledged_at
                elif complaint.state == "withdrawn":
                    stopped_at = complaint.withdrawn_at or now
                    stop_reason = "The complaint was withdrawn before it was acknowledged."
                else:
                    stopped_at = now
                    stop_reason = "Acknowledged before this service kept records."
            rows.append(
                Deadline(
                    subject_type=complaint_type,
                    subject_id=complaint.pk,
                    case_type=complaint_type,
                    case_id=complaint.pk,
                    rule="reg5",
                    sequence=1,
                    basis=computed.basis if computed else "SI 2018/748 reg 5",
                    counted_from=computed.received if computed else None,
                    counted_from_moment=complaint.received_at,
                    start=start,
                    due=complaint.acknowledgement_due,
                    explanation=explanation,
                    explanation_text=text,
                    met_at=met_at,
                    stopped_at=stopped_at,
                    stop_reason=stop_reason,
                    flagged_overdue_on=complaint.acknowledgement_overdue_flagged_on,
                )
            )
        for report in ProgressReport.objects.select_related("complaint").order_by("pk"):
            complaint = report.complaint
            told = complaint.told_investigation_on
            computed = progress_report_periods(told, report.period, calendar=calendar)[-1] if told else None
            if computed is not None and (computed.due, computed.start) == (report.due, report.period_start):
                explanation = _structured(computed)
            else:
                explanation, _text = _carried("reg7", "SI 2018/748 reg 7", report.period_start, report.due)
                explanation["period"] = report.period
            stopped_at = None
            stop_reason = ""
            if report.sent_at is None and complaint.state not in RUNNING_INVESTIGATION:
                stopped_at = complaint.withdrawn_at or now
                stop_reason = "The investigation ended before this progress report was sent."
            rows.append(
                Deadline(
                    subject_type=report_type,
                    subject_id=report.pk,
                    case_type=complaint_type,
                    case_id=complaint.pk,
                    rule="reg7",
                    sequence=report.period,
                    basis="SI 2018/748 reg 7",
                    counted_from=told,
                    start=report.period_start,
                    due=report.due,
                    explanation=explanation,
                    explanation_text=report.explanation or _carried("reg7", "", None, report.due)[1],
                    met_at=report.sent_at,
                    stopped_at=stopped_at,
                    stop_reason=stop_reason,
                    flagged_overdue_on=report.overdue_flagged_on,
                )
            )
    Deadline.objects.bulk_create(rows)


def backwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Deadline = apps.get_model("deadlines", "Deadline")
    SuperComplaint = apps.get_model("complaints", "SuperComplaint")
    ProgressReport = apps.get_model("complaints", "ProgressReport")
    complaint_type = ContentType.objects.filter(app_label="complaints", model="supercomplaint").first()
    report_type = ContentType.objects.filter(app_label="complaints", model="progressreport").first()
    for row in Deadline.objects.filter(subject_type=complaint_type, rule="reg5"):
        SuperComplaint.objects.filter(pk=row.subject_id).update(
            acknowledgement_due=row.due, acknowledgement_overdue_flagged_on=row.flagged_overdue_on
        )
    for row in Deadline.objects.filter(subject_type=report_type, rule="reg7"):
        ProgressReport.objects.filter(pk=row.subject_id).update(
            period_start=row.start or row.due,
            due=row.due,
            explanation=row.explanation_text,
            overdue_flagged_on=row.flagged_overdue_on,
        )
    Deadline.objects.filter(subject_type__in=[t for t in (complaint_type, report_type) if t]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("complaints", "0005_publication_url_and_made_with"),
        ("deadlines", "0002_deadline_ledger"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
