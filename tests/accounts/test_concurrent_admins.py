"""Two administrators of one organisation remove each other's administrator role at the same moment
(PostgreSQL, two real connections): one succeeds, the other is refused, and the organisation keeps an
administrator. The test asks for ``transactional_db`` so the threads' connections see its rows."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from accounts import services
from accounts.invitations import InvitationError, remove_membership
from accounts.models import Membership, Role, User
from audit.models import AuditEvent
from organisations.models import OrganisationKind
from tests.accounts.support import make_org

postgresql_only = pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL")


@postgresql_only
def test_two_administrators_removing_each_other_at_once_leave_one(transactional_db):
    kent = make_org(OrganisationKind.FORCE, "Kent Police")
    admins = []
    for email in ("one@kent.example", "two@kent.example"):
        user = services.create_account(email=email)
        admins.append(
            (user, services.add_membership(user=user, organisation=kent, role=Role.ORGANISATION_ADMIN))
        )
    start = threading.Barrier(2)
    outcomes: list[dict] = [{}, {}]

    def remove(outcome: dict, by: User, membership: Membership) -> None:
        try:
            start.wait(timeout=30)
            remove_membership(membership, by=User.objects.get(pk=by.pk))
            outcome["value"] = "removed"
        except InvitationError as error:
            outcome["value"] = str(error)
        except BaseException as error:  # handed back to the test, which re-raises it
            outcome["error"] = error
        finally:
            connections.close_all()

    (one, one_admin), (two, two_admin) = admins
    threads = [
        threading.Thread(target=remove, args=(outcomes[0], one, two_admin)),
        threading.Thread(target=remove, args=(outcomes[1], two, one_admin)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert all("error" not in outcome for outcome in outcomes), outcomes
    assert sorted(outcome["value"] == "removed" for outcome in outcomes) == [False, True]
    assert Membership.objects.filter(organisation=kent, role=Role.ORGANISATION_ADMIN).count() == 1
    assert AuditEvent.objects.filter(action="membership.removed").count() == 1
