"""Full-text search of stored documents' extracted text, on the database's own engine.

SQLite: the FTS5 table ``evidence_document_fts`` (rowid = document id), ranked by bm25, snippets
by ``snippet()``. PostgreSQL: the ``evidence_document.search_vector`` tsvector with a GIN index,
ranked by ``ts_rank``, snippets by ``ts_headline``. Both are created by migration
evidence/0004 and kept up to date only here (``index_document``, ``remove_from_index``).

``search_documents`` is the one selector. Which documents a user may find is not decided here: it
asks the same rules the download views ask (access/rules.py: ``evidence_items_visible_to``,
``force_requests_visible_to``, ``information_requests_visible_to``), so a document a user cannot
download is a document they cannot find.
"""

from __future__ import annotations

import datetime
import logging
import re
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import EmptyResultSet, ImproperlyConfigured
from django.db import DataError, OperationalError, connection, transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from access import rules
from audit.models import AuditEvent
from audit.services import record_event
from evidence.models import Document, ScanStatus

# Where a document came from.
EVIDENCE = "evidence"
RETURN = "return"
TEMPLATE = "template"
CALL = "call"  # a file attached to a response to a call for evidence
SOURCES = (EVIDENCE, RETURN, TEMPLATE, CALL)

logger = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 200
MAX_TERMS = 12
PAGE_SIZE = 20

# Private-use characters the database puts round each match; extracted text never holds them
# (evidence.textextract strips them), so after escaping, only these become <mark>.
START, STOP = "\ue000", "\ue001"
# PostgreSQL's ts_headline drops anything that looks like an HTML tag; '<' and '>' are swapped for
# these on the way in and back on the way out, so a document's "<script>" is shown, escaped.
LT, GT = "\ue002", "\ue003"
ELLIPSIS = "…"
LONDON = ZoneInfo("Europe/London")
_WORD = re.compile(r"\w+")
_HEADLINE_OPTIONS = (
    f'StartSel="{START}", StopSel="{STOP}", MaxWords=30, MinWords=12, MaxFragments=2, '
    f'FragmentDelimiter=" {ELLIPSIS} "'
)


class SearchError(ValueError):
    """A search that cannot be run as asked; ``str()`` is a message for the person searching."""


@dataclass(frozen=True)
class Hit:
    """One document found, with where it came from; the interface app builds the links."""

    document: Document
    source: str
    complaint: Any
    snippet: SafeString
    evidence_item_id: int | None = None
    force_request_id: int | None = None
    information_request_id: int | None = None
    call_response_id: int | None = None
    force_name: str = ""


@dataclass(frozen=True)
class Results:
    """A page of hits. ``total`` is how many documents are ranked: every match the user may see,
    or, when there are more than ``EVIDENCE_SEARCH_RANK_LIMIT`` (``more``), that many, the most
    recently added."""

    hits: list[Hit]
    total: int
    more: bool = False
    terms: list[str] = field(default_factory=list)
    page: int = 1
    page_size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))


def terms_of(query: str) -> list[str]:
    """The words searched for (letters and digits; punctuation and operators are ignored).
    Raises ``SearchError`` for a query with no words or too long."""
    query = (query or "").strip()
    if len(query) > MAX_QUERY_LENGTH:
        raise SearchError(
            _("Search words must be %(limit)s characters or fewer") % {"limit": MAX_QUERY_LENGTH}
        )
    terms = _WORD.findall(query)
    if not terms:
        raise SearchError(_("Enter the words to search for"))
    return terms[:MAX_TERMS]


def highlighted(raw: str) -> SafeString:
    """A snippet from the database made safe: every character escaped, then only the matches
    (between START and STOP) marked."""
    text = str(escape(raw.replace(LT, "<").replace(GT, ">")))
    text = text.replace(START, "<mark>").replace(STOP, "</mark>")
    # A match the database cut at the snippet's edge leaves a <mark> open: close it.
    if text.count("<mark>") > text.count("</mark>"):
        text += "</mark>"
    return mark_safe(text)


# --- The index -----------------------------------------------------------------------------------


def _vendor() -> str:
    if connection.vendor not in ("sqlite", "postgresql"):
        raise ImproperlyConfigured(f"evidence search supports SQLite and PostgreSQL, not {connection.vendor}")
    return connection.vendor


def index_document(document_id: int) -> None:
    """Put the document's current ``extracted_text`` in the full-text index (replacing what was
    there), in the caller's transaction. No audit event: the change it follows records one."""
    with connection.cursor() as cursor:
        if _vendor() == "sqlite":
            cursor.execute("DELETE FROM evidence_document_fts WHERE rowid = %s", [document_id])
            cursor.execute(
                "INSERT INTO evidence_document_fts (rowid, body) "
                "SELECT id, extracted_text FROM evidence_document WHERE id = %s AND extracted_text <> ''",
                [document_id],
            )
            return
    # PostgreSQL: a tsvector holds at most 1 MB. A document too varied for that is indexed without
    # word positions (strip), which still finds every word; failing that, its first part.
    for vector in (
        "to_tsvector('english'::regconfig, extracted_text)",
        "strip(to_tsvector('english'::regconfig, extracted_text))",
        "strip(to_tsvector('english'::regconfig, left(extracted_text, 200000)))",
    ):
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"UPDATE evidence_document SET search_vector = CASE WHEN extracted_text = '' "  # noqa: S608
                    f"THEN NULL ELSE {vector} END WHERE id = %s",
                    [document_id],
                )
            return
        except (DataError, OperationalError):  # "string is too long for tsvector"
            continue
    logger.warning("document %s could not be put in the search index", document_id)


def remove_from_index(document_id: int) -> None:
    """Take a document out of the full-text index (it is being deleted, or lost its file)."""
    with connection.cursor() as cursor:
        if _vendor() == "sqlite":
            cursor.execute("DELETE FROM evidence_document_fts WHERE rowid = %s", [document_id])
        else:
            cursor.execute("UPDATE evidence_document SET search_vector = NULL WHERE id = %s", [document_id])


# --- Searching -----------------------------------------------------------------------------------


def _day_start(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time.min, tzinfo=LONDON)


def _origins(user: Any, *, complaint: Any = None, source: str | None = None) -> dict[str, QuerySet[Any]]:
    """For each source asked for, the rows that tie a document the user may see to its complaint,
    from the same rules as the download views."""
    found: dict[str, QuerySet[Any]] = {}
    if source in (None, EVIDENCE):
        items = rules.evidence_items_visible_to(user).filter(document__isnull=False)
        if complaint is not None:
            # Compared as "complaint_id + 0", which no index serves: without table statistics SQLite
            # would otherwise look up a document's evidence row by the complaint's index (every
            # item of the complaint, for each document found) instead of the document's.
            items = items.alias(complaint_number=F("complaint_id") + 0).filter(complaint_number=complaint.pk)
        found[EVIDENCE] = items
    if source in (None, RETURN):
        from inquiries.models import ForceRequest

        returned = ForceRequest.documents.through.objects.filter(
            forcerequest__in=rules.force_requests_visible_to(user)
        )
        if complaint is not None:
            returned = returned.filter(forcerequest__request__complaint=complaint)
        found[RETURN] = returned
    if source in (None, TEMPLATE):
        requests = rules.information_requests_visible_to(user).filter(template__isnull=False)
        found[TEMPLATE] = requests.filter(complaint=complaint) if complaint is not None else requests
    if source in (None, CALL):
        from calls.models import CallResponse

        attached = CallResponse.documents.through.objects.filter(
            callresponse__in=rules.call_responses_visible_to(user)
        )
        if complaint is not None:
            attached = attached.filter(callresponse__call__complaint=complaint)
        found[CALL] = attached
    return found


_DOCUMENT_COLUMN = {
    EVIDENCE: "document_id",
    RETURN: "document_id",
    TEMPLATE: "template_id",
    CALL: "document_id",
}


def visible_documents(
    user: Any,
    *,
    complaint: Any = None,
    source: str | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> QuerySet[Document]:
    """The released documents the user may download, narrowed by the filters."""
    origins = _origins(user, complaint=complaint, source=source)
    if not origins:
        return Document.objects.none()
    # EXISTS, tied to each document: the database checks only the documents the index found,
    # never lists every document the user may see (which for staff is all of them).
    where = Q()
    for name, rows in origins.items():
        where |= Q(Exists(rows.filter(**{_DOCUMENT_COLUMN[name]: OuterRef("pk")})))
    documents = Document.objects.filter(where, scan_status__in=[ScanStatus.NOT_SCANNED, ScanStatus.CLEAN])
    documents = documents.exclude(file="")
    if date_from is not None:
        documents = documents.filter(uploaded_at__gte=_day_start(date_from))
    if date_to is not None:
        documents = documents.filter(uploaded_at__lt=_day_start(date_to + datetime.timedelta(days=1)))
    return documents


def search_documents(
    user: Any,
    query: str,
    *,
    complaint: Any = None,
    source: str | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    page: int = 1,
    page_size: int = PAGE_SIZE,
) -> Results:
    """The documents the user may download whose text has every word of ``query``, best first,
    each with a highlighted snippet and where it came from. When more than
    ``EVIDENCE_SEARCH_RANK_LIMIT`` match, only that many are ranked, the most recently added (the
    highest ids), and ``Results.more`` says so: ranking every match of a common word is what made
    such a search slow (docs/decisions/0050-bounded-evidence-search.md).

    ``complaint`` (a complaint), ``source`` (one of ``SOURCES``) and the dates (uploaded on or
    after ``date_from``, on or before ``date_to``, London days) narrow it. Raises ``SearchError``
    (a message for the person) for a query without words, an unknown source or dates the wrong way
    round. Reads only: the view records the search (``record_search``).
    """
    terms = terms_of(query)
    if source is not None and source not in SOURCES:
        raise SearchError(_("Select where to search"))
    if date_from and date_to and date_from > date_to:
        raise SearchError(_("The ‘from’ date must be the same as or before the ‘to’ date"))
    page = max(1, page)
    limit = settings.EVIDENCE_SEARCH_RANK_LIMIT
    if not _matches_anything(terms):
        # No document at all has every word: no permission rules to build, nothing to rank.
        return Results(hits=[], total=0, terms=terms, page=page, page_size=page_size)
    # Each origin's rules are compiled to SQL once, for both the permission check and the page's
    # origins: building them is most of a rare word's search otherwise.
    origins = _compiled_origins(user, complaint=complaint, source=source)
    if not origins:
        return Results(hits=[], total=0, terms=terms, page=page, page_size=page_size)
    visible_sql, visible_params = _visible_sql(origins, date_from=date_from, date_to=date_to)
    if _vendor() == "sqlite":
        ids, total, more = _sqlite(terms, visible_sql, visible_params, limit, page, page_size)
    else:
        ids, total, more = _postgres(terms, visible_sql, visible_params, limit, page, page_size)
    # Where each came from, read back through the same rules, before any snippet is made.
    found = _origins_of(origins, ids)
    shown = [pk for pk in ids if pk in found]
    snippets = _sqlite_snippets(terms, shown) if _vendor() == "sqlite" else _postgres_snippets(terms, shown)
    hits = _hits([(pk, snippets.get(pk, "")) for pk in shown], found)
    return Results(hits=hits, total=total, more=more, terms=terms, page=page, page_size=page_size)


def _fts5_match(terms: list[str], operator: str = " ") -> str:
    # Each word quoted, so nothing the person types is FTS5 syntax; " " is AND, " OR " is OR.
    return operator.join('"' + term.replace('"', "") + '"' for term in terms)


def _matches_anything(terms: list[str]) -> bool:
    """Whether any document in the index has every word, whoever may see it: the index alone, no
    permission check (a search that finds nothing at all is answered without one)."""
    if _vendor() == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT 1 FROM evidence_document_fts WHERE evidence_document_fts MATCH %s LIMIT 1",
                [_fts5_match(terms)],
            )
            return cursor.fetchone() is not None
    with transaction.atomic(), connection.cursor() as cursor:
        # From the GIN index: with a LIMIT the planner would read the table (or its primary key)
        # until a match turned up, which for a word in no document is every row.
        cursor.execute("SET LOCAL enable_seqscan = off; SET LOCAL enable_indexscan = off")
        cursor.execute(
            f"SELECT 1 {_PG_SOURCE} WHERE d.search_vector @@ q.query LIMIT 1",
            [" ".join(terms)],
        )
        found = cursor.fetchone() is not None
        # Not left set for the rest of a transaction this one is part of.
        cursor.execute("SET LOCAL enable_seqscan TO DEFAULT; SET LOCAL enable_indexscan TO DEFAULT")
    return found


def _page_of(
    newest: list[tuple[int, float]], limit: int, page: int, page_size: int
) -> tuple[list[int], int, bool]:
    """From the newest matches (id, score: lower is better), id descending, at most ``limit`` + 1
    of them: the ids of the page asked for, best first (ties: newest first), how many are ranked,
    and whether there were more than ``limit``."""
    more = len(newest) > limit
    kept = newest[:limit]
    ranked = sorted(kept, key=lambda row: (row[1], -row[0]))
    return [pk for pk, _score in ranked[(page - 1) * page_size : page * page_size]], len(kept), more


def _sqlite(
    terms: list[str], visible_sql: str, params: list[Any], limit: int, page: int, page_size: int
) -> tuple[list[int], int, bool]:
    with connection.cursor() as cursor:
        # The index answers newest first (FTS5 walks its lists backwards by rowid, no sort); CROSS
        # JOIN keeps it the outer loop, so the permission filter (EXISTS per document) checks only
        # what the index found, and the LIMIT stops both after limit + 1 documents the user may
        # see. bm25 is scored for those alone.
        cursor.execute(
            "SELECT evidence_document_fts.rowid, bm25(evidence_document_fts) FROM evidence_document_fts "  # noqa: S608
            f"CROSS JOIN ({visible_sql}) AS visible ON visible.visible_id = evidence_document_fts.rowid "
            "WHERE evidence_document_fts MATCH %s ORDER BY evidence_document_fts.rowid DESC LIMIT %s",
            [*params, _fts5_match(terms), limit + 1],
        )
        return _page_of(cursor.fetchall(), limit, page, page_size)


def _postgres(
    terms: list[str], visible_sql: str, params: list[Any], limit: int, page: int, page_size: int
) -> tuple[list[int], int, bool]:
    with transaction.atomic(), connection.cursor() as cursor:
        # The permission subqueries make the planner's estimates large enough to switch on JIT
        # compilation, which costs more (about 0.4 s) than the query it speeds up.
        cursor.execute("SET LOCAL jit = off")
        # The newest limit + 1 matches the user may see, then ts_rank for those alone: the inner
        # LIMIT keeps the subquery whole, so no other document's tsvector is read to rank it.
        # The permission check is a correlated EXISTS kept as a subplan by OFFSET 0: as "IN" (a
        # semi-join) the planner hashed every evidence item, return and attachment in the
        # database however few rows the LIMIT needed; this way each match is checked by index,
        # and a common word stops after limit + 1 (docs/decisions/0050-bounded-evidence-search.md).
        cursor.execute(
            "SELECT newest.id, -ts_rank(newest.search_vector, newest.query) FROM ("  # noqa: S608
            f"SELECT d.id, d.search_vector, q.query {_PG_SOURCE} WHERE d.search_vector @@ q.query "
            f"AND EXISTS (SELECT 1 FROM ({visible_sql}) AS visible WHERE visible.visible_id = d.id OFFSET 0) "
            "ORDER BY d.id DESC LIMIT %s) AS newest ORDER BY newest.id DESC",
            [" ".join(terms), *params, limit + 1],
        )
        rows = cursor.fetchall()
        # Back as it was for the rest of a transaction this one may be a savepoint of.
        cursor.execute("SET LOCAL jit TO DEFAULT")
        return _page_of(rows, limit, page, page_size)


_PG_SOURCE = "FROM evidence_document d, plainto_tsquery('english'::regconfig, %s) AS q(query)"


# --- Snippets ------------------------------------------------------------------------------------
#
# The database's own snippet function reads, splits and stems a document's whole text, which for
# 20 documents of 2,000 words was most of a rare word's search (docs/decisions/0051). So it is
# given a window of the text instead: round the first place every word is found near the others,
# or else round the first word found. Python finds that place from the words' stems (asked of the
# database), so it only guesses: the database still decides what matches and marks it, and a
# window it marks nothing in is replaced by the whole text, as before.

# Characters of text kept before the place found and, after it, for the other words to be within.
_WINDOW = {"sqlite": (200, 400), "postgresql": (300, 1200)}
# At most this many places of one word are looked at in a text (a common word is in it hundreds of
# times; the first few are enough to find where the words come together).
_PLACES = 200
_SPACE = re.compile(r"\s")
_TAGS = str.maketrans({"<": LT, ">": GT})


def _prefix(stem: str) -> str:
    """What every word with this stem starts with, near enough: stemming changes at most the end
    of a word ("happy" -> "happi", "hoping" -> "hope", "possibility" -> "possibl")."""
    return stem[:-1] if len(stem) > 3 or stem.endswith(("i", "e")) else stem


def _window(text: str, stems: list[str], before: int, after: int) -> tuple[int, int] | None:
    """Where in ``text`` to make the snippet from (start, end, at spaces), or None when no word of
    it looks like one searched for."""
    places: list[tuple[int, int]] = []
    folded = text.lower()
    if len(folded) != len(text):  # a letter whose lower case is longer: look case by case instead
        folded = text
    for group, prefix in enumerate(dict.fromkeys(_prefix(stem.lower()) for stem in stems if stem)):
        found, kept = folded.find(prefix), 0
        while found != -1 and kept < _PLACES:
            # Only at the start of a word (the tokenizers split at anything but a letter or digit).
            if found == 0 or not folded[found - 1].isalnum():
                places.append((found, group))
                kept += 1
            found = folded.find(prefix, found + 1)
    if not places:
        return None
    places.sort()
    groups = len({group for _place, group in places})
    # The first run of places, at most ``after`` long, holding a place of every word.
    start = places[0][0]
    seen: dict[int, int] = {}
    left = 0
    for place, group in places:
        seen[group] = seen.get(group, 0) + 1
        while place - places[left][0] > after:
            first = places[left][1]
            seen[first] -= 1
            if not seen[first]:
                del seen[first]
            left += 1
        if len(seen) == groups:
            start = places[left][0]
            break
    # Cut at spaces, so no word is cut in two (and its end taken for a word of its own); text
    # without a space for a while is kept from its start.
    begin = 0
    if start > before:
        space = next((i for i in range(start - before, start - before - 200, -1) if text[i].isspace()), None)
        begin = 0 if space is None else space + 1
    end = start + after + before
    if end >= len(text):
        return begin, len(text)
    following = _SPACE.search(text, end)
    return begin, following.start() if following else len(text)


def _texts(ids: list[int]) -> dict[int, str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, extracted_text FROM evidence_document "  # noqa: S608
            f"WHERE id IN ({', '.join(['%s'] * len(ids))})",
            ids,
        )
        return dict(cursor.fetchall())


def _sqlite_snippets(terms: list[str], ids: list[int]) -> dict[int, str]:
    """FTS5 ``snippet()`` of each document (24 words, matches between START and STOP), made from
    a window of its text put in a temporary FTS5 table of the same tokenizer, so it is split,
    stemmed and marked as the index does it."""
    if not ids:
        return {}
    with connection.cursor() as cursor:
        snippets = _sqlite_window_snippets(cursor, terms, ids)
        rest = [pk for pk in ids if pk not in snippets]
        if rest:
            cursor.execute(
                "SELECT rowid, snippet(evidence_document_fts, 0, %s, %s, %s, 24) FROM evidence_document_fts "  # noqa: S608
                f"WHERE evidence_document_fts MATCH %s AND rowid IN ({', '.join(['%s'] * len(rest))})",
                [START, STOP, ELLIPSIS, _fts5_match(terms), *rest],
            )
            snippets.update(cursor.fetchall())
    return snippets


def _sqlite_window_snippets(cursor: Any, terms: list[str], ids: list[int]) -> dict[int, str]:
    before, after = _WINDOW["sqlite"]
    # The temporary tables are this connection's own, emptied after each use. The writes are in
    # a savepoint so FTS5 writes its index once, not row by row; a savepoint, not Django's
    # atomic(), because that begins IMMEDIATE, taking the main database's write lock to write
    # only to the temporary one.
    cursor.execute("SAVEPOINT evidence_snippets")
    try:
        cursor.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.evidence_snippet_window "
            "USING fts5(body, tokenize = 'porter unicode61')"
        )
        cursor.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS temp.evidence_snippet_terms "
            "USING fts5vocab(temp, evidence_snippet_window, row)"
        )
        cursor.execute("DELETE FROM temp.evidence_snippet_window")
        # The stems of the words searched for, from the tokenizer itself.
        cursor.execute(
            "INSERT INTO temp.evidence_snippet_window (rowid, body) VALUES (0, %s)", [" ".join(terms)]
        )
        cursor.execute("SELECT term FROM temp.evidence_snippet_terms")
        stems = [term for (term,) in cursor.fetchall()]
        cursor.execute("DELETE FROM temp.evidence_snippet_window")
        windows: dict[int, tuple[int, int, int]] = {}
        for pk, text in _texts(ids).items():
            window = _window(text, stems, before, after)
            if window is not None:
                windows[pk] = (*window, len(text))
                cursor.execute(
                    "INSERT INTO temp.evidence_snippet_window (rowid, body) VALUES (%s, %s)",
                    [pk, text[window[0] : window[1]]],
                )
        found = []
        if windows:
            # Any of the words (a window may hold only some): every one in the snippet is
            # marked, as in a snippet of the whole text.
            cursor.execute(
                "SELECT rowid, snippet(evidence_snippet_window, 0, %s, %s, %s, 24) "
                "FROM temp.evidence_snippet_window WHERE evidence_snippet_window MATCH %s",
                [START, STOP, ELLIPSIS, _fts5_match(terms, " OR ")],
            )
            found = cursor.fetchall()
        cursor.execute("DELETE FROM temp.evidence_snippet_window")
    except BaseException:
        cursor.execute("ROLLBACK TO evidence_snippets")
        raise
    finally:
        cursor.execute("RELEASE evidence_snippets")
    snippets: dict[int, str] = {}
    for pk, snippet in found:
        if START not in snippet:
            continue  # the window held no match after all
        begin, end, length = windows[pk]
        # The window's edges are not the text's: say the text goes on, as snippet() does.
        if begin > 0 and not snippet.startswith(ELLIPSIS):
            snippet = ELLIPSIS + snippet
        if end < length and not snippet.endswith(ELLIPSIS):
            snippet += ELLIPSIS
        snippets[pk] = snippet
    return snippets


def _postgres_snippets(terms: list[str], ids: list[int]) -> dict[int, str]:
    """``ts_headline`` of each document (two fragments of at most 30 words, matches between
    START and STOP), made from a window of its text."""
    if not ids:
        return {}
    words = " ".join(terms)
    before, after = _WINDOW["postgresql"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT tsvector_to_array(to_tsvector('english'::regconfig, %s))", [words])
        (stems,) = cursor.fetchone()
        windows: list[tuple[int, str]] = []
        for pk, text in _texts(ids).items():
            window = _window(text, stems, before, after)
            if window is not None:
                windows.append((pk, text[window[0] : window[1]].translate(_TAGS)))
        headlines: dict[int, str] = {}
        if windows:
            # The query searched for (every word): a window without them all gives a headline
            # with no match marked, and the whole text is used, as before.
            cursor.execute(
                "SELECT w.id, ts_headline('english'::regconfig, w.body, q.query, %s) "
                "FROM unnest(%s::bigint[], %s::text[]) AS w(id, body), "
                "plainto_tsquery('english'::regconfig, %s) AS q(query)",
                [_HEADLINE_OPTIONS, [pk for pk, _body in windows], [body for _pk, body in windows], words],
            )
            headlines = {pk: headline for pk, headline in cursor.fetchall() if START in headline}
        rest = [pk for pk in ids if pk not in headlines]
        if rest:
            # Headlines only for the page shown: ts_headline reads the whole text.
            cursor.execute(
                "SELECT d.id, ts_headline('english'::regconfig, translate(d.extracted_text, '<>', %s), "
                f"q.query, %s) {_PG_SOURCE} WHERE d.id = ANY(%s)",
                [LT + GT, _HEADLINE_OPTIONS, words, rest],
            )
            headlines.update(cursor.fetchall())
    return headlines


# --- Where each document came from ---------------------------------------------------------------

# What search reads of each origin's rows: the document's column first (``_DOCUMENT_COLUMN``).
_ORIGIN_COLUMNS = {
    EVIDENCE: ("document_id", "id", "complaint_id", "position"),
    RETURN: ("document_id", "forcerequest_id"),
    TEMPLATE: ("template_id", "id", "complaint_id"),
    CALL: ("document_id", "callresponse_id"),
}


def _compiled_origins(
    user: Any, *, complaint: Any = None, source: str | None = None
) -> dict[str, tuple[str, list[Any]]]:
    """``_origins`` as SQL and its parameters, each selecting ``_ORIGIN_COLUMNS``; an origin the
    user may see none of is left out."""
    compiled = {}
    for name, rows in _origins(user, complaint=complaint, source=source).items():
        try:
            sql, params = rows.order_by().values_list(*_ORIGIN_COLUMNS[name]).query.sql_with_params()
        except EmptyResultSet:
            continue
        compiled[name] = (sql, list(params))
    return compiled


def _visible_sql(
    origins: dict[str, tuple[str, list[Any]]],
    *,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
) -> tuple[str, list[Any]]:
    """What ``visible_documents`` selects, as SQL selecting ``visible_id``, from the compiled
    origins: released documents with an origin the user may see (EXISTS, tied to each document, so
    the database checks only the documents the index found)."""
    released = Document.objects.filter(scan_status__in=[ScanStatus.NOT_SCANNED, ScanStatus.CLEAN]).exclude(
        file=""
    )
    if date_from is not None:
        released = released.filter(uploaded_at__gte=_day_start(date_from))
    if date_to is not None:
        released = released.filter(uploaded_at__lt=_day_start(date_to + datetime.timedelta(days=1)))
    sql, params = released.values("id").query.sql_with_params()
    checks, check_params = [], []
    for name, (origin_sql, origin_params) in origins.items():
        checks.append(
            f"EXISTS (SELECT 1 FROM ({origin_sql}) AS origin "  # noqa: S608
            f"WHERE origin.{_DOCUMENT_COLUMN[name]} = released.id)"
        )
        check_params += origin_params
    return (
        f"SELECT released.id AS visible_id FROM ({sql}) AS released WHERE {' OR '.join(checks)}",  # noqa: S608
        [*params, *check_params],
    )


# How each origin's rows become (document, source, complaint, evidence item, force request,
# information request, call response, force name, place in the complaint's evidence); typed
# NULLs, as PostgreSQL matches a union's columns part by part.
_NULL = "CAST(NULL AS bigint)"
_ORIGIN_ROWS = {
    EVIDENCE: (
        f"SELECT origin.document_id, 0, origin.complaint_id, origin.id, {_NULL}, {_NULL}, {_NULL}, '', "  # noqa: S608
        "origin.position FROM ({}) AS origin WHERE origin.document_id IN ({})"
    ),
    RETURN: (
        f"SELECT origin.document_id, 1, information_request.complaint_id, {_NULL}, origin.forcerequest_id, "  # noqa: S608
        f"force_request.request_id, {_NULL}, force_organisation.name, {_NULL} FROM ({{}}) AS origin "
        "JOIN inquiries_forcerequest AS force_request ON force_request.id = origin.forcerequest_id "
        "JOIN inquiries_informationrequest AS information_request "
        "ON information_request.id = force_request.request_id "
        "JOIN organisations_organisation AS force_organisation ON force_organisation.id = force_request.force_id "
        "WHERE origin.document_id IN ({})"
    ),
    TEMPLATE: (
        f"SELECT origin.template_id, 2, origin.complaint_id, {_NULL}, {_NULL}, origin.id, {_NULL}, '', {_NULL} "  # noqa: S608
        "FROM ({}) AS origin WHERE origin.template_id IN ({})"
    ),
    CALL: (
        f"SELECT origin.document_id, 3, call_for_evidence.complaint_id, {_NULL}, {_NULL}, {_NULL}, origin.callresponse_id, '', "  # noqa: S608
        f"{_NULL} FROM ({{}}) AS origin "
        "JOIN calls_callresponse AS response ON response.id = origin.callresponse_id "
        "JOIN calls_callforevidence AS call_for_evidence ON call_for_evidence.id = response.call_id "
        "WHERE origin.document_id IN ({})"
    ),
}
_SOURCE_OF = (EVIDENCE, RETURN, TEMPLATE, CALL)  # by the number each part of the union gives


def _origins_of(origins: dict[str, tuple[str, list[Any]]], ids: list[int]) -> dict[int, dict[str, Any]]:
    """For each of the documents with an origin the user may see (from ``_compiled_origins``),
    where it came from: the first of its origins (evidence, then a return, a request's
    spreadsheet, a response to a call), in one query. A document with none is left out."""
    if not ids or not origins:
        return {}
    marks = ", ".join(["%s"] * len(ids))
    parts, params = [], []
    for name, (sql, origin_params) in origins.items():
        parts.append(_ORIGIN_ROWS[name].format(sql, marks))
        params += [*origin_params, *ids]
    with connection.cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    # In the order each kind was listed in before: evidence by its place in the complaint's list,
    # spreadsheets' requests newest first, the rest by id.
    rows.sort(
        key=lambda row: (row[1], row[8] or 0, -(row[5] or 0) if row[1] == 2 else (row[3] or row[4] or row[6]))
    )
    origin: dict[int, dict[str, Any]] = {}
    for (
        document_id,
        kind,
        complaint_id,
        item,
        force_request,
        information_request,
        call_response,
        force_name,
        _place,
    ) in rows:
        origin.setdefault(
            document_id,
            {
                "source": _SOURCE_OF[kind],
                "complaint_id": complaint_id,
                "evidence_item_id": item,
                "force_request_id": force_request,
                "information_request_id": information_request,
                "call_response_id": call_response,
                "force_name": force_name or "",
            },
        )
    return origin


def _hits(ranked: list[tuple[int, str]], origin: dict[int, dict[str, Any]]) -> list[Hit]:
    """Each (document id, text) in the order given, with its origin, as a hit."""
    from complaints.models import SuperComplaint

    ids = [pk for pk, _snippet in ranked if pk in origin]
    if not ids:
        return []
    # Everything a result shows of the document, not its text (which can be megabytes).
    documents = Document.objects.defer("extracted_text").in_bulk(ids)
    complaints = SuperComplaint.objects.in_bulk({origin[pk]["complaint_id"] for pk in ids})
    hits = []
    for pk, snippet in ranked:
        if pk in documents and pk in origin:
            where = dict(origin[pk])
            hits.append(
                Hit(
                    document=documents[pk],
                    snippet=highlighted(snippet),
                    complaint=complaints.get(where.pop("complaint_id")),
                    **where,
                )
            )
    return hits


def hits_for(
    user: Any, ranked: list[tuple[int, str]], *, complaint: Any = None, source: str | None = None
) -> list[Hit]:
    """Each (document id, text) in the order given, as a hit with where it came from, read back
    through the same rules (a document the user may not open is left out). The text is the
    snippet, escaped by ``highlighted``. Search uses the same steps for its ranked hits; the theme
    pages use this for the evidence passages nearest a theme."""
    if not ranked:
        return []
    origins = _compiled_origins(user, complaint=complaint, source=source)
    return _hits(ranked, _origins_of(origins, [pk for pk, _text in ranked]))


def record_search(
    *,
    terms: int,
    total: int,
    more: bool = False,
    complaint: Any = None,
    source: str | None = None,
    date_from: datetime.date | None = None,
    date_to: datetime.date | None = None,
    audience: str,
) -> AuditEvent:
    """Record that a search of the evidence was made (``evidence.searched``, an access: the results
    show parts of sensitive documents). The filters, how many words and how many results are kept
    (``more_results``: there were more than the rank limit), never the words: they may be a
    survivor's name."""
    return record_event(
        action="evidence.searched",
        kind=AuditEvent.Kind.ACCESS,
        after={
            "audience": audience,
            "complaint": getattr(complaint, "reference", None),
            "source": source or "all",
            "date_from": date_from.isoformat() if date_from else None,
            "date_to": date_to.isoformat() if date_to else None,
            "words": terms,
            "results": total,
            "more_results": more,
        },
    )
