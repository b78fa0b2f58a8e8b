"""Work done after a change commits, by the task worker."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django_tasks import task

from complaints.models import SuperComplaint

SUBJECTS = {
    "complaint_received": "Super-complaint {reference} received",
    "eligibility_decided": "Super-complaint {reference}: eligibility decision",
}


@task()
def send_complaint_email(kind: str, complaint_id: int) -> None:
    """E-mail the complaint's contact individual about a step in their complaint."""
    complaint = SuperComplaint.objects.get(pk=complaint_id)
    if not complaint.contact_email:
        return
    body = render_to_string(f"complaints/email/{kind}.txt", {"complaint": complaint})
    send_mail(
        SUBJECTS[kind].format(reference=complaint.reference),
        body,
        settings.DEFAULT_FROM_EMAIL,
        [complaint.contact_email],
    )
