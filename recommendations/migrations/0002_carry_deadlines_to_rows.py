"""Carry each obligation's due date, its explanation and its overdue flag into the deadlines
ledger, one row per obligation that has a deadline. Plain ORM writes: SQLite and PostgreSQL alike.
"""

from django.db import migrations

BASIS = "No statute fixes this deadline; the report sets it"


def forwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Deadline = apps.get_model("deadlines", "Deadline")
    Obligation = apps.get_model("recommendations", "Obligation")
    obligation_type, _ = ContentType.objects.get_or_create(app_label="recommendations", model="obligation")
    complaint_type, _ = ContentType.objects.get_or_create(app_label="complaints", model="supercomplaint")
    rows = []
    for obligation in (
        Obligation.objects.exclude(due=None).select_related("recommendation__report").order_by("pk")
    ):
        due = obligation.due
        text = obligation.due_explanation or (
            f"Due: by the end of {due:%A} {due.day} {due:%B %Y}, the date the report sets."
        )
        rows.append(
            Deadline(
                subject_type=obligation_type,
                subject_id=obligation.pk,
                case_type=complaint_type,
                case_id=obligation.recommendation.report.complaint_id,
                rule="response",
                sequence=1,
                basis=BASIS,
                due=due,
                explanation={
                    "rule": "response",
                    "basis": BASIS,
                    "counted_from": None,
                    "period": None,
                    "start": None,
                    "skipped": [],
                    "result": due.isoformat(),
                    "note": obligation.due_explanation,
                },
                explanation_text=text,
                met_at=obligation.responded_at,
                flagged_overdue_on=obligation.overdue_flagged_on,
            )
        )
    Deadline.objects.bulk_create(rows)


def backwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Deadline = apps.get_model("deadlines", "Deadline")
    Obligation = apps.get_model("recommendations", "Obligation")
    obligation_type = ContentType.objects.filter(app_label="recommendations", model="obligation").first()
    rows = Deadline.objects.filter(subject_type=obligation_type, rule="response")
    for row in rows:
        Obligation.objects.filter(pk=row.subject_id).update(
            due=row.due,
            due_explanation=row.explanation.get("note", ""),
            overdue_flagged_on=row.flagged_overdue_on,
        )
    rows.delete()


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("recommendations", "0001_initial"),
        ("reports", "0001_initial"),
        ("deadlines", "0002_deadline_ledger"),
        ("complaints", "0006_carry_deadlines_to_rows"),
    ]

    operations = [migrations.RunPython(forwards, backwards)]
