"""The one versioned form: it carries the version of the record the page showed, so that the
service saving it can refuse a stale save (``expected_version=``, checked under the row lock), and
shows a refused form again as the person typed it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy


class VersionedForm(forms.Form):
    """A form with the hidden ``version`` it was opened at. Pass ``cleaned_data["version"]`` to
    the service as ``expected_version``; on ``StaleEdit`` call ``refused_as_stale``."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    # Shown when a request comes without its version: only a crafted or truncated one does.
    out_of_date_message: Promise = gettext_lazy(
        "This page is out of date. Open it again, then make your changes."
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["version"].error_messages["required"] = self.out_of_date_message

    def refused_as_stale(self, error: object, current_version: int) -> None:
        """Someone else saved first: keep what this person typed, now against the latest version
        with the refusal on top, so saving again is a deliberate choice to replace theirs."""
        data = QueryDict(mutable=True)
        data.update(self.data)
        data[self.add_prefix("version")] = str(current_version)
        self.data = data
        if not hasattr(self, "cleaned_data"):
            self.full_clean()
        self.add_error(None, str(error))
