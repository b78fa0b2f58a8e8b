"""What purges the public page cache, and how much of it: THE ONE PLACE where a model is declared public.

``PUBLIC`` below maps each model the public pages or the API show (directly, or through a
published-only selector) to a *resolver*: given an instance, it answers which cached scopes show
that instance **now** (an empty set when the instance is not public, a draft report for one).
``pagecache.apps`` connects the receivers here to exactly these models; a model that is not listed
purges nothing, so a new model is private until it is added here.

Scopes (``pagecache.cache``):

- ``SITE``: every public page and API answer (an organisation renamed, a designation, an addressee
  group, the holiday table, a complaint's own row, which other complaints' pages may name).
- ``complaint_scopes(reference)``: that complaint's own pages and API answer, its report's page
  and PDF, and ``REGISTER``, the pages that list complaints (home, register, search, feeds,
  organisation pages, API lists). An addressee's response, its actions and progress, its
  withholdings, its obligation and deadlines are not in the report (``of_complaint(...,
  report=False)``): they leave the report's page and PDF stored.

When a listed model is saved, the scopes it is shown in before the save and after it are both
purged (a response withdrawn from publication leaves its pages as surely as one published enters
them); when it is deleted, the scopes it was shown in. Changes to the many-to-many links in
``PUBLIC_LINKS`` purge the scopes of the instance they hang from. An audit ``change`` event about a
listed model purges that object's scopes too: services record every change in the transaction of
the change, which catches bulk writes that send no save signals. Every purge runs after the
transaction commits (``pagecache.cache.purge_scopes_on_commit``).

Two refinements, next to ``PUBLIC``: ``PRIVATE_FIELDS`` lists a public model's fields whose saves
purge nothing (a complaint's ``version``, bumped by every staff action), and ``AUDIT_EVENTS_IGNORED``
the models whose audit events purge nothing (a complaint: staff notes are recorded against it).

Hard and soft purges (``pagecache.cache``, "Publications do not make visitors wait"): every purge
is hard, so nothing taken out of public view is served again, except two declared kinds of change
that only add to what the pages show. ``SOFT_ENTRIES``: a row of one of these models entering public
view (a response published). ``SOFT_FIELDS``: a save of a public row that writes only these fields
(an answer meeting its deadline). A model that can take something away when it enters public view
(a withholding, an exclusion) is never listed: its purges stay hard.

To make a new model public: add ``"app.Model": resolver`` to ``PUBLIC`` (usually
``of_complaint("path.to.complaint", public=lambda obj: ...)``), and a test in
tests/pagecache/test_purges.py that its public change purges and its private change does not.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.apps import apps
from django.db import models

from pagecache.cache import (
    REGISTER,
    SITE,
    Scopes,
    complaint_scopes,
    purge_scopes_on_commit,
    remember_soft_change,
    soft_change_covers,
)

Resolver = Callable[[Any], Scopes]
NOTHING: Scopes = frozenset()


def _complaint_is_public(complaint: Any) -> bool:
    # A complaint is on the register from its eligibility decision (``public_since``); one due to
    # enter it later counts too, so that a change to it is never missed.
    return complaint is not None and complaint.public_since is not None


def _follow(obj: Any, path: str) -> Any:
    for name in path.split("."):
        if obj is None:
            return None
        obj = getattr(obj, name, None)
    return obj


def site(obj: Any) -> Scopes:
    """Shown on pages of every kind: a change purges everything."""
    return frozenset({SITE})


def complaint_itself(complaint: Any) -> Scopes:
    """A public complaint's own row: its title, stage and dates appear on its pages, in the lists
    and beside other complaints (a related complaint, an organisation's page)."""
    return frozenset({SITE}) if _complaint_is_public(complaint) else NOTHING


def of_complaint(
    path: str, public: Callable[[Any], bool] = lambda obj: True, *, report: bool = True
) -> Resolver:
    """Part of one complaint: shown on its pages and in the lists while the complaint is public
    and ``public(obj)`` holds. ``path`` leads from the object to its complaint (dotted).
    ``report=False``: never shown in the complaint's report (its page and PDF, made from the
    report's own rows: ``reports.renditions.build_document``), so not purged with it."""

    def resolve(obj: Any) -> Scopes:
        if not public(obj):
            return NOTHING
        complaint = _follow(obj, path)
        if not _complaint_is_public(complaint):
            return NOTHING
        return complaint_scopes(complaint.reference, report=report)

    return resolve


def _report_published(report: Any) -> bool:
    from reports.models import ReportState

    # An embargoed report counts: the end of its embargo lapses the version by the clock.
    return report is not None and report.state == ReportState.PUBLISHED


def _call_opened(call: Any) -> bool:
    from django.utils import timezone

    from deadlines.rules import to_london_date

    return bool(call.opens_on <= to_london_date(timezone.now()))


def _response_published(response: Any) -> bool:
    from recommendations.models import ResponseState

    return response.state == ResponseState.PUBLISHED and _report_published(
        _follow(response, "obligation.recommendation.report")
    )


def _deadline(deadline: Any) -> Scopes:
    """A deadline is shown with the case it belongs to, when that case is a public complaint (on
    its pages, never in its report)."""
    from django.contrib.contenttypes.models import ContentType

    from complaints.models import SuperComplaint

    if ContentType.objects.get_for_id(deadline.case_type_id).model_class() is not SuperComplaint:
        return NOTHING
    complaint = SuperComplaint.objects.filter(pk=deadline.case_id).only("reference", "public_since").first()
    if complaint is None or not _complaint_is_public(complaint) or not complaint.reference:
        return NOTHING
    return complaint_scopes(complaint.reference, report=False)


PUBLIC: dict[str, Resolver] = {
    "complaints.SuperComplaint": complaint_itself,
    "complaints.Complainant": of_complaint("complaint"),
    "complaints.Feature": of_complaint("complaint"),
    "complaints.Harm": of_complaint("feature.complaint"),
    "complaints.EligibilityDecision": of_complaint("complaint"),
    "complaints.ProgressReport": of_complaint("complaint"),
    "reports.Report": of_complaint("complaint", public=_report_published),
    "reports.DmaAction": of_complaint("report.complaint", public=lambda o: _report_published(o.report)),
    "reports.DissentingOpinion": of_complaint(
        "report.complaint", public=lambda o: _report_published(o.report)
    ),
    # The published rendition is made of the passages, less those excluded.
    "reports.ReportPassage": of_complaint("report.complaint", public=lambda o: _report_published(o.report)),
    "reports.Exclusion": of_complaint("report.complaint", public=lambda o: _report_published(o.report)),
    "recommendations.Recommendation": of_complaint(
        "report.complaint", public=lambda o: _report_published(o.report)
    ),
    # An addressee's obligation and everything of its response: on the complaint's pages, never
    # in its report.
    "recommendations.Obligation": of_complaint(
        "recommendation.report.complaint",
        public=lambda o: _report_published(o.recommendation.report),
        report=False,
    ),
    "recommendations.Response": of_complaint(
        "obligation.recommendation.report.complaint", public=_response_published, report=False
    ),
    # A published response's page shows its actions and their progress, and the passages withheld.
    "recommendations.ResponseAction": of_complaint(
        "response.obligation.recommendation.report.complaint",
        public=lambda o: _response_published(o.response),
        report=False,
    ),
    "recommendations.ActionUpdate": of_complaint(
        "action.response.obligation.recommendation.report.complaint",
        public=lambda o: _response_published(o.action.response),
        report=False,
    ),
    "recommendations.ResponseWithholding": of_complaint(
        "response.obligation.recommendation.report.complaint",
        public=lambda o: _response_published(o.response),
        report=False,
    ),
    # A call for evidence is listed on its complaint's page once it has opened (the London-midnight
    # lapse brings one that opens today on by the clock; one not yet open is private).
    "calls.CallForEvidence": of_complaint("complaint", public=_call_opened),
    "calls.CallQuestion": of_complaint("call.complaint", public=lambda o: _call_opened(o.call)),
    # A published extract is listed on its complaint's page (its spans are never public: the
    # extract's save on publishing or withdrawal is what changes the page).
    "redaction.Redaction": of_complaint("complaint", public=lambda o: o.state == "published"),
    "recommendations.AddresseeGroup": site,
    "organisations.Organisation": site,
    "organisations.Designation": site,
    "deadlines.Deadline": _deadline,
    "deadlines.HolidayOverride": site,
}

# Fields never shown publicly whose saves are frequent: a save that writes only these (``update_fields``)
# purges nothing. A complaint's version and timestamp move with every staff action on its file.
PRIVATE_FIELDS: dict[str, frozenset[str]] = {
    "complaints.SuperComplaint": frozenset({"version", "updated_at", "assigned_to"}),
}

# Models whose audit events purge nothing: the complaint's own row reaches the save receivers
# (no service writes complaint rows in bulk), while staff actions on its file (notes, fieldwork,
# positions, assignment) are recorded against the complaint and change nothing public.
AUDIT_EVENTS_IGNORED = frozenset({"complaints.SuperComplaint"})

# Many-to-many links the public pages show, as (model, field): a change purges the scopes of the
# instance on whichever side the change was made from.
PUBLIC_LINKS = (
    ("complaints.SuperComplaint", "forces"),
    ("recommendations.Recommendation", "addressee_groups"),
    ("recommendations.Recommendation", "addressee_organisations"),
    ("recommendations.Recommendation", "excluded_organisations"),
    ("recommendations.AddresseeGroup", "members"),
)

# Models whose rows entering public view only add to the pages: a response published, its actions
# and their progress updates posted, a redacted extract published. Their purge is soft.
SOFT_ENTRIES = frozenset(
    {
        "recommendations.Response",
        "recommendations.ResponseAction",
        "recommendations.ActionUpdate",
        "redaction.Redaction",
    }
)

# Fields of a public row whose saves only add to the pages: an addressee's answer arriving
# (``record_response_submitted``) and its deadline met. A save that writes only these purges softly.
SOFT_FIELDS: dict[str, frozenset[str]] = {
    "recommendations.Obligation": frozenset({"responded_at"}),
    "deadlines.Deadline": frozenset({"met_at", "updated_at"}),
}

_BY_LABEL_LOWER = {label.lower(): label for label in PUBLIC if label not in AUDIT_EVENTS_IGNORED}


def _only_private(instance: models.Model, update_fields: Any) -> bool:
    private = PRIVATE_FIELDS.get(instance._meta.label)
    return private is not None and update_fields is not None and set(update_fields) <= private


def _adds_only(instance: models.Model, update_fields: Any, before: Scopes, after: Scopes) -> bool:
    """Whether this save only adds to the pages showing it (a soft purge): a row of ``SOFT_ENTRIES``
    entering public view, or a public row staying where it is with only ``SOFT_FIELDS`` written."""
    label = instance._meta.label
    if not after:
        return False
    if not before:
        return label in SOFT_ENTRIES
    fields = SOFT_FIELDS.get(label)
    return (
        before == after and fields is not None and update_fields is not None and set(update_fields) <= fields
    )


def scopes_of(obj: Any) -> Scopes:
    """The cached scopes that show ``obj`` now (empty when it is private or not public yet)."""
    resolver = PUBLIC.get(obj._meta.label)
    if resolver is None:
        return NOTHING
    try:
        return resolver(obj)
    except models.ObjectDoesNotExist:
        # Something it hangs from is gone (a cascade delete): purge everything rather than guess.
        return frozenset({SITE})


def _stored_copy(instance: models.Model) -> models.Model | None:
    if instance._state.adding or instance.pk is None:
        return None
    return type(instance)._default_manager.filter(pk=instance.pk).first()


def before_save(
    sender: type[models.Model],
    instance: models.Model,
    raw: bool = False,
    update_fields: Any = None,
    **kwargs: Any,
) -> None:
    """Remember where the row was shown before this save (a save may take it out of public view)."""
    if raw or _only_private(instance, update_fields):
        return
    stored = _stored_copy(instance)
    instance._public_cache_before = scopes_of(stored) if stored is not None else NOTHING  # type: ignore[attr-defined]


def after_save(
    sender: type[models.Model],
    instance: models.Model,
    raw: bool = False,
    update_fields: Any = None,
    **kwargs: Any,
) -> None:
    """Purge, once the transaction commits, where the row was shown before the save and is now."""
    if raw:
        # Fixtures being loaded: the rows they hang from may not be there yet.
        purge_scopes_on_commit(frozenset({SITE}))
        return
    if _only_private(instance, update_fields):
        return
    remembered: Scopes | None = instance.__dict__.pop("_public_cache_before", None)
    before = remembered if remembered is not None else NOTHING
    after = scopes_of(instance)
    # Where the row was before is not known (its pre-save receiver did not run): purge hard.
    soft = remembered is not None and _adds_only(instance, update_fields, before, after)
    purge_scopes_on_commit(before | after, soft=soft)
    if soft:
        remember_soft_change(instance._meta.label, instance.pk)


def after_delete(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    """Purge where the deleted row was shown."""
    purge_scopes_on_commit(scopes_of(instance))


def after_link_change(sender: Any, instance: models.Model, action: str, **kwargs: Any) -> None:
    """Purge the scopes of the instance whose public links changed."""
    if action in ("post_add", "post_remove", "post_clear"):
        purge_scopes_on_commit(scopes_of(instance))


def after_audit_event(sender: Any, instance: Any, created: bool = False, **kwargs: Any) -> None:
    """A recorded change about a public object purges that object's scopes (bulk writes send no
    save signals, but their service records the change); a change about anything else, or an
    access event, purges nothing. An event about an object whose save in this transaction purged
    softly is covered by that purge (the service records the change it just saved)."""
    if not created or instance.kind != "change" or not instance.object_type:
        return
    label = _BY_LABEL_LOWER.get(instance.object_type)
    if label is None or soft_change_covers(label, instance.object_id):
        return
    obj = apps.get_model(label)._default_manager.filter(pk=instance.object_id).first()
    if obj is not None:
        purge_scopes_on_commit(scopes_of(obj))


__all__ = ["PUBLIC", "PUBLIC_LINKS", "REGISTER", "SITE", "scopes_of"]
