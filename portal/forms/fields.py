"""Form pieces the GOV.UK patterns need and Django does not have: the date input, and the version a
form was opened at."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

# The date input lives in common, so the casework pages use the same one.
from common.date_fields import DateField, DateInputWidget
from common.forms import VersionedForm as BaseVersionedForm

__all__ = ["DateField", "DateInputWidget", "VersionedForm"]


class VersionedForm(BaseVersionedForm):
    """The portal's sections are reached from the task list, so a page without its version says
    to open it again from there."""

    out_of_date_message = gettext_lazy("This page is out of date. Open it again from the task list.")
