"""Finding structured personal data in text, so staff need not: pure functions, no database.

Each detector returns ``Found(start, end, kind)`` spans, offsets into the text as Python indexes
(``text[start:end]`` is what would be removed). ``detect`` runs them all and merges overlapping
spans. Detection only *proposes*: staff confirm or reject each span before anything is published
(redaction.services), so a detector leans towards finding too much rather than too little, except
where a pattern would flood the page (a bare date is an event, not a birthday).

The patterns, and why (docs/decisions "redaction for publication"):

- e-mail: a local part, ``@``, and a domain with at least one dot.
- phone: a UK number written from ``0``, ``+44`` or ``0044`` (``+44 (0)`` too), with spaces,
  hyphens or a bracketed area code; valid once its national form has 10 or 11 digits and starts
  01, 02, 03, 05, 07 or 08 (the Ofcom ranges people are reached on).
- postcode: every UK format (A9, A99, AA9, AA99, A9A, AA9A, then 9AA) with the letters each
  position may hold, and GIR 0AA; the space may be missing; any case.
- NI number: two capital prefix letters, six digits, an optional suffix A-D, spaces allowed
  between the pairs (capitals only: in lower case, "on 00 44 20" would be one). The
  first letter is never D, F, I, Q, U or V; the second never those or O; the prefixes BG, GB, KN,
  NK, NT, TN and ZZ are never issued (HMRC's National Insurance Manual, NIM39110).
- date of birth: a date (``3/4/1990``, ``03.04.90``, ``1990-04-03``, ``3 April 1990``, ``3rd Apr
  1990``, ``April 3, 1990``) that a cue ("born", "DOB", "D.O.B.", "date of birth", "birthday")
  comes before within 40 characters, in the same sentence with no other date between, or that
  is followed by "(DOB)" or "(date of birth)". A date with no such cue is left alone: most dates in an account are events.
- crime reference: a force's shape ``CR/12345/24`` (2-4 letters, 3-8 digits, 2 or 4 digits),
  ``42/12345/2024`` (a two-digit force code, 4-7 digits, a year), and any token (letters, digits,
  hyphens, slashes) with at least 4 digits after "crime number", "crime reference", "crime ref", "crime
  no", "CRN" or "URN".
- case reference: ``2024/012345`` (the IOPC's year/number shape), and a token with at least 4 digits
  after "case number", "case reference", "case ref", "case no", "log number", "incident number" or
  "reference number".
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

EMAIL = "email"
PHONE = "phone"
POSTCODE = "postcode"
NI_NUMBER = "ni_number"
DATE_OF_BIRTH = "date_of_birth"
CRIME_REFERENCE = "crime_reference"
CASE_REFERENCE = "case_reference"
KINDS = (EMAIL, PHONE, POSTCODE, NI_NUMBER, DATE_OF_BIRTH, CRIME_REFERENCE, CASE_REFERENCE)


@dataclass(frozen=True, order=True)
class Found:
    start: int
    end: int
    kind: str

    @property
    def length(self) -> int:
        return self.end - self.start


# --- E-mail ------------------------------------------------------------------------------------

_EMAIL = re.compile(
    r"(?<![\w.%+-])[A-Za-z0-9](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])?"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![\w-])"
)


def emails(text: str) -> list[Found]:
    return [Found(m.start(), m.end(), EMAIL) for m in _EMAIL.finditer(text)]


# --- Phone numbers -----------------------------------------------------------------------------

_PHONE = re.compile(
    r"(?<![\w+/])"
    r"(?:(?:\+|00)44[ \t-]?(?:\(0\)[ \t-]?)?|\(0\d{1,4}\)[ \t-]?|0)"
    r"\d(?:[ \t-]?\d){6,11}"
    r"(?![\w/])"
)
_PHONE_RANGES = ("01", "02", "03", "05", "07", "08")


def _national(number: str) -> str:
    digits = re.sub(r"\D", "", number.replace("(0)", ""))
    if digits.startswith("0044"):
        digits = "0" + digits[4:]
    elif number.lstrip().startswith("+") and digits.startswith("44"):
        digits = "0" + digits[2:]
    return digits


def phones(text: str) -> list[Found]:
    found = []
    for match in _PHONE.finditer(text):
        national = _national(match.group())
        if len(national) in (10, 11) and national.startswith(_PHONE_RANGES):
            found.append(Found(match.start(), match.end(), PHONE))
    return found


# --- Postcodes ---------------------------------------------------------------------------------

_POSTCODE = re.compile(
    r"(?<![\w])(?:GIR[ \t]?0AA|"
    r"(?:[A-PR-UWYZ][0-9][0-9]?|[A-PR-UWYZ][A-HK-Y][0-9][0-9]?|[A-PR-UWYZ][0-9][A-HJKPSTUW]|"
    r"[A-PR-UWYZ][A-HK-Y][0-9][ABEHMNPRVWXY])"
    r"[ \t]?[0-9][ABD-HJLNP-UW-Z]{2})(?![\w])",
    re.IGNORECASE,
)


def postcodes(text: str) -> list[Found]:
    return [Found(m.start(), m.end(), POSTCODE) for m in _POSTCODE.finditer(text)]


# --- National Insurance numbers ----------------------------------------------------------------

_NI = re.compile(
    r"(?<![\w])([A-CEGHJ-PR-TW-Z][A-CEGHJ-NPR-TW-Z])[ \t]?(\d{2})[ \t]?(\d{2})[ \t]?(\d{2})"
    r"(?:[ \t]?([A-D]))?(?![\w])"
)
_NI_NEVER_ISSUED = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})


def ni_numbers(text: str) -> list[Found]:
    return [
        Found(m.start(), m.end(), NI_NUMBER)
        for m in _NI.finditer(text)
        if m.group(1).upper() not in _NI_NEVER_ISSUED
    ]


# --- Dates of birth ----------------------------------------------------------------------------

_MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month_name>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_ORDINAL = r"(?:st|nd|rd|th)?"
_DATE = re.compile(
    r"(?<![\w/.-])(?:"
    rf"(?P<d1>\d{{1,2}})[/.-](?P<m1>\d{{1,2}})[/.-](?P<y1>\d{{4}}|\d{{2}})"
    rf"|(?P<y2>\d{{4}})-(?P<m2>\d{{1,2}})-(?P<d2>\d{{1,2}})"
    rf"|(?P<d3>\d{{1,2}}){_ORDINAL}[ \t]+(?:of[ \t]+)?{_MONTH},?[ \t]+(?P<y3>\d{{4}})"
    rf"|{_MONTH.replace('month_name', 'month_name2')}[ \t]+(?P<d4>\d{{1,2}}){_ORDINAL},?[ \t]+(?P<y4>\d{{4}})"
    r")(?![\w/-])",
    re.IGNORECASE,
)
_CUE_BEFORE = re.compile(
    r"(?:\bborn\b|\bd\.?o\.?b\b\.?|\bdate[ \t]+of[ \t]+birth\b|\bbirth[ \t]?day\b|\bbirth[ \t]+date\b)",
    re.IGNORECASE,
)
_CUE_AFTER = re.compile(r"^[ \t]*\((?:d\.?o\.?b\.?|date of birth|born)\)", re.IGNORECASE)
CUE_WINDOW = 40


def _real_date(match: re.Match[str]) -> bool:
    groups = match.groupdict()
    day = groups["d1"] or groups["d2"] or groups["d3"] or groups["d4"]
    month_text = groups["m1"] or groups["m2"]
    name = groups["month_name"] or groups["month_name2"]
    month = int(month_text) if month_text else _MONTHS[name.lower().rstrip(".")]
    year_text = groups["y1"] or groups["y2"] or groups["y3"] or groups["y4"]
    year = int(year_text)
    if len(year_text) == 2:
        year += 1900 if year > 30 else 2000
    try:
        datetime.date(year, month, int(day))
    except ValueError:
        return False
    return True


_SENTENCE_END = re.compile(r"[.!?;](?:\s|$)")


def _cued(text: str, start: int, end: int) -> bool:
    """A cue before the date in the same sentence with no other date between, or one just after."""
    line_start = text.rfind("\n", 0, start) + 1
    window_start = max(line_start, start - CUE_WINDOW)
    cues = list(_CUE_BEFORE.finditer(text, window_start, start))
    if cues:
        gap = text[cues[-1].end() : start]
        if not _SENTENCE_END.search(gap) and not _DATE.search(gap):
            return True
    line_end = text.find("\n", end)
    return bool(_CUE_AFTER.match(text[end : line_end if line_end != -1 else len(text)]))


def dates_of_birth(text: str) -> list[Found]:
    return [
        Found(m.start(), m.end(), DATE_OF_BIRTH)
        for m in _DATE.finditer(text)
        if _real_date(m) and _cued(text, m.start(), m.end())
    ]


# --- Crime and case references -----------------------------------------------------------------

_CRIME_SHAPES = re.compile(
    r"(?<![\w/])(?:[A-Z]{2,4}/\d{3,8}/(?:\d{4}|\d{2})|\d{2}/\d{4,7}/(?:\d{4}|\d{2}))(?![\w/])"
)
_CASE_SHAPE = re.compile(r"(?<![\w/])(?:19|20)\d{2}/\d{5,6}(?![\w/])")
_AFTER_CUE = r"[:#]?[ \t]*(?:is[ \t]+|was[ \t]+)?(?P<token>[A-Za-z0-9][A-Za-z0-9/-]{2,}[A-Za-z0-9])"
_CRIME_CUE = re.compile(
    r"\b(?:crime[ \t]+(?:reference|ref|number|no)\.?(?:[ \t]+(?:number|no)\.?)?|CRN|URN)[ \t]*" + _AFTER_CUE,
    re.IGNORECASE,
)
_CASE_CUE = re.compile(
    r"\b(?:(?:case|log|incident|reference)[ \t]+(?:reference|ref|number|no)\.?)[ \t]*" + _AFTER_CUE,
    re.IGNORECASE,
)


def _cued_tokens(pattern: re.Pattern[str], text: str, kind: str) -> Iterator[Found]:
    for match in pattern.finditer(text):
        if sum(ch.isdigit() for ch in match.group("token")) >= 4:
            yield Found(match.start("token"), match.end("token"), kind)


def crime_references(text: str) -> list[Found]:
    found = [Found(m.start(), m.end(), CRIME_REFERENCE) for m in _CRIME_SHAPES.finditer(text)]
    return found + list(_cued_tokens(_CRIME_CUE, text, CRIME_REFERENCE))


def case_references(text: str) -> list[Found]:
    found = [Found(m.start(), m.end(), CASE_REFERENCE) for m in _CASE_SHAPE.finditer(text)]
    return found + list(_cued_tokens(_CASE_CUE, text, CASE_REFERENCE))


# --- All of them -------------------------------------------------------------------------------

DETECTORS: tuple[Callable[[str], list[Found]], ...] = (
    emails,
    phones,
    postcodes,
    ni_numbers,
    dates_of_birth,
    crime_references,
    case_references,
)


def merge(spans: Iterable[Found]) -> list[Found]:
    """Overlapping spans as one, in order: a span that overlaps the last kept one extends it, and
    the merged span keeps the kind of the longer part (spans that only touch stay apart)."""
    merged: list[Found] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if merged and span.start < merged[-1].end:
            last = merged[-1]
            kind = last.kind if last.length >= span.length else span.kind
            merged[-1] = Found(last.start, max(last.end, span.end), kind)
        else:
            merged.append(span)
    return merged


def detect(text: str) -> list[Found]:
    """Every span of structured personal data the detectors find in ``text``, merged."""
    return merge(span for detector in DETECTORS for span in detector(text))
