"""Dates known only to the month.

The public record gives some dates as a month (``2021-08``). They are stored as ISO text, which
sorts correctly beside full dates ("2021-08" < "2021-08-15" < "2021-09"), and shown as a month
("August 2021"). No day is ever invented.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from functools import total_ordering
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import formats
from django.utils.translation import gettext_lazy as _

_PATTERN = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


@total_ordering
@dataclass(frozen=True)
class PartialDate:
    year: int
    month: int
    day: int | None = None

    def __post_init__(self) -> None:
        # Validates the calendar (raises ValueError on 2021-02-30 or month 13).
        datetime.date(self.year, self.month, self.day or 1)

    @classmethod
    def parse(cls, value: str) -> PartialDate:
        match = _PATTERN.match(value.strip())
        if not match:
            raise ValueError(f"{value!r} is not a date (YYYY-MM-DD) or a month (YYYY-MM)")
        year, month, day = match.groups()
        return cls(int(year), int(month), int(day) if day else None)

    @classmethod
    def from_date(cls, value: datetime.date) -> PartialDate:
        return cls(value.year, value.month, value.day)

    @property
    def is_month_only(self) -> bool:
        return self.day is None

    @property
    def as_date(self) -> datetime.date | None:
        """The full date, or None when only the month is known."""
        return None if self.day is None else datetime.date(self.year, self.month, self.day)

    def isoformat(self) -> str:
        if self.day is None:
            return f"{self.year:04d}-{self.month:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def _key(self) -> tuple[int, int, int]:
        return (self.year, self.month, self.day or 0)

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._key() < other._key()

    def __str__(self) -> str:
        """ "26 May 2021" or "August 2021", in the active language."""
        if self.day is None:
            return formats.date_format(datetime.date(self.year, self.month, 1), "F Y")
        return formats.date_format(datetime.date(self.year, self.month, self.day), "j F Y")


def validate_partial_date(value: Any) -> None:
    if isinstance(value, PartialDate):
        return
    try:
        PartialDate.parse(str(value))
    except ValueError:
        raise ValidationError(
            _("Enter a date as YYYY-MM-DD, or a month as YYYY-MM when the day is not known."),
            code="invalid_partial_date",
        ) from None


if TYPE_CHECKING:
    # For the type checker: what the field accepts, and what it gives back.
    _CharField = models.CharField[PartialDate | datetime.date | str | None, PartialDate | None]
else:
    _CharField = models.CharField


class PartialDateField(_CharField):
    """A date that may be known only to the month, stored as ISO text."""

    description = _("Date, or month when the day is not known")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["max_length"] = 10
        super().__init__(*args, **kwargs)
        self.validators.append(validate_partial_date)

    def deconstruct(self):  # type: ignore[no-untyped-def]
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("max_length", None)
        return name, path, args, kwargs

    def from_db_value(self, value: str | None, expression: Any, connection: Any) -> PartialDate | None:
        if not value:
            return None
        return PartialDate.parse(value)

    def to_python(self, value: Any) -> PartialDate | None:
        if value in (None, "") or isinstance(value, PartialDate):
            return value or None
        if isinstance(value, datetime.datetime):
            raise ValidationError(_("A moment is not a date."), code="invalid_partial_date")
        if isinstance(value, datetime.date):
            return PartialDate.from_date(value)
        try:
            return PartialDate.parse(str(value))
        except ValueError:
            raise ValidationError(
                _("Enter a date as YYYY-MM-DD, or a month as YYYY-MM when the day is not known."),
                code="invalid_partial_date",
            ) from None

    def get_prep_value(self, value: Any) -> str | None:
        value = self.to_python(value)
        return None if value is None else value.isoformat()

    def value_to_string(self, obj: models.Model) -> str:
        value = self.value_from_object(obj)
        return "" if value is None else value.isoformat()
