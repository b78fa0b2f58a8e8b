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
    try:
        visible_sql, visible_params = (
            visible_documents(user, complaint=complaint, source=source, date_from=date_from, date_to=date_to)
            .annotate(visible_id=F("pk"))
            .values("visible_id")
            .query.sql_with_params()
        )
    except EmptyResultSet:
        return Results(hits=[], total=0, terms=terms, page=page, page_size=page_size)
    if _vendor() == "sqlite":
        ranked, total, more = _sqlite(terms, visible_sql, list(visible_params), limit, page, page_size)
    else:
        ranked, total, more = _postgres(terms, visible_sql, list(visible_params), limit, page, page_size)
    hits = hits_for(user, ranked, complaint=complaint, source=source)
    return Results(hits=hits, total=total, more=more, terms=terms, page=page, page_size=page_size)


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
) -> tuple[list[tuple[int, str]], int, bool]:
    # Each word quoted, so nothing the person types is FTS5 syntax; all must match.
    match = " ".join('"' + term.replace('"', "") + '"' for term in terms)
    with connection.cursor() as cursor:
        # The index answers newest first (FTS5 walks its lists backwards by rowid, no sort); CROSS
        # JOIN keeps it the outer loop, so the permission filter (EXISTS per document) checks only
        # what the index found, and the LIMIT stops both after limit + 1 documents the user may
        # see. bm25 is scored for those alone.
        cursor.execute(
            "SELECT evidence_document_fts.rowid, bm25(evidence_document_fts) FROM evidence_document_fts "  # noqa: S608
            f"CROSS JOIN ({visible_sql}) AS visible ON visible.visible_id = evidence_document_fts.rowid "
            "WHERE evidence_document_fts MATCH %s ORDER BY evidence_document_fts.rowid DESC LIMIT %s",
            [*params, match, limit + 1],
        )
        ids, total, more = _page_of(cursor.fetchall(), limit, page, page_size)
        if not ids:
            return [], total, more
        cursor.execute(
            "SELECT rowid, snippet(evidence_document_fts, 0, %s, %s, %s, 24) FROM evidence_document_fts "  # noqa: S608
            f"WHERE evidence_document_fts MATCH %s AND rowid IN ({', '.join(['%s'] * len(ids))})",
            [START, STOP, ELLIPSIS, match, *ids],
        )
        snippets = dict(cursor.fetchall())
    return [(pk, snippets.get(pk, "")) for pk in ids], total, more


def _postgres(
    terms: list[str], visible_sql: str, params: list[Any], limit: int, page: int, page_size: int
) -> tuple[list[tuple[int, str]], int, bool]:
    words = " ".join(terms)
    source = "FROM evidence_document d, plainto_tsquery('english'::regconfig, %s) AS q(query)"
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
            f"SELECT d.id, d.search_vector, q.query {source} WHERE d.search_vector @@ q.query "
            f"AND EXISTS (SELECT 1 FROM ({visible_sql}) AS visible WHERE visible.visible_id = d.id OFFSET 0) "
            "ORDER BY d.id DESC LIMIT %s) AS newest ORDER BY newest.id DESC",
            [words, *params, limit + 1],
        )
        ids, total, more = _page_of(cursor.fetchall(), limit, page, page_size)
        if not ids:
            return [], total, more
        # Headlines only for the page shown: ts_headline reads the whole text.
        cursor.execute(
            "SELECT d.id, ts_headline('english'::regconfig, translate(d.extracted_text, '<>', %s), "
            f"q.query, %s) {source} WHERE d.id = ANY(%s)",
            [LT + GT, _HEADLINE_OPTIONS, words, ids],
        )
        headlines = dict(cursor.fetchall())
    return [(pk, headlines.get(pk, "")) for pk in ids], total, more


def hits_for(
    user: Any, ranked: list[tuple[int, str]], *, complaint: Any = None, source: str | None = None
) -> list[Hit]:
    """Each (document id, text) in the order given, as a hit with where it came from, read back
    through the same rules (a document the user may not open is left out). The text is the
    snippet, escaped by ``highlighted``. Search uses it for its ranked hits; the theme pages for
    the evidence passages nearest a theme."""
    if not ranked:
        return []
    ids = [pk for pk, _snippet in ranked]
    documents = Document.objects.in_bulk(ids)
    origin: dict[int, dict[str, Any]] = {}
    origins = _origins(user, complaint=complaint, source=source)
    if EVIDENCE in origins:
        for item in origins[EVIDENCE].filter(document_id__in=ids).select_related("complaint"):
            origin.setdefault(
                item.document_id,
                {"source": EVIDENCE, "complaint": item.complaint, "evidence_item_id": item.pk},
            )
    if RETURN in origins:
        rows = (
            origins[RETURN]
            .filter(document_id__in=ids)
            .select_related("forcerequest__request__complaint", "forcerequest__force")
        )
        for row in rows:
            origin.setdefault(
                row.document_id,
                {
                    "source": RETURN,
                    "complaint": row.forcerequest.request.complaint,
                    "force_request_id": row.forcerequest_id,
                    "information_request_id": row.forcerequest.request_id,
                    "force_name": row.forcerequest.force.name,
                },
            )
    if TEMPLATE in origins:
        for info in origins[TEMPLATE].filter(template_id__in=ids).select_related("complaint"):
            origin.setdefault(
                info.template_id,
                {"source": TEMPLATE, "complaint": info.complaint, "information_request_id": info.pk},
            )
    if CALL in origins:
        for row in origins[CALL].filter(document_id__in=ids).select_related("callresponse__call__complaint"):
            origin.setdefault(
                row.document_id,
                {
                    "source": CALL,
                    "complaint": row.callresponse.call.complaint,
                    "call_response_id": row.callresponse_id,
                },
            )
    hits = []
    for pk, snippet in ranked:
        if pk in documents and pk in origin:
            hits.append(Hit(document=documents[pk], snippet=highlighted(snippet), **origin[pk]))
    return hits


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
