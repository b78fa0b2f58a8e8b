"""access.rules: the organisation-level answers every view, the API and the admin ask."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404

from access import rules
from accounts.models import Membership, Role
from organisations.models import Organisation, OrganisationKind
from tests.accounts.support import make_org, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def orgs():
    return {
        "hestia": make_org(OrganisationKind.DESIGNATED_BODY, "Hestia"),
        "liberty": make_org(OrganisationKind.DESIGNATED_BODY, "Liberty"),
        "hmicfrs": make_org(OrganisationKind.AUTHORITY, "HM Inspectorate", "HMICFRS", is_inspectorate=True),
        "iopc": make_org(OrganisationKind.AUTHORITY, "Independent Office for Police Conduct", "IOPC"),
        "home_office": make_org(OrganisationKind.NATIONAL_BODY, "Home Office", "Home Office"),
        "force": make_org(OrganisationKind.FORCE, "Avon and Somerset Constabulary"),
        "pcc": make_org(OrganisationKind.LOCAL_POLICING_BODY, "Avon and Somerset PCC"),
    }


def person(email: str, *roles: tuple[Organisation, str]):
    user = make_user(email)
    for organisation, role in roles:
        Membership.objects.create(user=user, organisation=organisation, role=role)
    return user


def test_anonymous_has_no_memberships_and_no_rights(orgs):
    anonymous = AnonymousUser()
    assert rules.memberships_of(anonymous) == ()
    assert rules.organisations_of(anonymous) == []
    assert rules.is_dma_staff(anonymous) is False
    assert rules.is_chief_inspector(anonymous) is False
    assert rules.authority_of(anonymous) is None
    assert rules.is_designations_officer(anonymous) is False
    assert rules.is_body_member(anonymous, orgs["hestia"]) is False


def test_body_member(orgs):
    user = person("pat@hestia.example", (orgs["hestia"], Role.BODY_MEMBER))
    assert rules.is_body_member(user, orgs["hestia"]) is True
    assert rules.is_body_member(user, orgs["liberty"]) is False
    assert rules.is_dma_staff(user) is False
    assert rules.authority_of(user) is None
    assert rules.organisations_of(user) == [orgs["hestia"]]


def test_body_member_role_at_a_non_body_does_not_count(orgs):
    user = person("odd@example.org", (orgs["force"], Role.BODY_MEMBER))
    assert rules.is_body_member(user, orgs["force"]) is False


def test_caseworker_is_dma_staff_for_their_authority(orgs):
    user = person("case@hmicfrs.example", (orgs["hmicfrs"], Role.CASEWORKER))
    assert rules.is_dma_staff(user) is True
    assert rules.is_chief_inspector(user) is False
    assert rules.authority_of(user) == orgs["hmicfrs"]


def test_the_team_is_known_by_the_inspectorate_flag_not_by_a_name(orgs):
    team = person("case@hmicfrs.example", (orgs["hmicfrs"], Role.CASEWORKER))
    iopc = person("case@iopc.example", (orgs["iopc"], Role.CASEWORKER))
    assert rules.is_super_complaints_team(team) is True
    assert rules.is_super_complaints_team(iopc) is False
    # Staff may rename an organisation: the rules do not move with the name.
    Organisation.objects.filter(pk=orgs["hmicfrs"].pk).update(short_name="HMI")
    Organisation.objects.filter(pk=orgs["iopc"].pk).update(short_name="HMICFRS")
    team, iopc = (rules_fresh(u) for u in (team, iopc))
    assert rules.is_super_complaints_team(team) is True
    assert rules.is_super_complaints_team(iopc) is False
    # A body member of the inspectorate, or anyone outside it, is not the team.
    assert (
        rules.is_super_complaints_team(person("x@hestia.example", (orgs["hestia"], Role.BODY_MEMBER)))
        is False
    )


def rules_fresh(user):
    rules.forget_memberships(user)
    return user


def test_only_one_authority_can_be_the_inspectorate_and_only_an_authority(orgs):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.filter(pk=orgs["iopc"].pk).update(is_inspectorate=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.filter(pk=orgs["force"].pk).update(is_inspectorate=True)


def test_chief_inspector(orgs):
    user = person("hmcic@hmicfrs.example", (orgs["hmicfrs"], Role.CHIEF_INSPECTOR))
    assert rules.is_chief_inspector(user) is True
    assert rules.is_dma_staff(user) is True
    assert rules.authority_of(user) == orgs["hmicfrs"]


def test_caseworker_role_outside_an_authority_is_not_dma_staff(orgs):
    user = person("case@force.example", (orgs["force"], Role.CASEWORKER))
    assert rules.is_dma_staff(user) is False
    assert rules.authority_of(user) is None


def test_staff_at_two_authorities_is_a_data_error(orgs):
    user = person("two@example.org", (orgs["hmicfrs"], Role.CASEWORKER), (orgs["iopc"], Role.CASEWORKER))
    with pytest.raises(rules.MultipleAuthoritiesError):
        rules.authority_of(user)


def test_two_roles_at_one_authority_is_one_authority(orgs):
    user = person(
        "both@example.org", (orgs["hmicfrs"], Role.CASEWORKER), (orgs["hmicfrs"], Role.CHIEF_INSPECTOR)
    )
    assert rules.authority_of(user) == orgs["hmicfrs"]
    assert rules.organisations_of(user) == [orgs["hmicfrs"]]


def test_designations_officer(orgs):
    officer = person("des@homeoffice.example", (orgs["home_office"], Role.DESIGNATIONS))
    caseworker = person("case@hmicfrs.example", (orgs["hmicfrs"], Role.CASEWORKER))
    assert rules.is_designations_officer(officer) is True
    assert rules.is_designations_officer(caseworker) is False


def test_organisations_of_filters_by_role(orgs):
    user = person(
        "multi@example.org",
        (orgs["force"], Role.RESPONDER),
        (orgs["pcc"], Role.SIGNATORY),
        (orgs["hestia"], Role.BODY_MEMBER),
    )
    assert rules.organisations_of(user, Role.RESPONDER) == [orgs["force"]]
    assert rules.organisations_of(user, [Role.RESPONDER, Role.SIGNATORY]) == [orgs["force"], orgs["pcc"]]
    assert rules.organisations_of(user) == [orgs["force"], orgs["pcc"], orgs["hestia"]]


def test_inactive_user_has_no_rights(orgs):
    user = person("gone@hmicfrs.example", (orgs["hmicfrs"], Role.CASEWORKER))
    user.is_active = False
    assert rules.is_dma_staff(user) is False


def test_memberships_are_read_once_per_user_object(orgs, django_assert_num_queries):
    user = person(
        "case@hmicfrs.example", (orgs["hmicfrs"], Role.CASEWORKER), (orgs["hestia"], Role.BODY_MEMBER)
    )
    with django_assert_num_queries(1):
        rules.is_dma_staff(user)
        rules.is_chief_inspector(user)
        rules.authority_of(user)
        rules.is_body_member(user, orgs["hestia"])
        rules.may_record_designation(user)
        rules.organisations_of(user)


def test_forget_memberships_reads_them_again(orgs):
    user = person("new@hmicfrs.example")
    assert rules.is_dma_staff(user) is False
    Membership.objects.create(user=user, organisation=orgs["hmicfrs"], role=Role.CASEWORKER)
    assert rules.is_dma_staff(user) is False  # cached for this request
    rules.forget_memberships(user)
    assert rules.is_dma_staff(user) is True


def test_get_object_for_user_or_404_with_a_rule(orgs):
    user = person("pat@hestia.example", (orgs["hestia"], Role.BODY_MEMBER))

    found = rules.get_object_for_user_or_404(
        Organisation.objects.all(), user, rule=rules.is_body_member, slug=orgs["hestia"].slug
    )
    assert found == orgs["hestia"]
    with pytest.raises(Http404):
        rules.get_object_for_user_or_404(
            Organisation.objects.all(), user, rule=rules.is_body_member, slug=orgs["liberty"].slug
        )
    with pytest.raises(Http404):
        rules.get_object_for_user_or_404(
            Organisation, user, rule=rules.is_body_member, slug="no-such-organisation"
        )


def test_get_object_for_user_or_404_narrows_with_visible_to(orgs):
    class VisibleToQuerySet(type(Organisation.objects.all())):
        def visible_to(self, user):
            return self.filter(pk__in=[o.pk for o in rules.organisations_of(user)])

    user = person("pat@hestia.example", (orgs["hestia"], Role.BODY_MEMBER))
    queryset = VisibleToQuerySet(model=Organisation)
    assert rules.get_object_for_user_or_404(queryset, user, slug=orgs["hestia"].slug) == orgs["hestia"]
    with pytest.raises(Http404):
        rules.get_object_for_user_or_404(queryset, user, slug=orgs["liberty"].slug)


def test_get_object_for_user_or_404_refuses_to_fetch_without_a_check(orgs):
    user = person("pat@hestia.example", (orgs["hestia"], Role.BODY_MEMBER))
    with pytest.raises(ImproperlyConfigured):
        rules.get_object_for_user_or_404(Organisation.objects.all(), user, slug=orgs["hestia"].slug)
