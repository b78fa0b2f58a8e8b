"""The retention schedule's categories and their default periods: the one table the data migration
seeds ``RetentionRule`` from and ``docs/data-protection.md`` ("Retention") states
(``tests/retention/test_schedule.py`` checks that the two agree).

Each category names one kind of record holding personal data, what the job does to it at the end of
its period, and where its clock starts. The periods are the operator's to change on the staff
"Retention" page; the categories, their clocks and the actions each may take are fixed here, because
the job (``operations.retention``) implements exactly these. UK GDPR art. 5(1)(e): personal data
kept no longer than necessary.

Pure data: no models, so the data migration can import it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

ANONYMISE = "anonymise"
DELETE = "delete"
DAYS = "days"
MONTHS = "months"

# What an anonymised text field holds afterwards: the same words everywhere, so a reader knows the
# text was removed on purpose, and the job knows it has nothing left to do.
REMOVED = "[Removed under the retention schedule]"


@dataclass(frozen=True)
class Category:
    key: str
    label: Promise
    what: Promise  # the personal data the action removes
    clock: Promise  # where the period starts
    actions: tuple[str, ...]  # the actions this kind of record can take; the first is the default
    period: int
    unit: str

    @property
    def action(self) -> str:
        return self.actions[0]


CATEGORIES: tuple[Category, ...] = (
    Category(
        key="call_response_identity",
        label=gettext_lazy("Names and e-mail addresses in responses to calls for evidence"),
        what=gettext_lazy("the respondent's name and e-mail address"),
        clock=gettext_lazy("the complaint's report is published, or the complaint ends, whichever is first"),
        actions=(ANONYMISE,),
        period=12,
        unit=MONTHS,
    ),
    Category(
        key="call_response_answers",
        label=gettext_lazy("Answers in responses to calls for evidence"),
        what=gettext_lazy("the text of every answer"),
        clock=gettext_lazy("the complaint ends"),
        actions=(ANONYMISE,),
        period=72,
        unit=MONTHS,
    ),
    Category(
        key="complaint_contact",
        label=gettext_lazy("Complaints' contact individuals"),
        what=gettext_lazy("the contact's name, role, e-mail address and phone number"),
        clock=gettext_lazy("the complaint ends"),
        actions=(ANONYMISE,),
        period=72,
        unit=MONTHS,
    ),
    Category(
        key="evidence_files",
        label=gettext_lazy("Evidence files"),
        what=gettext_lazy("the stored file, its name, description and extracted text"),
        clock=gettext_lazy("the complaint ends"),
        actions=(DELETE,),
        period=72,
        unit=MONTHS,
    ),
    Category(
        key="outbox_messages",
        label=gettext_lazy("Sent e-mails"),
        what=gettext_lazy("the recipients' addresses, the context the e-mail was written from and its HTML"),
        clock=gettext_lazy("the e-mail is sent (or, for one never delivered, written)"),
        actions=(ANONYMISE,),
        period=24,
        unit=MONTHS,
    ),
    Category(
        key="alert_unconfirmed",
        label=gettext_lazy("Unconfirmed e-mail alert subscriptions"),
        what=gettext_lazy("the whole subscription"),
        clock=gettext_lazy("the person asks for alerts"),
        actions=(DELETE,),
        period=7,
        unit=DAYS,
    ),
    Category(
        key="alert_unsubscribed",
        label=gettext_lazy("Ended e-mail alert subscriptions"),
        what=gettext_lazy("the whole subscription"),
        clock=gettext_lazy("the person unsubscribes"),
        actions=(DELETE,),
        period=30,
        unit=DAYS,
    ),
    Category(
        key="dormant_accounts",
        label=gettext_lazy("Dormant accounts"),
        what=gettext_lazy(
            "the name, e-mail address, password and authenticator app; the account is closed and its "
            "memberships removed"
        ),
        clock=gettext_lazy("the account's last sign-in (or its creation, if it never signed in)"),
        actions=(ANONYMISE,),
        period=24,
        unit=MONTHS,
    ),
    Category(
        key="sign_in_attempts",
        label=gettext_lazy("Sign-in records"),
        what=gettext_lazy(
            "the whole record: the e-mail address typed, the IP address and the browser, for failed "
            "attempts and for sign-ins"
        ),
        clock=gettext_lazy("the attempt (for failures counted together, the latest of them)"),
        actions=(DELETE,),
        period=90,
        unit=DAYS,
    ),
    Category(
        key="ended_invitations",
        label=gettext_lazy("Ended invitations to organisations"),
        what=gettext_lazy("the e-mail address invited; the record of who invited whom stays"),
        clock=gettext_lazy("the invitation is accepted, withdrawn or replaced, or expires unused"),
        actions=(ANONYMISE,),
        period=12,
        unit=MONTHS,
    ),
)

BY_KEY: dict[str, Category] = {category.key: category for category in CATEGORIES}

# The longest period a rule may have: a hundred years, in either unit.
MAX_PERIOD = {DAYS: 36_525, MONTHS: 1_200}
