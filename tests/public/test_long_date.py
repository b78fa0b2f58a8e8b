"""The register's long dates (``public_register.long_date``), worked out once per date and language."""

from __future__ import annotations

import datetime
import zoneinfo

from django.utils import translation

from public.templatetags.public_register import long_date

DAY = datetime.date(2026, 6, 1)


def test_a_date_is_given_in_the_language_of_the_page_each_time():
    with translation.override("en-gb"):
        english = long_date(DAY)
    with translation.override("cy"):
        welsh = long_date(DAY)
    with translation.override("en-gb"):
        again = long_date(DAY)

    assert english == '<time datetime="2026-06-01">1 June 2026</time>'
    assert welsh == '<time datetime="2026-06-01">1 Mehefin 2026</time>'
    assert again == english


def test_equal_moments_in_other_zones_keep_their_own_offset():
    utc = datetime.datetime(2026, 6, 1, 11, 0, tzinfo=datetime.UTC)
    london = utc.astimezone(zoneinfo.ZoneInfo("Europe/London"))

    with translation.override("en-gb"):
        assert 'datetime="2026-06-01T11:00:00+00:00"' in long_date(utc)
        assert 'datetime="2026-06-01T12:00:00+01:00"' in long_date(london)
