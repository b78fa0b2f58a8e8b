"""The GOV.UK date input (day, month and year boxes) as a form field, for every interface app."""

from __future__ import annotations

import datetime
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django_stubs_ext import StrPromise


class DateInputWidget(forms.MultiWidget):
    """Day, month and year boxes (the GOV.UK date input). Rendered by includes/forms/date.html."""

    def __init__(self, attrs: dict[str, Any] | None = None):
        super().__init__([forms.TextInput(), forms.TextInput(), forms.TextInput()], attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, datetime.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class DateField(forms.MultiValueField):
    """A date typed as day, month and year, with GOV.UK's error messages.

    ``subject`` names the date in messages ("the date the designation came into force"), so each
    error says what to fix: "Enter the date the designation came into force".
    """

    widget = DateInputWidget

    def __init__(self, *, subject: str | StrPromise, required: bool = True, **kwargs: Any):
        self.subject = subject
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        super().__init__(fields, required=required, require_all_fields=False, **kwargs)

    def clean(self, value: Any) -> datetime.date | None:
        subject = str(self.subject)
        parts = [str(v or "").strip() for v in (value or ["", "", ""])]
        if not any(parts):
            if self.required:
                raise forms.ValidationError(_("Enter %(subject)s") % {"subject": subject}, code="required")
            return None
        missing = [
            name
            for name, part in zip((_("a day"), _("a month"), _("a year")), parts, strict=True)
            if not part
        ]
        if missing:
            raise forms.ValidationError(
                _("%(subject)s must include %(missing)s")
                % {
                    "subject": subject[:1].upper() + subject[1:],
                    "missing": _(" and ").join(missing),
                },
                code="incomplete",
            )
        try:
            day, month, year = (int(p) for p in parts)
            if year < 1000:
                raise ValueError
            return datetime.date(year, month, day)
        except ValueError:
            raise forms.ValidationError(
                _("%(subject)s must be a real date, for example 1 11 2018")
                % {"subject": subject[:1].upper() + subject[1:]},
                code="invalid",
            ) from None

    def compress(self, data_list: list[Any]) -> Any:
        # clean() above does the whole job; MultiValueField insists on this method existing.
        return None
