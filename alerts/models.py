"""E-mail alerts for the public: a subscription to a published super-complaint or to a police force.

No account: an address subscribes, confirms from the e-mail it is sent (double opt-in), and can
unsubscribe from every alert in one click. The address is personal data: it is kept here and in
the outbox rows of the e-mails sent to it, never in the audit trail (which records the
subscription's number).
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class AlertLanguage(models.TextChoices):
    ENGLISH = "en", "English"
    WELSH = "cy", "Cymraeg"


class SubscriptionQuerySet(models.QuerySet["Subscription"]):
    def active(self) -> SubscriptionQuerySet:
        """Confirmed and not unsubscribed: the subscriptions alerts are sent to."""
        return self.filter(confirmed_at__isnull=False, unsubscribed_at__isnull=True)


class Subscription(models.Model):
    """One address following one thing: a published complaint or a force (exactly one of them)."""

    email = models.EmailField(_("email address"), max_length=254)
    complaint = models.ForeignKey(
        "complaints.SuperComplaint", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    language = models.CharField(_("language"), max_length=2, choices=AlertLanguage.choices, default="en")
    # SHA-256 of the token in the confirmation link; replaced each time a confirmation is sent.
    confirm_token_hash = models.CharField(_("confirmation token (SHA-256)"), max_length=64, blank=True)
    confirmation_sent_at = models.DateTimeField(_("confirmation sent at"), null=True, blank=True)
    # SHA-256 of the token in every alert's unsubscribe link (alerts.services.unsubscribe_token).
    unsubscribe_token_hash = models.CharField(_("unsubscribe token (SHA-256)"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("created at"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    unsubscribed_at = models.DateTimeField(_("unsubscribed at"), null=True, blank=True)
    last_alerted_at = models.DateTimeField(_("last alert checked at"), null=True, blank=True)

    objects = SubscriptionQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]
        verbose_name = _("e-mail alert subscription")
        verbose_name_plural = _("e-mail alert subscriptions")
        constraints = [
            models.CheckConstraint(
                condition=Q(complaint__isnull=False, organisation__isnull=True)
                | Q(complaint__isnull=True, organisation__isnull=False),
                name="alerts_subscription_one_target",
            ),
            models.UniqueConstraint(
                fields=["email", "complaint"],
                condition=Q(complaint__isnull=False),
                name="alerts_subscription_one_per_complaint",
            ),
            models.UniqueConstraint(
                fields=["email", "organisation"],
                condition=Q(organisation__isnull=False),
                name="alerts_subscription_one_per_organisation",
            ),
            models.CheckConstraint(
                condition=Q(language__in=["en", "cy"]), name="alerts_subscription_language"
            ),
        ]
        indexes = [
            models.Index(fields=["confirm_token_hash"], name="alerts_subscription_confirm"),
            models.Index(fields=["unsubscribe_token_hash"], name="alerts_subscription_unsub"),
        ]

    def __str__(self) -> str:
        # Never the address: this is what the audit trail shows.
        target = (
            f"super-complaint {self.complaint_id}"
            if self.complaint_id
            else f"organisation {self.organisation_id}"
        )
        return f"Alert subscription {self.pk} to {target}"

    @property
    def is_active(self) -> bool:
        return self.confirmed_at is not None and self.unsubscribed_at is None
