"""The one permission module: "may this user do this to this object?"

Every view, the API and the admin ask these functions; nothing else decides who may do what.
Rules answer from the user's memberships (user, organisation, role), read once per request and kept
on the user object, so a page that asks ten questions costs one query.

Objects that belong to another organisation are not found (404), never forbidden (403): a 403 would
tell a stranger that the object exists. ``get_object_for_user_or_404`` is the pattern for that.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q
from django.http import Http404

from accounts.models import Membership, Role
from organisations.models import Organisation, OrganisationKind

_CACHE_ATTRIBUTE = "_access_memberships"

# The roles that act for a decision-making authority (SI 2018/748 reg 2: the Chief Inspector, the
# Director General of the IOPC and the College of Policing, and the staff who act for them).
DMA_ROLES = frozenset({Role.CASEWORKER, Role.CHIEF_INSPECTOR})

M = TypeVar("M", bound=models.Model)


class MultipleAuthoritiesError(Exception):
    """A user is staff at more than one decision-making authority.

    One person acts for one authority: their positions on eligibility and on the report are that
    authority's (SI 2018/748 regs 6 and 11). Two would make every recorded position ambiguous, so it
    is a data error to be corrected in the admin, never guessed.
    """


def _is_signed_in(user: Any) -> bool:
    return bool(user is not None and getattr(user, "is_authenticated", False) and user.is_active)


def memberships_of(user: Any) -> tuple[Membership, ...]:
    """The user's memberships with their organisations; read once per user object (per request)."""
    if not _is_signed_in(user):
        return ()
    cached = getattr(user, _CACHE_ATTRIBUTE, None)
    if cached is None:
        cached = tuple(
            Membership.objects.filter(user_id=user.pk).select_related("organisation").order_by("pk")
        )
        setattr(user, _CACHE_ATTRIBUTE, cached)
    return cached


def forget_memberships(user: Any) -> None:
    """Drop the cached memberships, after a service changed them within the same request."""
    if user is not None and hasattr(user, _CACHE_ATTRIBUTE):
        delattr(user, _CACHE_ATTRIBUTE)


def _roles(role: str | Iterable[str] | None) -> frozenset[str] | None:
    if role is None:
        return None
    if isinstance(role, str):
        return frozenset({role})
    return frozenset(role)


def organisations_of(user: Any, role: str | Iterable[str] | None = None) -> list[Organisation]:
    """The organisations the user belongs to (in any role, or in one of ``role``), each once."""
    wanted = _roles(role)
    seen: dict[int, Organisation] = {}
    for membership in memberships_of(user):
        if wanted is None or membership.role in wanted:
            seen.setdefault(membership.organisation_id, membership.organisation)
    return list(seen.values())


def has_role(user: Any, organisation: Organisation | int, role: str | Iterable[str]) -> bool:
    """Whether the user holds ``role`` (or one of several) at this organisation."""
    organisation_id = organisation if isinstance(organisation, int) else organisation.pk
    wanted = _roles(role) or frozenset()
    return any(m.organisation_id == organisation_id and m.role in wanted for m in memberships_of(user))


def _authority_memberships(user: Any, roles: frozenset[str]) -> list[Membership]:
    return [
        m
        for m in memberships_of(user)
        if m.role in roles and m.organisation.kind == OrganisationKind.AUTHORITY
    ]


def is_dma_staff(user: Any) -> bool:
    """Caseworker or Chief Inspector at a decision-making authority (HMICFRS, IOPC, College)."""
    return bool(_authority_memberships(user, DMA_ROLES))


def is_chief_inspector(user: Any) -> bool:
    """The Chief Inspector (or a delegate), who decides eligibility when the authorities cannot
    agree (SI 2018/748 reg 11(1)) and tells the body of the decision (reg 6(5)-(6))."""
    return bool(_authority_memberships(user, frozenset({Role.CHIEF_INSPECTOR})))


def authority_of(user: Any) -> Organisation | None:
    """The decision-making authority a DMA user acts for, or None if the user acts for none.

    Raises ``MultipleAuthoritiesError`` for a user who is staff at two authorities (see there).
    """
    authorities = {m.organisation_id: m.organisation for m in _authority_memberships(user, DMA_ROLES)}
    if len(authorities) > 1:
        raise MultipleAuthoritiesError(f"User {user.pk} is staff at {len(authorities)} authorities.")
    return next(iter(authorities.values()), None)


def is_designations_officer(user: Any) -> bool:
    """A Home Office officer who records designations and revocations of bodies, which are made by
    regulations (Police Reform Act 2002 s.29A(2); SI 2018/412 regs 3-4)."""
    return any(
        m.role == Role.DESIGNATIONS and m.organisation.kind == OrganisationKind.NATIONAL_BODY
        for m in memberships_of(user)
    )


def is_body_member(user: Any, body: Organisation) -> bool:
    """Whether the user acts for this designated body (makes and follows its super-complaints)."""
    if body.kind != OrganisationKind.DESIGNATED_BODY:
        return False
    return has_role(user, body, Role.BODY_MEMBER)


def get_object_for_user_or_404(
    queryset: models.QuerySet[M] | type[M],
    user: Any,
    *,
    rule: Callable[[Any, M], bool] | None = None,
    **lookup: Any,
) -> M:
    """The object matching ``lookup`` if this user may see it; otherwise a 404, never a 403.

    The queryset is first narrowed by its ``visible_to(user)`` method when it has one; ``rule``
    (for example ``may_view_complaint``) is then asked about the object found. At least one of the two
    must exist, so a view can never fetch an object without asking.
    """
    found: models.QuerySet[M] = (
        queryset._default_manager.all() if isinstance(queryset, type) else queryset  # type: ignore[assignment]
    )
    model = found.model
    narrow = getattr(found, "visible_to", None)
    if narrow is None and rule is None:
        raise ImproperlyConfigured(
            f"{model.__name__} has no visible_to(user) and no rule was given: "
            "every object fetched for a user must be checked."
        )
    if narrow is not None:
        found = narrow(user)
    try:
        obj = found.get(**lookup)
    except model.DoesNotExist:  # type: ignore[attr-defined]
        raise Http404(f"No {model._meta.verbose_name} matches the given query.") from None
    if rule is not None and not rule(user, obj):
        raise Http404(f"No {model._meta.verbose_name} matches the given query.")
    return obj


# --- Super-complaints ----------------------------------------------------------------------------
# Imported here, not at the top, so that the organisation-level rules above stay importable by the
# apps that complaints itself depends on.


def complaints_visible_to(user: Any) -> models.QuerySet[Any]:
    """The complaints a user may open: staff of the authorities see every complaint once received;
    a designated body's members see their own body's complaints, drafts included; nobody else any."""
    from complaints.models import ComplaintState, SuperComplaint

    if is_dma_staff(user):
        return SuperComplaint.objects.exclude(state=ComplaintState.DRAFT)
    bodies = [m.organisation_id for m in memberships_of(user) if m.role == Role.BODY_MEMBER]
    if bodies:
        return SuperComplaint.objects.filter(complainants__in=bodies).distinct()
    return SuperComplaint.objects.none()


def _acts_for_complainant(user: Any, complaint: Any) -> bool:
    bodies = {m.organisation_id for m in memberships_of(user) if m.role == Role.BODY_MEMBER}
    return bool(bodies) and complaint.complainant_set.filter(body_id__in=bodies).exists()


def may_view_complaint(user: Any, complaint: Any) -> bool:
    from complaints.models import ComplaintState

    if is_dma_staff(user):
        return complaint.state != ComplaintState.DRAFT
    return _acts_for_complainant(user, complaint)


def may_edit_draft(user: Any, complaint: Any) -> bool:
    """Only the body's own members edit and submit its draft (SI 2018/748 reg 4)."""
    from complaints.models import ComplaintState

    return complaint.state == ComplaintState.DRAFT and _acts_for_complainant(user, complaint)


def may_withdraw(user: Any, complaint: Any) -> bool:
    from complaints.models import ComplaintState

    return complaint.state in ComplaintState.withdrawable_states() and _acts_for_complainant(user, complaint)


def is_super_complaints_team(user: Any) -> bool:
    """Staff of the inspectorate (HMICFRS, ``Organisation.is_inspectorate``), who act for the Chief
    Inspector: receive, acknowledge, send letters (reg 5-8). The flag, never a name staff can edit."""
    return any(
        m.role in DMA_ROLES
        and m.organisation.kind == OrganisationKind.AUTHORITY
        and m.organisation.is_inspectorate
        for m in memberships_of(user)
    )


def may_move_complaint(user: Any, complaint: Any) -> bool:
    """Who moves a complaint on through its stages for the Chief Inspector, from the admin's
    actions (acknowledge, start the assessment, begin monitoring, close): the super-complaints team.

    Being an administrator of the service is not enough. Whether the move is allowed now is the
    service's to say, in plain words, so this rule asks only who.
    """
    return is_super_complaints_team(user)


def may_resend_message(user: Any, message: Any) -> bool:
    """The super-complaints team sends again a message the outbox gave up on."""
    return is_super_complaints_team(user)


def may_publish_report(user: Any, report: Any) -> bool:
    """The Chief Inspector sends and publishes the report (reg 8(2)), through the team."""
    return is_super_complaints_team(user)


def may_sign_off_report(user: Any, report: Any) -> bool:
    """Staff of one of the three authorities sign off the draft report for their own authority."""
    from reports.models import ReportState

    try:
        return report.state == ReportState.DRAFT and authority_of(user) is not None
    except MultipleAuthoritiesError:
        return False


def may_expand_addressees(user: Any, recommendation: Any) -> bool:
    """Staff of the authorities list who a recommendation is addressed to."""
    return is_dma_staff(user)


def may_acknowledge(user: Any, complaint: Any) -> bool:
    """The Chief Inspector acknowledges (reg 5), through the HMICFRS super-complaints team."""
    from complaints.models import ComplaintState

    return complaint.state == ComplaintState.RECEIVED and is_super_complaints_team(user)


def may_record_position(user: Any, complaint: Any, authority: Organisation) -> bool:
    """Each authority records its own position, and only its own (reg 6)."""
    from complaints.models import ComplaintState

    if complaint.state not in (ComplaintState.ACKNOWLEDGED, ComplaintState.ASSESSING):
        return False
    try:
        return authority_of(user) == authority
    except MultipleAuthoritiesError:
        return False


def may_decide_eligibility(user: Any, complaint: Any) -> bool:
    """Where the authorities agree, the team records their decision; where they do not, only the
    Chief Inspector may decide (reg 11(1))."""
    from complaints.models import ComplaintState
    from complaints.services import positions_agree

    if complaint.state != ComplaintState.ASSESSING:
        return False
    if positions_agree(complaint) is None:
        return is_chief_inspector(user)
    return is_super_complaints_team(user)


def may_run_investigation(user: Any, complaint: Any) -> bool:
    """Staff of any of the three authorities run the investigation (any may lead it) while the
    complaint is eligible or being investigated: the plan, fieldwork, progress-report drafts."""
    from complaints.models import ComplaintState

    return is_dma_staff(user) and complaint.state in (ComplaintState.ELIGIBLE, ComplaintState.INVESTIGATING)


def may_start_investigation(user: Any, complaint: Any) -> bool:
    from complaints.models import ComplaintState

    return is_dma_staff(user) and complaint.state == ComplaintState.ELIGIBLE


def may_send_progress_report(user: Any, complaint: Any) -> bool:
    """The Chief Inspector gives the body its progress reports (reg 7), through the team."""
    return may_run_investigation(user, complaint) and is_super_complaints_team(user)


def may_assign_caseworker(user: Any, complaint: Any) -> bool:
    from complaints.models import ComplaintState

    return is_dma_staff(user) and complaint.state != ComplaintState.DRAFT


def dma_staff_users() -> Any:
    """Everyone who may own a complaint: the authorities' caseworkers and Chief Inspector."""
    from accounts.models import User

    return (
        User.objects.filter(
            is_active=True,
            memberships__role__in=list(DMA_ROLES),
            memberships__organisation__kind=OrganisationKind.AUTHORITY,
        )
        .distinct()
        .order_by("full_name", "email")
    )


def may_record_designation(user: Any) -> bool:
    """Designations and revocations are recorded by the Home Office (PRA 2002 s.29A(2))."""
    return is_designations_officer(user)


def forces_of(user: Any) -> list[Organisation]:
    """The police forces the user acts for (a force user is a member of a FORCE organisation)."""
    # Administering a force's users is not doing its work: that role alone opens none of it.
    working = frozenset(Role) - {Role.ORGANISATION_ADMIN}
    return [org for org in organisations_of(user, working) if org.kind == OrganisationKind.FORCE]


# The organisations whose deadlines a calendar feed lists: those that owe responses to
# recommendations or answers to information requests.
CALENDAR_KINDS = frozenset(
    {OrganisationKind.FORCE, OrganisationKind.LOCAL_POLICING_BODY, OrganisationKind.NATIONAL_BODY}
)


def calendar_organisations_of(user: Any) -> list[Organisation]:
    """The organisations whose private deadline calendar the user manages: any member of a force,
    a local policing body or a national body, in whatever role (the calendar shows dates, nothing
    a member could not already see in the portal)."""
    return [org for org in organisations_of(user) if org.kind in CALENDAR_KINDS]


def may_manage_calendar(user: Any, organisation: Organisation) -> bool:
    return any(org.pk == organisation.pk for org in calendar_organisations_of(user))


def may_send_information_request(user: Any, complaint: Any) -> bool:
    """The authorities' staff ask forces for information while investigating (SI 2018/748 reg 9)."""
    return is_dma_staff(user)


def may_answer_information_request(user: Any, force_request: Any) -> bool:
    """Only the force a request is addressed to sees and answers it; another force gets a 404."""
    return any(force.pk == force_request.force_id for force in forces_of(user))


def force_requests_visible_to(user: Any) -> models.QuerySet[Any]:
    """The requests to forces (and so the files each force returned) a user may see: the
    authorities' staff see those of every complaint they may open (casework); a force user sees
    only those addressed to their own force (the portal); nobody else any, bodies included."""
    from inquiries.models import ForceRequest

    found = Q(force__in=[force.pk for force in forces_of(user)])
    if is_dma_staff(user):
        found |= Q(request__complaint__in=complaints_visible_to(user))
    return ForceRequest.objects.filter(found)


def information_requests_visible_to(user: Any) -> models.QuerySet[Any]:
    """The information requests (and so their data-return spreadsheets) a user may see: staff, those
    of the complaints they may open; a force user, those sent to their force."""
    from inquiries.models import ForceRequest, InformationRequest

    found = Q(
        pk__in=ForceRequest.objects.filter(force__in=[force.pk for force in forces_of(user)]).values(
            "request_id"
        )
    )
    if is_dma_staff(user):
        found |= Q(complaint__in=complaints_visible_to(user))
    return InformationRequest.objects.filter(found)


def call_responses_visible_to(user: Any) -> models.QuerySet[Any]:
    """The responses to calls for evidence (and so the files attached to them) a user may see: the
    authorities' staff, those on the complaints they may open; nobody else any."""
    from calls.models import CallResponse

    if not may_review_call_responses(user):
        return CallResponse.objects.none()
    return CallResponse.objects.filter(call__complaint__in=complaints_visible_to(user))


def evidence_items_visible_to(user: Any) -> models.QuerySet[Any]:
    """The complaint evidence a user may see: that of the complaints they may open (staff: every
    complaint once received; a body's members: their own body's, drafts included)."""
    from complaints.models import EvidenceItem

    return EvidenceItem.objects.filter(complaint__in=complaints_visible_to(user))


def may_draft_report(user: Any, complaint: Any) -> bool:
    """Staff of any of the three authorities build the report (SI 2018/748 reg 8) while the
    complaint is being investigated, until the report is published: its passages, actions,
    recommendations and exclusions."""
    from complaints.models import ComplaintState
    from reports.models import Report, ReportState

    if not is_dma_staff(user) or complaint.state != ComplaintState.INVESTIGATING:
        return False
    report = Report.objects.filter(complaint=complaint).only("state").first()
    return report is None or report.state == ReportState.DRAFT


def may_give_opinion(user: Any, complaint: Any, authority: Organisation) -> bool:
    """An authority's opinion on the report where it disagrees (reg 11(2)) is its own: only its
    staff give or change it."""
    if not may_draft_report(user, complaint):
        return False
    try:
        own = authority_of(user)
    except MultipleAuthoritiesError:
        return False
    return own is not None and own.pk == authority.pk


def may_approve_exclusion(user: Any, exclusion: Any) -> bool:
    """A second member of the authorities' staff approves an exclusion (reg 8(3)): never the one
    who proposed it, so nothing is withheld from the public on one person's word."""
    return (
        may_draft_report(user, exclusion.report.complaint)
        and exclusion.approved_at is None
        and exclusion.proposed_by_id != getattr(user, "pk", None)
    )


# --- Factual-accuracy checks of draft reports ----------------------------------------------------

# The roles that answer for an organisation a recommendation is addressed to: they are told of a
# check on its draft recommendations and comment on them.
ADDRESSEE_ROLES = frozenset({Role.RESPONDER, Role.SIGNATORY})


def may_manage_accuracy_check(user: Any, report: Any) -> bool:
    """The authorities' staff open a factual-accuracy check on a draft report, extend it and close
    it early, and see every comment on it."""
    from reports.models import ReportState

    return is_dma_staff(user) and report.state == ReportState.DRAFT


def may_view_accuracy_check(user: Any, check: Any) -> bool:
    """The authorities' staff see every check and its comments, whatever the report's state."""
    return is_dma_staff(user)


def may_decide_accuracy_comment(user: Any, comment: Any) -> bool:
    """The authorities' staff accept or reject each comment, with a reason."""
    return is_dma_staff(user)


def may_take_part_in_accuracy_check(user: Any, addressee: Any) -> bool:
    """Only a responder or signatory of the organisation a check went to sees its part of the
    check and comments; anyone else (another organisation, a body, the public) gets a 404."""
    return has_role(user, addressee.organisation_id, ADDRESSEE_ROLES)


def accuracy_organisations_of(user: Any) -> list[Organisation]:
    """The organisations for which the user answers factual-accuracy checks."""
    return organisations_of(user, ADDRESSEE_ROLES)


def may_manage_calls(user: Any, complaint: Any) -> bool:
    """The authorities' staff open, change and close calls for evidence while investigating."""
    return may_run_investigation(user, complaint)


def may_review_call_responses(user: Any) -> bool:
    """Only the authorities' staff read responses to calls for evidence: they can hold survivors'
    accounts. A body or force user never sees them (the pages are a 404 to them)."""
    return is_dma_staff(user)


# --- Responses to published recommendations (the addressee portal) -------------------------------
# An addressee's drafters (responders) and signatories answer its obligations; only a signatory
# signs a response off and submits it. Another organisation's obligation or response is a 404.


def response_organisations_of(user: Any) -> list[Organisation]:
    """The organisations for which the user drafts or signs off responses to recommendations."""
    return organisations_of(user, ADDRESSEE_ROLES)


def obligations_visible_to(user: Any) -> models.QuerySet[Any]:
    """The obligations a user answers for: their organisations' own, and only those of published
    reports (a draft report's recommendations reach an addressee through the accuracy check)."""
    from recommendations.models import Obligation

    organisations = [o.pk for o in response_organisations_of(user)]
    if not organisations:
        return Obligation.objects.none()
    return Obligation.objects.published().filter(organisation__in=organisations)


def may_draft_response(user: Any, obligation: Any) -> bool:
    """A responder or signatory of the obligation's organisation drafts its response."""
    return has_role(user, obligation.organisation_id, ADDRESSEE_ROLES)


def may_sign_off_response(user: Any, response: Any) -> bool:
    """Only a signatory of the organisation (its chief officer or their delegate) signs off a
    response and submits it; the service asks the database again, since this is the legal act."""
    return has_role(user, response.obligation.organisation_id, Role.SIGNATORY)


# --- An organisation's own users -----------------------------------------------------------------

# The organisations whose users answer recommendations (forces, local policing bodies, national
# bodies such as the Home Office, and the authorities as addressees): their administrators invite
# colleagues to draft and sign off responses.
USER_MANAGED_KINDS = frozenset(
    {
        OrganisationKind.FORCE,
        OrganisationKind.LOCAL_POLICING_BODY,
        OrganisationKind.NATIONAL_BODY,
        OrganisationKind.AUTHORITY,
    }
)


def may_manage_users(user: Any, organisation: Organisation) -> bool:
    """An organisation administrator invites colleagues to their own organisation, revokes those
    invitations and removes its members' roles; for any other organisation the pages are a 404."""
    return organisation.kind in USER_MANAGED_KINDS and has_role(user, organisation, Role.ORGANISATION_ADMIN)


def organisations_managed_by(user: Any) -> list[Organisation]:
    """The organisations whose users this user administers, by name."""
    found = [o for o in organisations_of(user, Role.ORGANISATION_ADMIN) if o.kind in USER_MANAGED_KINDS]
    return sorted(found, key=lambda o: o.name)


# --- Responses to recommendations, for the inspectorate ------------------------------------------


def may_verify(user: Any, obligation: Any) -> bool:
    """The inspectorate records whether an obligation's implementation is verified: the HMICFRS
    super-complaints team, for the Chief Inspector."""
    return is_super_complaints_team(user)


def may_withhold(user: Any, response: Any) -> bool:
    """The super-complaints team withholds personal data from a published response."""
    return is_super_complaints_team(user)


def may_set_escalation_ladder(user: Any, report: Any) -> bool:
    """The super-complaints team sets a report's reminders and escalation."""
    return is_super_complaints_team(user)


# --- Redaction for publication -------------------------------------------------------------------


def may_redact(user: Any, complaint: Any) -> bool:
    """The authorities' staff redact call-for-evidence responses and evidence for publication, and
    publish or withdraw the extracts, on the complaints they may open. The text being redacted
    holds personal data, so nobody else sees these pages (a 404)."""
    return is_dma_staff(user) and may_view_complaint(user, complaint)


# --- Retention ------------------------------------------------------------------------------------


def may_manage_retention(user: Any) -> bool:
    """The retention schedule and legal holds: the super-complaints team, who keep the service's
    records for the Chief Inspector (the data controller's staff)."""
    return is_super_complaints_team(user)
