"""Dates read the way the desk writes them, in both languages."""

import datetime

from django.template import Context, Template
from django.utils import translation

WHEN = datetime.datetime(2026, 12, 2, 13, 5)
DAY = datetime.date(2026, 3, 4)


def shown(language: str, value, format_name: str) -> str:
    with translation.override(language):
        return Template(f'{{{{ value|date:"{format_name}" }}}}').render(Context({"value": value}))


def test_english_dates_are_day_first_with_a_24_hour_clock():
    assert shown("en", WHEN, "SHORT_DATETIME_FORMAT") == "02/12/2026 13:05"
    assert shown("en", DAY, "DATE_FORMAT") == "4 March 2026"
    assert shown("en", DAY, "SHORT_DATE_FORMAT") == "04/03/2026"


def test_german_dates_keep_the_german_formats():
    assert shown("de", WHEN, "SHORT_DATETIME_FORMAT") == "02.12.2026 13:05"
    assert shown("de", DAY, "DATE_FORMAT") == "4. März 2026"
