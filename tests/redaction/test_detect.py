"""The detectors find exactly the personal data they are for, and nothing that only looks like it."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from redaction import detect
from redaction.detect import Found


def found(text: str, kind: str | None = None) -> list[str]:
    return [text[f.start : f.end] for f in detect.detect(text) if kind is None or f.kind == kind]


@pytest.mark.parametrize(
    "address",
    ["jane.doe@example.co.uk", "j_o'neil+police@mail.example.org".replace("'", ""), "A.B@police.uk"],
)
def test_email_addresses(address):
    assert found(f"Write to {address}, please.", detect.EMAIL) == [address]


def test_text_with_an_at_sign_but_no_domain_is_not_an_email():
    assert found("Meet @ the station, or at home@ 9", detect.EMAIL) == []


@pytest.mark.parametrize(
    "number",
    [
        "07700 900123",
        "07700900123",
        "+44 7700 900123",
        "+447700900123",
        "+44 (0)20 7946 0958",
        "0044 20 7946 0958",
        "020 7946 0958",
        "(020) 7946 0958",
        "0161-496-0000",
        "01632 960001",
        "0300 123 1234",
        "08000 121 700",
    ],
)
def test_uk_phone_numbers(number):
    assert found(f"Call me on {number} after six.", detect.PHONE) == [number]


@pytest.mark.parametrize(
    "text", ["Call 0123", "in 2024 and 2025", "099 1234 5678", "01234 5678", "12345678901"]
)
def test_things_that_are_not_uk_phone_numbers(text):
    assert found(text, detect.PHONE) == []


@pytest.mark.parametrize(
    "postcode",
    [
        "SW1A 1AA",
        "M1 1AE",
        "B33 8TH",
        "CR2 6XH",
        "DN55 1PT",
        "GIR 0AA",
        "EC1A 1BB",
        "W1A 0AX",
        "sw1a1aa",
        "CF10 3NQ",
    ],
)
def test_postcodes_in_every_format(postcode):
    assert found(f"I live at {postcode} now.", detect.POSTCODE) == [postcode]


@pytest.mark.parametrize("text", ["Q1 1AA", "V1A 1AA", "room B3 3CI", "SW1A 1AAA"])
def test_things_that_are_not_postcodes(text):
    assert found(text, detect.POSTCODE) == []


@pytest.mark.parametrize("number", ["AB123456C", "AB 12 34 56 C", "JT 12 34 56", "CE123456D"])
def test_national_insurance_numbers(number):
    assert found(f"NI: {number}.", detect.NI_NUMBER) == [number]


@pytest.mark.parametrize(
    "number",
    [
        "DA123456A",  # D, F, I, Q, U, V are never a first letter
        "FA123456A",
        "IA123456A",
        "QQ123456C",
        "UA123456A",
        "VA123456A",
        "AO123456A",  # O is never a second letter
        "AD123456A",
        "BG123456A",  # prefixes never issued
        "GB123456A",
        "NK123456A",
        "KN123456A",
        "TN123456A",
        "NT123456A",
        "ZZ123456A",
        "AB123456E",  # the suffix is A to D
    ],
)
def test_invalid_national_insurance_numbers_are_not_found(number):
    assert found(f"NI: {number}.", detect.NI_NUMBER) == []


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("I was born on 3 April 1990 in Leeds.", "3 April 1990"),
        ("DOB: 03/04/1990", "03/04/1990"),
        ("D.O.B. 3rd Apr. 1990", "3rd Apr. 1990"),
        ("Date of birth 1990-04-03.", "1990-04-03"),
        ("Her birthday is April 3, 1990.", "April 3, 1990"),
        ("born 3.4.90", "3.4.90"),
        ("Jo, 4/5/1990 (DOB), called.", "4/5/1990"),
    ],
)
def test_dates_of_birth_are_dates_with_a_cue(text, date):
    assert found(text, detect.DATE_OF_BIRTH) == [date]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("On 12/03/2024 the officer came.", []),  # an event, not a birthday
        ("Date of birth 1990-04-03. On 12/03/2024 it happened.", ["1990-04-03"]),  # another sentence
        ("Born 1 May 1980 and married 2 June 2001.", ["1 May 1980"]),  # a second date after the first
        ("born on 31/02/1990", []),  # not a real date
        ("born in 1990", []),  # a year is not a date
    ],
)
def test_dates_without_their_own_cue_are_left(text, expected):
    assert found(text, detect.DATE_OF_BIRTH) == expected


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("Ref CR/12345/24 was given.", "CR/12345/24"),
        ("It was logged as 42/12345/2024.", "42/12345/2024"),
        ("The crime number 123456789 was wrong.", "123456789"),
        ("crime reference: WY-2024-0099", "WY-2024-0099"),
        ("CRN 4400123/23", "4400123/23"),
    ],
)
def test_crime_reference_numbers(text, reference):
    assert found(text, detect.CRIME_REFERENCE) == [reference]


@pytest.mark.parametrize(
    ("text", "reference"),
    [
        ("The IOPC case 2019/123456 is closed.", "2019/123456"),
        ("My case reference is IOPC-2024-0012.", "IOPC-2024-0012"),
        ("log number 4512 of the day", "4512"),
    ],
)
def test_case_reference_numbers(text, reference):
    assert found(text, detect.CASE_REFERENCE) == [reference]


def test_a_complaint_s_public_reference_and_plain_numbers_are_not_references():
    assert found("Super-complaint SC-2026-001 names 12 forces and 3,400 cases in 2024/25.") == []


def test_everything_in_one_account_in_order():
    text = (
        "My name is Jane. Email jane@example.org or ring 07700 900123. "
        "I live at M1 1AE. NI AB 12 34 56 C. Born 3 April 1990. Crime number 123456789."
    )
    assert [(text[f.start : f.end], f.kind) for f in detect.detect(text)] == [
        ("jane@example.org", "email"),
        ("07700 900123", "phone"),
        ("M1 1AE", "postcode"),
        ("AB 12 34 56 C", "ni_number"),
        ("3 April 1990", "date_of_birth"),
        ("123456789", "crime_reference"),
    ]


def test_overlapping_spans_merge_and_keep_the_longer_kind():
    assert detect.merge([Found(0, 5, "a"), Found(3, 12, "b"), Found(12, 14, "c")]) == [
        Found(0, 12, "b"),
        Found(12, 14, "c"),
    ]
    # A crime reference cued by words and also of a force's shape is found once.
    text = "crime ref CR/12345/24"
    assert detect.detect(text) == [Found(10, 21, "crime_reference")]


spans = st.lists(
    st.tuples(st.integers(0, 200), st.integers(1, 30), st.sampled_from(detect.KINDS)).map(
        lambda t: Found(t[0], t[0] + t[1], t[2])
    ),
    max_size=20,
)


@given(spans)
def test_merged_spans_never_overlap_and_cover_exactly_the_same_characters(found_spans):
    merged = detect.merge(found_spans)
    assert all(a.end <= b.start for a, b in itertools.pairwise(merged))
    covered = {i for span in found_spans for i in range(span.start, span.end)}
    assert {i for span in merged for i in range(span.start, span.end)} == covered


@given(st.text(max_size=300))
def test_detection_never_fails_and_stays_inside_the_text(text):
    for span in detect.detect(text):
        assert 0 <= span.start < span.end <= len(text)


@given(st.emails())
def test_every_generated_email_address_is_found_whole(address):
    # hypothesis makes addresses with characters people rarely use; the found span must still be
    # inside the address and never run past it.
    text = f"Write to {address} today"
    for span in detect.detect(text):
        assert span.start >= len("Write to ") and span.end <= len("Write to ") + len(address)
