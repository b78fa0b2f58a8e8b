"""Subscribing to e-mail alerts, confirming, unsubscribing, and sending the alerts.

Double opt-in: ``subscribe`` only writes a confirmation e-mail; nothing is alerted until the
address's owner confirms from it. What a person is told never depends on whether the address
already subscribed, so the form cannot be used to find out who follows what.

Tokens: the confirmation link's token is random, sent once, and only its SHA-256 is kept. The
unsubscribe link must be in every alert, sent long after, so its token is derived (an HMAC of the
subscription with the secret key) rather than stored, and the table keeps only its SHA-256, by
which the link is looked up (docs/decisions/0031-calendars-and-alerts.md).

``send_alerts(now)`` is the periodic step (``manage.py send_alerts``, beside the deadline sweep):
each confirmed subscription gets one e-mail per event that became public after it was confirmed,
read only through published-only selectors; the outbox's dedupe key ``alert:<pk>:<event>`` makes
each e-mail once, however often the step runs.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from alerts.models import AlertLanguage, Subscription
from audit.services import record_event
from common.site import absolute_url
from complaints.models import SuperComplaint
from organisations.models import Organisation, OrganisationKind
from outbox.services import enqueue_message
from recommendations.models import Recommendation, Response
from reports.models import Report

EMAIL_TEMPLATES = "alerts/email"
# How long a confirmation link works.
CONFIRM_MAX_AGE = datetime.timedelta(days=7)
# A confirmation is sent again at most this often to one subscription, so the form cannot be used
# to flood someone's inbox.
RESEND_INTERVAL = datetime.timedelta(minutes=15)
UNSUBSCRIBE_SALT = "alerts.unsubscribe"


class AlertError(Exception):
    """A change to a subscription that is not allowed, in words for the person."""


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def normalise_email(email: str) -> str:
    # Lower case throughout: mail systems treat the local part without regard to case in practice,
    # and one person typing "Pat@" then "pat@" must not get two subscriptions.
    return email.strip().lower()


def _language(language: str | None) -> str:
    return AlertLanguage.WELSH if (language or "").startswith("cy") else AlertLanguage.ENGLISH


def _secrets() -> list[str]:
    return [settings.SECRET_KEY, *getattr(settings, "SECRET_KEY_FALLBACKS", [])]


def _derived_token(subscription: Subscription, secret: str) -> str:
    value = f"{subscription.pk}:{subscription.created_at.isoformat()}"
    return salted_hmac(UNSUBSCRIBE_SALT, value, secret=secret, algorithm="sha256").hexdigest()


def unsubscribe_token(subscription: Subscription) -> str:
    """The token of the subscription's unsubscribe link: the one whose hash is stored, made with
    the current secret key or a fallback (so links keep working while keys rotate)."""
    for secret in _secrets():
        token = _derived_token(subscription, secret)
        if constant_time_compare(hash_token(token), subscription.unsubscribe_token_hash):
            return token
    return _derived_token(subscription, settings.SECRET_KEY)


def target_of(subscription: Subscription) -> SuperComplaint | Organisation:
    target = subscription.complaint or subscription.organisation
    assert target is not None  # constraint alerts_subscription_one_target
    return target


def _target_record(subscription: Subscription) -> dict[str, Any]:
    if subscription.complaint_id:
        return {"complaint": subscription.complaint_id}
    return {"organisation": subscription.organisation_id}


def _in(language: str, view: str, *args: Any) -> str:
    with translation.override(language):
        return absolute_url(reverse(view, args=args))


def _target_name(subscription: Subscription) -> str:
    """How the e-mails name what is followed, in the subscription's language (active)."""
    if subscription.complaint is not None:
        complaint = subscription.complaint
        title = complaint.title
        if subscription.language == AlertLanguage.WELSH and complaint.title_cy:
            title = complaint.title_cy
        return _("super-complaint %(reference)s, “%(title)s”") % {
            "reference": complaint.reference,
            "title": title,
        }
    organisation = subscription.organisation
    assert organisation is not None
    if subscription.language == AlertLanguage.WELSH and organisation.name_cy:
        return organisation.name_cy
    return organisation.name


def subscribe(
    *,
    email: str,
    complaint: SuperComplaint | None = None,
    organisation: Organisation | None = None,
    language: str | None = None,
    at: datetime.datetime | None = None,
) -> Subscription:
    """Ask for alerts about a published complaint or a force, for ``email``.

    Refused for anything else (``AlertError``). An address that already asked (confirmed,
    unconfirmed or unsubscribed) keeps its one subscription and is sent the confirmation again,
    at most once each ``RESEND_INTERVAL``; the caller tells every person the same thing.

    Side effects: creates the ``Subscription`` (or renews its confirmation token and language);
    writes the confirmation e-mail to the outbox; records ``alert_subscription.requested`` (the
    subscription's number and target, never the address).
    """
    at = at or timezone.now()
    if (complaint is None) == (organisation is None):
        raise AlertError(_("Choose one super-complaint or one police force to get alerts about."))
    if complaint is not None and not SuperComplaint.objects.published(at).filter(pk=complaint.pk).exists():
        raise AlertError(_("There are no alerts for this super-complaint."))
    if organisation is not None and organisation.kind != OrganisationKind.FORCE:
        raise AlertError(_("Alerts are only for police forces."))
    address = normalise_email(email)
    chosen = _language(language or translation.get_language())
    with transaction.atomic():
        subscription, created = Subscription.objects.get_or_create(
            email=address,
            complaint=complaint,
            organisation=organisation,
            defaults={"created_at": at, "language": chosen},
        )
        subscription = (
            Subscription.objects.select_for_update(of=("self",))
            .select_related("complaint", "organisation")
            .get(pk=subscription.pk)
        )
        sent = subscription.confirmation_sent_at
        if not created and sent is not None and at - sent < RESEND_INTERVAL:
            return subscription
        token = secrets.token_urlsafe(32)
        subscription.confirm_token_hash = hash_token(token)
        subscription.confirmation_sent_at = at
        subscription.language = chosen
        subscription.save(update_fields=["confirm_token_hash", "confirmation_sent_at", "language"])
        with translation.override(chosen):
            name = _target_name(subscription)
            enqueue_message(
                to=[address],
                subject=_("Confirm your email alerts about %(name)s") % {"name": name},
                template=f"{EMAIL_TEMPLATES}/confirm.txt",
                context={"name": name, "url": _in(chosen, "public:alerts_confirm", token)},
                dedupe_key=f"alerts:confirm:{subscription.pk}:{subscription.confirm_token_hash[:16]}",
                about=subscription,
                language=chosen,
            )
        record_event(
            action="alert_subscription.requested",
            obj=subscription,
            after={**_target_record(subscription), "language": chosen, "first": created},
        )
    return subscription


def subscription_for_confirm_token(token: str, *, at: datetime.datetime | None = None) -> Subscription | None:
    """The subscription a confirmation link is for, while the link works; None otherwise."""
    at = at or timezone.now()
    if not token:
        return None
    subscription = (
        Subscription.objects.select_related("complaint", "organisation")
        .filter(confirm_token_hash=hash_token(token))
        .first()
    )
    if subscription is None or subscription.confirmation_sent_at is None:
        return None
    if at - subscription.confirmation_sent_at > CONFIRM_MAX_AGE:
        return None
    return subscription


def confirm_subscription(token: str, *, at: datetime.datetime | None = None) -> Subscription:
    """Confirm the subscription whose confirmation link this is: alerts start from ``at``.

    Refused (``AlertError``) for a link that is unknown, used or older than ``CONFIRM_MAX_AGE``.
    Side effects: sets ``confirmed_at`` (and clears ``unsubscribed_at``, for an address that
    subscribes again), the unsubscribe token's hash, and uses up the link; records
    ``alert_subscription.confirmed``.
    """
    at = at or timezone.now()
    found = subscription_for_confirm_token(token, at=at)
    if found is None:
        raise AlertError(
            _(
                "This confirmation link has expired or has already been used. Ask for alerts again to get a new one."
            )
        )
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().get(pk=found.pk)
        if subscription.confirm_token_hash != hash_token(token):
            raise AlertError(_("This confirmation link has already been used."))
        before = {"confirmed_at": subscription.confirmed_at, "unsubscribed_at": subscription.unsubscribed_at}
        subscription.confirmed_at = at
        subscription.unsubscribed_at = None
        subscription.confirm_token_hash = ""
        subscription.last_alerted_at = at
        subscription.unsubscribe_token_hash = hash_token(_derived_token(subscription, settings.SECRET_KEY))
        subscription.save(
            update_fields=[
                "confirmed_at",
                "unsubscribed_at",
                "confirm_token_hash",
                "last_alerted_at",
                "unsubscribe_token_hash",
            ]
        )
        record_event(
            action="alert_subscription.confirmed",
            obj=subscription,
            before=before,
            after={**_target_record(subscription), "confirmed_at": at},
        )
    return subscription


def subscription_for_unsubscribe_token(token: str) -> Subscription | None:
    if not token:
        return None
    return (
        Subscription.objects.select_related("complaint", "organisation")
        .filter(unsubscribe_token_hash=hash_token(token))
        .first()
    )


def unsubscribe(token: str, *, at: datetime.datetime | None = None) -> Subscription:
    """Stop the alerts of the subscription whose unsubscribe link this is (one click, RFC 8058).

    Refused (``AlertError``) for an unknown link. An unsubscribed subscription is left as it is.
    Side effects: sets ``unsubscribed_at``, voids any confirmation link; records
    ``alert_subscription.unsubscribed``.
    """
    at = at or timezone.now()
    found = subscription_for_unsubscribe_token(token)
    if found is None:
        raise AlertError(_("This unsubscribe link is not right. Check it is the whole link from the email."))
    with transaction.atomic():
        subscription = Subscription.objects.select_for_update().get(pk=found.pk)
        if subscription.unsubscribed_at is not None:
            return subscription
        subscription.unsubscribed_at = at
        subscription.confirm_token_hash = ""
        subscription.save(update_fields=["unsubscribed_at", "confirm_token_hash"])
        record_event(
            action="alert_subscription.unsubscribed",
            obj=subscription,
            before={"unsubscribed_at": None},
            after={**_target_record(subscription), "unsubscribed_at": at},
        )
    return subscription


# --- The alerts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class AlertEvent:
    """One published event a subscription is told about. ``key`` is stable: it makes the dedupe key."""

    key: str
    moment: datetime.datetime
    subject: str
    summary: str
    url: str


def _localised(obj: Any, field: str, language: str) -> str:
    english = str(getattr(obj, field, "") or "")
    if language == AlertLanguage.WELSH:
        return str(getattr(obj, f"{field}_cy", "") or "") or english
    return english


def _report_events(reports: Iterable[Report], language: str) -> list[AlertEvent]:
    events = []
    for report in reports:
        moment = max(filter(None, [report.published_at, report.embargo_until]), default=None)
        if moment is None:
            continue  # a report of the public record, published before this service: never "new"
        reference = report.complaint.reference or ""
        title = _localised(report, "title", language)
        events.append(
            AlertEvent(
                key=f"report-{report.pk}",
                moment=moment,
                subject=_("Report published: %(title)s") % {"title": title},
                summary=_("The report on super-complaint %(reference)s, “%(title)s”, has been published.")
                % {"reference": reference, "title": title},
                url=_in(language, "public:report", reference),
            )
        )
    return events


def _response_events(responses: Iterable[Response], language: str) -> list[AlertEvent]:
    events = []
    for response in responses:
        moment = response.published_at or response.submitted_at
        if moment is None:
            continue
        obligation = response.obligation
        recommendation = obligation.recommendation
        reference = recommendation.report.complaint.reference or ""
        organisation = _localised(obligation.organisation, "name", language)
        events.append(
            AlertEvent(
                key=f"response-{response.pk}",
                moment=moment,
                subject=_("Response published: %(organisation)s on %(recommendation)s")
                % {"organisation": organisation, "recommendation": recommendation.reference},
                summary=_("%(organisation)s has published its response to %(recommendation)s: %(status)s.")
                % {
                    "organisation": organisation,
                    "recommendation": recommendation.reference,
                    "status": response.get_status_display(),
                },
                url=_in(language, "public:complaint", reference) + f"#{recommendation.reference}",
            )
        )
    return events


def events_for(subscription: Subscription, *, now: datetime.datetime) -> list[AlertEvent]:
    """What became public about the subscription's target after it was confirmed, oldest first.

    Only published-only selectors: reports past their embargo on published complaints, and
    published responses (which are to published recommendations). A complaint's: its report and
    the responses to its recommendations. A force's: reports with a recommendation addressed to it,
    and the responses it published.
    """
    since = subscription.confirmed_at
    if since is None:
        return []
    complaints = SuperComplaint.objects.published(now)
    reports = Report.objects.published(now).filter(complaint__in=complaints).select_related("complaint")
    responses = Response.objects.published().select_related(
        "obligation__organisation", "obligation__recommendation__report__complaint"
    )
    if subscription.complaint_id:
        reports = reports.filter(complaint_id=subscription.complaint_id)
        responses = responses.filter(
            obligation__recommendation__report__complaint_id=subscription.complaint_id
        )
    else:
        organisation_id = subscription.organisation_id
        assert organisation_id is not None  # constraint alerts_subscription_one_target
        addressed = Recommendation.objects.published().filter(obligations__organisation_id=organisation_id)
        reports = reports.filter(pk__in=addressed.values("report_id"))
        responses = responses.filter(obligation__organisation_id=organisation_id)
    language = subscription.language
    with translation.override(language):
        events = _report_events(reports, language) + _response_events(responses, language)
    return sorted((e for e in events if since < e.moment <= now), key=lambda e: (e.moment, e.key))


def _send(subscription: Subscription, event: AlertEvent) -> None:
    language = subscription.language
    unsubscribe_url = _in(language, "public:alerts_unsubscribe", unsubscribe_token(subscription))
    with translation.override(language):
        name = _target_name(subscription)
        enqueue_message(
            to=[subscription.email],
            subject=event.subject,
            template=f"{EMAIL_TEMPLATES}/alert.txt",
            context={
                "name": name,
                "summary": event.summary,
                "url": event.url,
                "unsubscribe_url": unsubscribe_url,
            },
            dedupe_key=f"alert:{subscription.pk}:{event.key}",
            about=subscription,
            language=language,
            # RFC 2369 and RFC 8058: the mail client's own "Unsubscribe" button, one POST.
            headers={
                "List-Unsubscribe": f"<{unsubscribe_url}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )


def send_alerts(now: datetime.datetime | None = None) -> int:
    """Write to the outbox each alert owed: one e-mail per active subscription and event that
    became public since the subscription was confirmed. Safe to run twice, or twice at once: the
    dedupe key writes each (subscription, event) once, and each subscription is claimed with
    ``SKIP LOCKED`` in its own transaction. Returns how many e-mails were newly written.

    Side effects: ``Message`` rows (sent after commit); ``last_alerted_at`` on each subscription.
    No audit event: an alert changes nothing the trail records, and the outbox keeps the e-mail.
    """
    from outbox.models import Message

    now = now or timezone.now()
    written = 0
    for pk in list(Subscription.objects.active().values_list("pk", flat=True).order_by("pk")):
        with transaction.atomic():
            subscription = (
                Subscription.objects.active()
                .select_for_update(skip_locked=True, of=("self",))
                .filter(pk=pk)
                .select_related("complaint", "organisation")
                .first()
            )
            if subscription is None:
                continue
            events = events_for(subscription, now=now)
            keys = [f"alert:{subscription.pk}:{event.key}" for event in events]
            already = set(Message.objects.filter(dedupe_key__in=keys).values_list("dedupe_key", flat=True))
            for event, key in zip(events, keys, strict=True):
                if key not in already:
                    _send(subscription, event)
                    written += 1
            subscription.last_alerted_at = now
            subscription.save(update_fields=["last_alerted_at"])
    return written
