"""The deadlines app's tables: staff corrections to the bank-holiday calendar, and the ledger of
every deadline (``Deadline``).

The holiday overrides:

Bank holidays come from the ``holidays`` package. When a day is proclaimed (or a proclaimed day is
cancelled) before the package knows, staff record it here. SI 2018/748 reg 2 defines a working day
by reference to bank holidays in England and Wales under the Banking and Financial Dealings Act 1971,
so a proclamation changes every deadline that runs over that day.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from deadlines.calendar import bank_holiday_name, statutory_non_working_reason


class HolidayOverride(models.Model):
    class Action(models.TextChoices):
        ADD = "add", _("Add a bank holiday")
        REMOVE = "remove", _("Remove a bank holiday")

    date = models.DateField(_("date"), unique=True)
    action = models.CharField(_("action"), max_length=6, choices=Action.choices)
    name = models.CharField(
        _("name"),
        max_length=200,
        help_text=_("For example: Bank holiday for the coronation of King Charles III."),
    )
    reason = models.TextField(_("reason"), help_text=_("The proclamation or announcement this rests on."))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("bank holiday override")
        verbose_name_plural = _("bank holiday overrides")
        constraints = [
            models.CheckConstraint(
                condition=Q(action__in=["add", "remove"]), name="deadlines_holidayoverride_action_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.date.isoformat()} {self.get_action_display()}: {self.name}"

    def clean(self) -> None:
        # Only bank holidays can be proclaimed or cancelled: weekends, Christmas Day and Good Friday
        # are named by SI 2018/748 reg 2 itself, so no override can make them working days.
        if not isinstance(self.date, datetime.date):
            return
        fixed = statutory_non_working_reason(self.date)
        known = bank_holiday_name(self.date)
        if self.action == self.Action.REMOVE:
            if fixed is not None:
                raise ValidationError(
                    {
                        "date": _(
                            "This day is never a working day (%(reason)s: SI 2018/748 reg 2), so it cannot be removed."
                        )
                        % {"reason": fixed}
                    }
                )
            if known is None:
                raise ValidationError(
                    {"date": _("This day is not a bank holiday, so there is nothing to remove.")}
                )
        elif self.action == self.Action.ADD and (fixed is not None or known is not None):
            raise ValidationError(
                {"date": _("This day is already not a working day: %(reason)s.") % {"reason": fixed or known}}
            )


class DeadlineRule(models.TextChoices):
    """The rules a deadline row can follow. Each has one function in ``deadlines.services`` that
    creates or recomputes its rows; a later kind (information requests) is one more member."""

    ACKNOWLEDGEMENT = "reg5", _("Acknowledgement")
    PROGRESS_REPORT = "reg7", _("Progress report")
    RESPONSE = "response", _("Response to a recommendation")
    INFORMATION_REQUEST = "reg9", _("Answer to an information request")
    ACCURACY_CHECK = "accuracy", _("Closing date of a factual-accuracy check")
    CALL_FOR_EVIDENCE = "call", _("Call for evidence closes")

    @classmethod
    def recomputable(cls) -> frozenset[DeadlineRule]:
        """Rules counted in working days, so a change to the holiday table can move them. A response
        deadline is a calendar date the report names, so it never moves with the calendar."""
        return frozenset({cls.ACKNOWLEDGEMENT, cls.PROGRESS_REPORT})


class DeadlineQuerySet(models.QuerySet["Deadline"]):
    def running(self) -> DeadlineQuerySet:
        """Deadlines still running: neither met nor stopped."""
        return self.filter(met_at__isnull=True, stopped_at__isnull=True)

    def of(self, obj: models.Model) -> DeadlineQuerySet:
        """Every deadline that belongs to ``obj`` or is shown under it (a complaint's own and those
        of its progress reports and obligations)."""
        content_type = ContentType.objects.get_for_model(obj)
        return self.filter(
            Q(subject_type=content_type, subject_id=obj.pk) | Q(case_type=content_type, case_id=obj.pk)
        )

    def running_for(self, obj: models.Model) -> DeadlineQuerySet:
        """The running deadlines of ``obj``, the soonest first."""
        return self.of(obj).running().order_by("due", "rule", "sequence", "pk")

    def overdue(self, on: datetime.date) -> DeadlineQuerySet:
        """Running deadlines whose due day ended before ``on`` (due "by the end of" the day)."""
        return self.running().filter(due__lt=on)

    def to_flag(self, on: datetime.date) -> DeadlineQuerySet:
        """Overdue on ``on`` and not yet flagged: what the sweep claims."""
        return self.overdue(on).filter(flagged_overdue_on__isnull=True)


class Deadline(models.Model):
    """One running (or finished) deadline: the ledger every clock of the service is kept in.

    It knows what it belongs to only through content types, so this app never imports the apps
    whose records have deadlines. ``subject`` is the record the deadline is for (a complaint's
    acknowledgement, one progress report, one obligation); ``case`` is the record it is shown and
    swept under (the complaint), so one query finds every clock of a complaint.

    The inputs the rule counted from are stored (``counted_from``, ``counted_from_moment``,
    ``sequence``), so the deadline can be recomputed from the row alone when the holiday table
    changes. A met or stopped deadline never moves.
    """

    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    case_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    case_id = models.PositiveBigIntegerField()
    case = GenericForeignKey("case_type", "case_id")

    rule = models.CharField(_("rule"), max_length=20, choices=DeadlineRule.choices)
    # The period number for reg 7 (progress report 2 is due at the end of period 2); 1 otherwise.
    sequence = models.PositiveSmallIntegerField(_("number"), default=1)
    basis = models.CharField(_("legal basis"), max_length=300)
    counted_from = models.DateField(_("counted from"), null=True, blank=True)
    counted_from_moment = models.DateTimeField(_("counted from (moment)"), null=True, blank=True)
    start = models.DateField(_("start"), null=True, blank=True)
    due = models.DateField(_("due by the end of"))
    # Structured: rule, basis, counted_from, start, each skipped day with its reason, result.
    explanation = models.JSONField(_("explanation"), default=dict, blank=True)
    explanation_text = models.TextField(_("explanation (text)"), blank=True)

    met_at = models.DateTimeField(_("met at"), null=True, blank=True)
    # A deadline that stopped running without being met: the complaint was withdrawn, the report
    # came before the next progress report, or it was met before this service kept records.
    stopped_at = models.DateTimeField(_("stopped at"), null=True, blank=True)
    stop_reason = models.CharField(_("why it stopped"), max_length=300, blank=True)
    flagged_overdue_on = models.DateField(_("flagged overdue on"), null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = DeadlineQuerySet.as_manager()

    class Meta:
        ordering = ["due", "pk"]
        verbose_name = _("deadline")
        verbose_name_plural = _("deadlines")
        constraints = [
            models.UniqueConstraint(
                fields=["subject_type", "subject_id", "rule"], name="deadlines_deadline_one_per_rule"
            ),
            models.CheckConstraint(
                condition=Q(rule__in=[r.value for r in DeadlineRule]), name="deadlines_deadline_rule_valid"
            ),
            models.CheckConstraint(condition=Q(sequence__gte=1), name="deadlines_deadline_sequence_positive"),
            models.CheckConstraint(
                condition=Q(met_at__isnull=True) | Q(stopped_at__isnull=True),
                name="deadlines_deadline_met_or_stopped",
            ),
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(start__lte=F("due")),
                name="deadlines_deadline_starts_before_due",
            ),
        ]
        indexes = [
            models.Index(fields=["case_type", "case_id"], name="deadlines_deadline_case"),
            # The sweep's claim: running, unflagged rows by due day.
            models.Index(
                fields=["due"],
                name="deadlines_deadline_to_flag",
                condition=Q(met_at__isnull=True, stopped_at__isnull=True, flagged_overdue_on__isnull=True),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.label}: {self.due.isoformat()}"

    @property
    def is_running(self) -> bool:
        return self.met_at is None and self.stopped_at is None

    @property
    def label(self) -> str:
        """ "Acknowledgement", "Progress report 2", "Response to a recommendation"."""
        if self.rule == DeadlineRule.PROGRESS_REPORT:
            return gettext("Progress report %(number)d") % {"number": self.sequence}
        return str(DeadlineRule(self.rule).label)

    @property
    def basis_label(self) -> str:
        """The legal basis as pages show it."""
        if self.rule == DeadlineRule.ACKNOWLEDGEMENT:
            return gettext("SI 2018/748 regulation 5")
        if self.rule == DeadlineRule.PROGRESS_REPORT:
            return gettext("SI 2018/748 regulation 7")
        return self.basis

    @property
    def explanation_lines(self) -> list[str]:
        return self.explanation_text.splitlines()


class CalendarFeedQuerySet(models.QuerySet["CalendarFeed"]):
    def live(self) -> CalendarFeedQuerySet:
        return self.filter(revoked_at__isnull=True)


class CalendarFeed(models.Model):
    """An organisation's private calendar of its running deadlines (``/calendar/<token>.ics``).

    The address's token is the only credential a calendar application can carry, so only its
    SHA-256 is kept: a copy of the database gives nobody the address. The token is shown once, when
    the feed is made; a new feed revokes the one before (one live feed per organisation).
    """

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="calendar_feeds"
    )
    token_hash = models.CharField(_("token (SHA-256)"), max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last read at"), null=True, blank=True)

    objects = CalendarFeedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(revoked_at__isnull=True),
                name="deadlines_calendarfeed_one_live_per_organisation",
            ),
        ]

    def __str__(self) -> str:
        # Never the token, nor its hash: this is what the audit trail shows.
        return f"Calendar feed {self.pk} of {self.organisation}"

    @property
    def is_live(self) -> bool:
        return self.revoked_at is None
