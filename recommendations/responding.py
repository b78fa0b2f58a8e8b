"""The life of an addressee's response: drafted, sent for sign-off, signed off and submitted, which
publishes it at once; then action plan documents and progress on its actions.

One service per transition (``RESPONSE_TRANSITIONS``), each in one transaction: it locks what it
reads to change, checks the state and raises ``ResponseError`` in plain words if the move is not
allowed, does nothing if the response is there already, saves only the fields it changes, records
its audit event and writes its e-mails to the outbox with a dedupe key naming the event.

Drafts carry a version. A save from a form opened at an older version is refused with
``ResponseConflict``, which names when the other person saved, so the page can show what is saved
beside what this person typed (docs/decisions/0028-responses.md).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership, Role
from accounts.selectors import member_addresses
from audit.services import record_event
from common.site import absolute_url
from deadlines.calendar import long_date
from deadlines.rules import clock_time, to_london_date
from evidence.models import Document
from outbox.services import enqueue_message
from recommendations.models import (
    RESPONSE_TRANSITIONS,
    ActionUpdate,
    Obligation,
    Response,
    ResponseAction,
    ResponseState,
    ResponseStatus,
)
from recommendations.services import record_response_submitted

EMAIL_TEMPLATES = "recommendations/email"

# Who answers for an addressee: drafters (responders) and those who sign off (signatories).
DRAFTER_ROLES = frozenset({Role.RESPONDER, Role.SIGNATORY})

# Positions that commit the organisation to do something, so the response lists what and by when.
NEEDS_ACTIONS = frozenset({ResponseStatus.ACCEPTED, ResponseStatus.PARTIALLY_ACCEPTED})


class ResponseError(Exception):
    """A change to a response that its state, or the rules, do not allow."""


class ResponseConflict(ResponseError):
    """Someone else saved the response after this person opened it. ``current`` is what is saved
    now (None when nothing was saved yet)."""

    def __init__(self, message: str, *, current: Response | None = None) -> None:
        super().__init__(message)
        self.current = current


class IncompleteResponse(ResponseError):
    """The response cannot go for sign-off (or be submitted) yet: ``problems`` says each thing
    missing, by field (``status``, ``explanation``, ``reasons``, ``actions``, ``action-N``)."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(" ".join(problems.values()))
        self.problems = problems


@dataclass(frozen=True)
class ActionDraft:
    """One action as typed: what will be done, the role that owns it, and by when. A draft may
    lack any of them; sign-off needs all three."""

    description: str
    owner_role: str = ""
    target_date: datetime.date | None = None

    @property
    def is_empty(self) -> bool:
        return not self.description.strip() and not self.owner_role.strip() and self.target_date is None


# --- Helpers ---------------------------------------------------------------------------------------


def _is_signatory(user: Any, organisation_id: int) -> bool:
    """Asked of the database, never of a cached list: sign-off is the organisation's legal act,
    and a role taken away a moment ago must count."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return Membership.objects.filter(
        user_id=user.pk, organisation_id=organisation_id, role=Role.SIGNATORY
    ).exists()


def _user(user: Any) -> Any:
    return user if getattr(user, "is_authenticated", False) else None


def _locked(response: Response) -> Response:
    return (
        Response.objects.select_for_update(of=("self",))
        .select_related("obligation__organisation", "obligation__recommendation__report__complaint")
        .get(pk=response.pk)
    )


def _check_move(response: Response, target: str) -> None:
    if target not in RESPONSE_TRANSITIONS[response.state]:
        if response.state in ResponseState.submitted_states():
            raise ResponseError(_("This response has been submitted, so it can no longer change."))
        if target == ResponseState.SUBMITTED:
            raise ResponseError(_("Only a response sent for sign-off can be signed off and submitted."))
        raise ResponseError(_("This response cannot be changed that way now."))


def _conflict_message(response: Response) -> str:
    local = timezone.localtime(response.updated_at, timezone.get_default_timezone())
    return _(
        "Someone else in your organisation saved this response at %(time)s on %(day)s. What they "
        "saved is shown beside your changes, which have not been saved: check both, then save again."
    ) % {"time": clock_time(local), "day": long_date(local.date())}


def _check_version(response: Response, expected_version: int | None) -> None:
    if expected_version != response.version:
        raise ResponseConflict(_conflict_message(response), current=response)


def _snapshot(response: Response, actions: Sequence[ActionDraft | ResponseAction]) -> dict[str, Any]:
    return {
        "state": response.state,
        "status": response.status,
        "explanation": response.explanation,
        "reasons": response.reasons,
        "actions": [
            {"description": a.description, "owner_role": a.owner_role, "target_date": a.target_date}
            for a in actions
        ],
    }


def _context(response: Response) -> dict[str, Any]:
    obligation = response.obligation
    recommendation = obligation.recommendation
    return {
        "organisation": obligation.organisation.name,
        "label": recommendation.label,
        "reference": recommendation.reference,
        "title": recommendation.report.title,
        "complaint": recommendation.report.complaint.reference or "",
        "url": absolute_url(reverse("portal:response", args=[obligation.pk])),
    }


def problems_of(response: Response, actions: Sequence[ActionDraft | ResponseAction]) -> dict[str, str]:
    """What the response lacks before it can go for sign-off, by field; empty when complete.

    A position and an explanation always; reasons where the position needs them
    (``ResponseStatus.needs_reasons``); every action with what, who and by when; and at least one
    action where the organisation accepts, fully or in part (``NEEDS_ACTIONS``): accepting is a
    commitment to do something, and the register follows progress action by action. "Already in
    place" is the position for nothing more to do."""
    problems: dict[str, str] = {}
    if not response.status:
        problems["status"] = _("Select your position on the recommendation")
    if not response.explanation.strip():
        problems["explanation"] = _("Enter your explanation")
    if response.status in ResponseStatus.needs_reasons() and not response.reasons.strip():
        problems["reasons"] = _("Enter your reasons for not accepting the recommendation")
    for n, action in enumerate(actions, start=1):
        missing = []
        if not action.description.strip():
            missing.append(_("what will be done"))
        if not action.owner_role.strip():
            missing.append(_("the role that owns it"))
        if action.target_date is None:
            missing.append(_("a target date"))
        if missing:
            problems[f"action-{n}"] = _("Action %(n)d needs %(missing)s") % {
                "n": n,
                "missing": _(" and ").join(missing),
            }
    if response.status in NEEDS_ACTIONS and not actions:
        problems["actions"] = _(
            "Add at least one action: a response that accepts the recommendation says what will be "
            "done, by whom and by when"
        )
    return problems


# --- Drafting ----------------------------------------------------------------------------------------


def save_response(
    obligation: Obligation,
    *,
    user: Any,
    status: str,
    explanation: str,
    reasons: str,
    actions: Sequence[ActionDraft],
    expected_version: int | None,
) -> Response:
    """Save the organisation's draft response to one recommendation: create it (one per
    obligation), or change it while it is a draft or awaiting sign-off. A draft may be incomplete.

    ``expected_version`` is the version the form was opened at, None for a form opened before
    any response existed. A different version, or None where a response exists already (two
    drafters starting at once), raises ``ResponseConflict`` and saves nothing. ``actions`` replace
    the draft's actions; empty rows are left out.

    Side effects: creates or updates the ``Response`` and its ``ResponseAction`` rows; bumps
    ``version``; an edit while awaiting sign-off returns the response to draft (the signatory then
    signs off only what is sent again). Records ``response.drafted`` or ``response.saved``.
    Saving what is saved already does nothing.
    """
    if status and status not in ResponseStatus.values:
        raise ResponseError(_("Select your position from the list."))
    wanted = [
        ActionDraft(a.description.strip(), a.owner_role.strip(), a.target_date)
        for a in actions
        if not a.is_empty
    ]
    explanation, reasons = explanation.strip(), reasons.strip()
    with transaction.atomic():
        # The obligation's row lock serialises the first save: two drafters starting at once make
        # one response, and the second is told.
        obligation = Obligation.objects.select_for_update().get(pk=obligation.pk)
        if not Obligation.objects.published().filter(pk=obligation.pk).exists():
            raise ResponseError(_("This recommendation is not published, so it cannot be answered yet."))
        response = Response.objects.select_for_update().filter(obligation=obligation).first()
        if response is None:
            response = Response.objects.create(
                obligation=obligation,
                status=status,
                explanation=explanation,
                reasons=reasons,
                created_by=_user(user),
                updated_by=_user(user),
            )
            ResponseAction.objects.bulk_create(
                ResponseAction(response=response, position=n, **vars(a))
                for n, a in enumerate(wanted, start=1)
            )
            record_event(action="response.drafted", obj=response, after=_snapshot(response, wanted))
            return response
        _check_version(response, expected_version)
        if response.state not in ResponseState.editable():
            raise ResponseError(_("This response has been submitted, so it can no longer change."))
        current = list(response.actions.all())
        before = _snapshot(response, current)
        response.status, response.explanation, response.reasons = status, explanation, reasons
        response.state = ResponseState.DRAFT
        after = _snapshot(response, wanted)
        if before == after:
            return response
        response.version += 1
        response.updated_by = _user(user)
        response.save(
            update_fields=["status", "explanation", "reasons", "state", "version", "updated_by", "updated_at"]
        )
        if before["actions"] != after["actions"]:
            response.actions.all().delete()
            ResponseAction.objects.bulk_create(
                ResponseAction(response=response, position=n, **vars(a))
                for n, a in enumerate(wanted, start=1)
            )
        record_event(action="response.saved", obj=response, before=before, after=after)
    return response


def request_sign_off(response: Response, *, user: Any, expected_version: int | None) -> Response:
    """Send the draft to the organisation's signatories: DRAFT → AWAITING_SIGN_OFF.

    Refused (``IncompleteResponse``) while anything ``problems_of`` names is missing, and
    (``ResponseConflict``) from a form opened at an older version. Side effects: the state,
    ``sign_off_requested_by`` and a new version; records ``response.sign_off_requested``; e-mails
    each signatory of the organisation a link to the response. Already awaiting sign-off: nothing.
    """
    with transaction.atomic():
        response = _locked(response)
        if response.state == ResponseState.AWAITING_SIGN_OFF:
            return response
        _check_move(response, ResponseState.AWAITING_SIGN_OFF)
        _check_version(response, expected_version)
        problems = problems_of(response, list(response.actions.all()))
        if problems:
            raise IncompleteResponse(problems)
        response.state = ResponseState.AWAITING_SIGN_OFF
        response.sign_off_requested_by = _user(user)
        response.version += 1
        response.save(update_fields=["state", "sign_off_requested_by", "version", "updated_at"])
        record_event(
            action="response.sign_off_requested",
            obj=response,
            before={"state": ResponseState.DRAFT},
            after={"state": response.state, "version": response.version},
        )
        context = _context(response)
        enqueue_message(
            to=member_addresses(response.obligation.organisation, [Role.SIGNATORY]),
            subject=_("Sign off the response to %(reference)s") % {"reference": context["reference"]},
            template=f"{EMAIL_TEMPLATES}/response_sign_off_requested.txt",
            context=context,
            dedupe_key=f"response:{response.pk}:sign_off_requested:v{response.version}",
            about=response,
            language=settings.LANGUAGE_CODE,
        )
    return response


def return_to_drafter(response: Response, *, user: Any, note: str) -> Response:
    """A signatory sends the response back to be changed: AWAITING_SIGN_OFF → DRAFT, with a note
    saying what to change.

    Only a signatory of the organisation may (checked here). Side effects: the state and a new
    version; records ``response.returned`` with the note; e-mails the person who asked for sign-off
    (or, failing them, who last saved it) the note and a link. Already a draft: nothing.
    """
    note = note.strip()
    if not note:
        raise ResponseError(_("Say what the drafter should change"))
    with transaction.atomic():
        response = _locked(response)
        if not _is_signatory(user, response.obligation.organisation_id):
            raise ResponseError(_("Only someone who signs off your organisation's responses can return one."))
        if response.state == ResponseState.DRAFT:
            return response
        _check_move(response, ResponseState.DRAFT)
        response.state = ResponseState.DRAFT
        response.version += 1
        response.save(update_fields=["state", "version", "updated_at"])
        record_event(
            action="response.returned",
            obj=response,
            before={"state": ResponseState.AWAITING_SIGN_OFF},
            after={"state": response.state, "note": note},
        )
        drafter = response.sign_off_requested_by or response.updated_by
        context = _context(response)
        enqueue_message(
            to=[drafter.email] if drafter is not None and drafter.is_active else [],
            subject=_("The response to %(reference)s was returned to you")
            % {"reference": context["reference"]},
            template=f"{EMAIL_TEMPLATES}/response_returned.txt",
            context={**context, "note": note},
            dedupe_key=f"response:{response.pk}:returned:v{response.version}",
            about=response,
            language=settings.LANGUAGE_CODE,
        )
    return response


# --- Submission and publication ------------------------------------------------------------------------


def submit_response(
    response: Response, *, user: Any, at: datetime.datetime | None = None, expected_version: int | None = None
) -> Response:
    """A signatory signs off and submits the response, which publishes it at once:
    AWAITING_SIGN_OFF → SUBMITTED → PUBLISHED.

    Only a signatory of the organisation may: asked here, whatever the page asked, because this is
    the organisation's formal answer. ``expected_version`` (the version the signatory read) refuses
    a submission of something changed since. Already submitted: nothing, and the response is
    returned, so a double submit makes one of everything.

    Side effects: ``signed_off_by``, ``submitted_at``; the obligation's ``responded_at`` and its
    deadline row met at ``at`` (``record_response_submitted``); records ``response.submitted``;
    publishes (``publish_response``), which purges the complaint's and the register's public pages
    once committed; e-mails a confirmation to the organisation's responders and signatories, and
    one to the super-complaints team.
    """
    at = at or timezone.now()
    with transaction.atomic():
        response = _locked(response)
        obligation = response.obligation
        if not _is_signatory(user, obligation.organisation_id):
            raise ResponseError(_("Only someone who signs off your organisation's responses can submit one."))
        if response.state in ResponseState.submitted_states():
            return response
        _check_move(response, ResponseState.SUBMITTED)
        if expected_version is not None:
            _check_version(response, expected_version)
        problems = problems_of(response, list(response.actions.all()))
        if problems:
            raise IncompleteResponse(problems)
        response.state = ResponseState.SUBMITTED
        response.signed_off_by = _user(user)
        response.submitted_at = at
        response.save(update_fields=["state", "signed_off_by", "submitted_at", "updated_at"])
        record_response_submitted(obligation, at=at)
        obligation.refresh_from_db(fields=["responded_at"])
        due = obligation.due
        record_event(
            action="response.submitted",
            obj=response,
            before={"state": ResponseState.AWAITING_SIGN_OFF},
            after={
                "state": response.state,
                "submitted_at": at,
                "due": due,
                "on_time": None if due is None else to_london_date(at) <= due,
            },
        )
        response = publish_response(response, at=at)
        context = {
            **_context(response),
            "submitted_on": long_date(to_london_date(at)),
            # The response's own page on the register.
            "public_url": absolute_url(
                reverse(
                    "public:response",
                    args=[
                        obligation.recommendation.report.complaint.reference,
                        obligation.recommendation.reference,
                        obligation.organisation.slug,
                    ],
                )
            ),
        }
        enqueue_message(
            to=member_addresses(obligation.organisation, DRAFTER_ROLES),
            subject=_("Your response to %(reference)s is submitted and published")
            % {"reference": context["reference"]},
            template=f"{EMAIL_TEMPLATES}/response_submitted.txt",
            context=context,
            dedupe_key=f"response:{response.pk}:submitted:organisation",
            about=response,
            language=settings.LANGUAGE_CODE,
        )
        enqueue_message(
            to=[settings.CASEWORK_TEAM_EMAIL],
            subject=_("%(organisation)s responded to %(reference)s")
            % {"organisation": context["organisation"], "reference": context["reference"]},
            template=f"{EMAIL_TEMPLATES}/response_submitted_team.txt",
            context={
                **context,
                "url": absolute_url(
                    reverse("casework:complaint", args=[obligation.recommendation.report.complaint.reference])
                ),
            },
            dedupe_key=f"response:{response.pk}:submitted:team",
            about=response,
            language=settings.LANGUAGE_CODE,
        )
    return response


def publish_response(response: Response, *, at: datetime.datetime | None = None) -> Response:
    """Put the submitted response on the register: SUBMITTED → PUBLISHED, at ``at``.

    Called by ``submit_response`` in its transaction: the register shows a response from the
    moment it is submitted. Side effects: ``published_at``; records ``response.published``; the
    save purges the public pages that show it (``pagecache.purges``) after commit. Already
    published: nothing."""
    at = at or timezone.now()
    with transaction.atomic():
        response = _locked(response)
        if response.state == ResponseState.PUBLISHED:
            return response
        if response.state != ResponseState.SUBMITTED:
            raise ResponseError(_("Only a submitted response can be published."))
        response.state = ResponseState.PUBLISHED
        response.published_at = at
        response.save(update_fields=["state", "published_at", "updated_at"])
        record_event(
            action="response.published",
            obj=response,
            before={"state": ResponseState.SUBMITTED},
            after={"state": response.state, "published_at": at},
        )
    return response


# --- Action plans and progress -------------------------------------------------------------------------


def attach_action_plan(responses: Sequence[Response], *, document: Document, user: Any) -> list[Response]:
    """Attach one stored action plan document to several of an organisation's responses.

    Allowed in any state: an organisation often publishes its plan after its answer, and a plan
    adds to a submitted response without changing what was signed off. All the responses must be
    the same organisation's. Side effects: links the document to each response not holding it yet
    and records ``response.document_attached`` on each (which purges the public pages of a
    published one). A response holding it already is left as it is. Returns those it was added to.
    """
    if not responses:
        raise ResponseError(_("Select at least one response the document belongs to."))
    with transaction.atomic():
        locked = [_locked(r) for r in sorted(responses, key=lambda r: r.pk)]
        if len({r.obligation.organisation_id for r in locked}) != 1:
            raise ResponseError(_("A document can only be attached to your own organisation's responses."))
        added = []
        for response in locked:
            if response.documents.filter(pk=document.pk).exists():
                continue
            response.documents.add(document)
            record_event(
                action="response.document_attached",
                obj=response,
                after={"document": document.original_name, "state": response.state},
            )
            added.append(response)
    return added


def post_progress_update(
    action: ResponseAction,
    *,
    user: Any,
    text: str,
    marks_complete: bool = False,
    documents: Iterable[Document] = (),
    at: datetime.datetime | None = None,
) -> ActionUpdate:
    """Post progress on one action of a submitted response, perhaps marking it complete, with
    any evidence documents.

    Side effects: creates the ``ActionUpdate`` and links its documents; ``marks_complete`` sets the
    action's ``completed_on`` to the London day of ``at`` (kept from the first time it was marked);
    records ``response.progress_posted`` on the response (purging its public pages).
    """
    at = at or timezone.now()
    text = text.strip()
    if not text:
        raise ResponseError(_("Enter the progress made"))
    with transaction.atomic():
        response = _locked(action.response)
        if response.state not in ResponseState.submitted_states():
            raise ResponseError(_("Progress is posted once the response has been submitted."))
        action = ResponseAction.objects.select_for_update().get(pk=action.pk, response=response)
        update = ActionUpdate.objects.create(
            action=action, text=text, marks_complete=marks_complete, posted_by=_user(user), posted_at=at
        )
        files = list(documents)
        update.documents.add(*files)
        if marks_complete and action.completed_on is None:
            action.completed_on = to_london_date(at)
            action.save(update_fields=["completed_on"])
        record_event(
            action="response.progress_posted",
            obj=response,
            after={
                "action": action.position,
                "marks_complete": marks_complete,
                "completed_on": action.completed_on,
                "documents": [d.original_name for d in files],
            },
        )
    return update
