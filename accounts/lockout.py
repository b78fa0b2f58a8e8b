"""Sign-in lock-out with three limits, counted by django-axes from its record of failed attempts.

- one account from one address: ``AXES_FAILURE_LIMIT`` (5) failures pause that pair;
- one account from every address: ``SIGN_IN_ACCOUNT_FAILURE_LIMIT`` (10) failures pause the
  account wherever the attempts come from, so an attacker cannot step around the first limit by
  changing address;
- one address for every account: ``SIGN_IN_ADDRESS_FAILURE_LIMIT`` (20) failures pause the
  address, which slows password spraying (one password tried against many accounts).

Each pause lasts ``AXES_COOLOFF_TIME``. Axes compares one number with one limit, so this handler
reports each group's failures scaled to ``AXES_FAILURE_LIMIT``: a group reaches it exactly when it
reaches its own limit. Attempts for addresses that have no account are counted the same way, so
the pause never tells anyone whether an account exists.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest

ACCOUNT_AND_ADDRESS = ("username", "ip_address")
ACCOUNT = "username"
ADDRESS = "ip_address"
LOCKOUT_PARAMETERS: list[Any] = [list(ACCOUNT_AND_ADDRESS), ACCOUNT, ADDRESS]


def _group_limit(parameter: Any, base_limit: int) -> int:
    if parameter == ACCOUNT:
        return int(settings.SIGN_IN_ACCOUNT_FAILURE_LIMIT)
    if parameter == ADDRESS:
        return int(settings.SIGN_IN_ADDRESS_FAILURE_LIMIT)
    return base_limit


class SignInAttemptsHandler(AxesDatabaseHandler):
    """AXES_HANDLER: the database handler, with a limit of its own for each lock-out group."""

    def get_failures(self, request: HttpRequest, credentials: dict | None = None) -> int:
        base_limit = get_failure_limit(request, credentials)
        worst = 0
        for parameter, attempts in zip(
            settings.AXES_LOCKOUT_PARAMETERS, self.get_user_attempts(request, credentials), strict=True
        ):
            failures = attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            limit = _group_limit(parameter, base_limit)
            scaled = base_limit if failures >= limit else min(base_limit - 1, failures * base_limit // limit)
            worst = max(worst, scaled)
        return worst

    def reset_user_attempts(self, request: HttpRequest, credentials: dict | None = None) -> int:
        # A successful sign-in forgets that account's own failures only. Axes would also clear the
        # whole address's record, which would let a sprayer with one real account wipe the count of
        # every account they tried by signing in to their own.
        username = get_client_username(request, credentials)
        if not username:
            return 0
        count, _ = AccessAttempt.objects.filter(username=username).delete()
        return count
