"""Reads of super-complaints that encode a rule: running deadlines for the casework dashboard, and
earlier complaints with similar substance for the eligibility assessment (SI 2018/748 reg 6(3)-(4)).
"""

from __future__ import annotations

import datetime
import math
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from complaints.models import (
    Complainant,
    ComplaintState,
    SuperComplaint,
    SuperComplaintQuerySet,
)
from deadlines.calendar import long_date
from deadlines.models import Deadline, DeadlineRule
from deadlines.rules import to_london_date
from deadlines.selectors import explanation_in_active_language

# --- Deadlines -----------------------------------------------------------------------------------


def london_today() -> datetime.date:
    """Today in London, where every statutory day is counted (SI 2018/748 reg 2). One function, so
    tests can set the day."""
    return to_london_date(timezone.now())


# The clocks a complaint itself runs: its acknowledgement and its progress reports. Response
# deadlines are shown under the complaint too, but they are the addressees' clocks, not the team's.
COMPLAINT_CLOCKS = (DeadlineRule.ACKNOWLEDGEMENT, DeadlineRule.PROGRESS_REPORT)


@dataclass(frozen=True)
class RunningDeadline:
    """A running deadline row of a complaint, and how long is left against ``today``.

    What it says is worked out once (``cached_property``): a dashboard row shows the same
    deadline in two tables, each text read more than once, on a page of hundreds of rows.
    """

    complaint: SuperComplaint
    deadline: Deadline
    today: datetime.date

    @cached_property
    def label(self) -> str:
        return self.deadline.label

    @cached_property
    def basis(self) -> str:
        return self.deadline.basis_label

    @property
    def due(self) -> datetime.date:
        return self.deadline.due

    @cached_property
    def due_label(self) -> str:
        """ "Thursday 3 December 2026", in the active language."""
        return long_date(self.due)

    @property
    def explanation(self) -> str:
        return self.deadline.explanation_text

    @cached_property
    def days_left(self) -> int:
        """Calendar days until the end of the due day; negative once it has passed."""
        return (self.due - self.today).days

    @property
    def is_overdue(self) -> bool:
        # Due "by the end of" the day: the day itself is not late.
        return self.days_left < 0

    @cached_property
    def status(self) -> str:
        """ "5 days left", "Due today", "Overdue by 2 days"."""
        days = self.days_left
        if days < 0:
            return ngettext("Overdue by %(days)d day", "Overdue by %(days)d days", -days) % {"days": -days}
        if days == 0:
            return _("Due today")
        return ngettext("%(days)d day left", "%(days)d days left", days) % {"days": days}

    @cached_property
    def text(self) -> str:
        """ "Due Thursday 3 December 2026 — 5 days left", or "Overdue by 2 days" once late."""
        if self.is_overdue:
            return self.status
        if self.days_left == 0:
            return _("Due today, %(due)s") % {"due": self.due_label}
        return _("Due %(due)s — %(status)s") % {"due": self.due_label, "status": self.status}

    @cached_property
    def next_expected(self) -> str:
        """ "Progress report 2 due by the end of Friday 19 February 2027"."""
        return _("%(label)s due by the end of %(due)s") % {"label": self.label, "due": self.due_label}


def running_deadlines(complaint: SuperComplaint, *, today: datetime.date) -> list[RunningDeadline]:
    """The complaint's running clocks (reg 5 acknowledgement, reg 7 progress reports), soonest
    first, read from the deadlines ledger. Uses the ``running_case_deadlines`` that
    ``with_dashboard_rows`` attaches when present, so a list costs no query per complaint."""
    rows = getattr(complaint, "running_case_deadlines", None)
    if rows is None:
        rows = Deadline.objects.running_for(complaint).filter(rule__in=COMPLAINT_CLOCKS)
    return [
        RunningDeadline(complaint=complaint, deadline=row, today=today)
        for row in rows
        if row.rule in COMPLAINT_CLOCKS
    ]


def running_deadline(complaint: SuperComplaint, *, today: datetime.date) -> RunningDeadline | None:
    """The next clock running on a complaint, if any.

    Received and not yet acknowledged: the acknowledgement (SI 2018/748 reg 5). Eligible or being
    investigated: the next progress report not yet sent (reg 7). Nothing else has a statutory clock:
    the eligibility decision has no time limit. Acknowledging meets the reg 5 row, sending a report
    meets its row, and withdrawal or the report stop them, so the running rows are exactly these.
    """
    running = running_deadlines(complaint, today=today)
    return running[0] if running else None


@dataclass(frozen=True)
class ExpectedDate:
    """The next date a body can expect something from the Chief Inspector, and why that date."""

    what: str
    basis: str
    due: datetime.date
    explanation: tuple[str, ...]

    @property
    def due_label(self) -> str:
        return long_date(self.due)


def next_expected_date(complaint: SuperComplaint) -> ExpectedDate | None:
    """What the body can expect next, for the portal: the acknowledgement while the complaint is
    received (SI 2018/748 reg 5), the next progress report while it is eligible or being
    investigated (reg 7); None where no statutory date runs (the eligibility decision has none).

    Read from the running row of the deadlines ledger, so the body sees the date and explanation
    the team's dashboard shows.
    """
    running = running_deadline(complaint, today=london_today())
    if running is None:
        return None
    row = running.deadline
    if row.rule == DeadlineRule.ACKNOWLEDGEMENT:
        what = _("The acknowledgement of your super-complaint")
    elif row.sequence == 1:
        what = _("The first progress report on the investigation")
    else:
        what = _("Progress report %(period)d on the investigation") % {"period": row.sequence}
    return ExpectedDate(
        what=what,
        basis=running.basis,
        due=row.due,
        explanation=tuple(explanation_in_active_language(row).splitlines()),
    )


# The order of the stages on the dashboard: the way a complaint moves, finished ones last.
STAGES: tuple[ComplaintState, ...] = (
    ComplaintState.RECEIVED,
    ComplaintState.ACKNOWLEDGED,
    ComplaintState.ASSESSING,
    ComplaintState.ELIGIBLE,
    ComplaintState.INVESTIGATING,
    ComplaintState.REPORT_PUBLISHED,
    ComplaintState.MONITORING,
    ComplaintState.CLOSED,
    ComplaintState.NOT_ELIGIBLE,
    ComplaintState.WITHDRAWN,
)


@dataclass
class DashboardRow:
    complaint: SuperComplaint
    bodies: list[str]
    deadline: RunningDeadline | None


@dataclass
class StageGroup:
    state: ComplaintState
    rows: list[DashboardRow] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(self.state.label)


@dataclass
class Dashboard:
    today: datetime.date
    counts: list[tuple[ComplaintState, int]]
    groups: list[StageGroup]
    deadlines: list[RunningDeadline]

    @property
    def total(self) -> int:
        return sum(count for _state, count in self.counts)

    @property
    def shown(self) -> int:
        return sum(len(group.rows) for group in self.groups)


# What a dashboard row reads of a complaint and its caseworker: a complaint has some forty columns.
DASHBOARD_FIELDS = (
    "reference",
    "state",
    "title",
    "is_demonstration",
    "received_on",
    "assigned_to__full_name",
    "assigned_to__email",
)


def dashboard_complaints() -> SuperComplaintQuerySet:
    """Every received complaint, in the dashboard's order, with the columns a row shows.
    ``with_dashboard_rows`` attaches the rest."""
    return (
        SuperComplaint.objects.submitted()
        .select_related("assigned_to")
        .only(*DASHBOARD_FIELDS)
        .order_by("received_on", "pk")
    )


def with_dashboard_rows(complaints: SuperComplaintQuerySet) -> list[SuperComplaint]:
    """The complaints, each with the names of its complainants in order (``complainant_names``:
    the short name where the body has one) and its running clocks soonest first
    (``running_case_deadlines``): three queries whatever the number.

    Complainants and clocks are found by a subquery of the same filter rather than a prefetch's
    list of every complaint's id; the names are read as values, and the clocks without their
    structured explanation, which no list shows. At national scale (200 complaints) building
    model instances was most of the dashboard's reading.
    """
    listed = list(complaints)
    if not listed:
        return listed
    ids = complaints.values("pk")
    names: dict[int, list[str]] = {c.pk: [] for c in listed}
    for complaint_id, short_name, name in (
        Complainant.objects.filter(complaint__in=ids)
        .order_by("position", "pk")
        .values_list("complaint_id", "body__short_name", "body__name")
    ):
        names[complaint_id].append(short_name or name)
    clocks: dict[int, list[Deadline]] = {c.pk: [] for c in listed}
    for row in (
        Deadline.objects.running()
        .filter(
            case_type=ContentType.objects.get_for_model(SuperComplaint),
            case_id__in=ids,
            rule__in=COMPLAINT_CLOCKS,
        )
        .defer("explanation")
        .order_by("due", "rule", "sequence", "pk")
    ):
        clocks[row.case_id].append(row)
    for complaint in listed:
        complaint.complainant_names = names[complaint.pk]  # type: ignore[attr-defined]
        complaint.running_case_deadlines = clocks[complaint.pk]  # type: ignore[attr-defined]
    return listed


def casework_dashboard(
    *,
    today: datetime.date,
    state: str = "",
    body_id: int | None = None,
    overdue_only: bool = False,
    assigned_to_id: int | None = None,
) -> Dashboard:
    """Complaints by stage with their running deadlines, filtered; the counts are always of all.
    ``assigned_to_id`` keeps the complaints one caseworker owns ("assigned to me").

    Four queries at most whatever the number of complaints: the counts, the complaints, their
    complainants, and their running deadline rows (each row carries its stored explanation).
    """
    counted = dict(SuperComplaint.objects.submitted().values_list("state").annotate(n=Count("pk")).order_by())
    counts = [(stage, counted.get(stage.value, 0)) for stage in STAGES]

    complaints = dashboard_complaints()
    if state:
        complaints = complaints.filter(state=state)
    if body_id is not None:
        complaints = complaints.of_body(body_id)
    if assigned_to_id is not None:
        complaints = complaints.filter(assigned_to_id=assigned_to_id)

    groups = {stage: StageGroup(stage) for stage in STAGES}
    deadlines = []
    for complaint in with_dashboard_rows(complaints):
        deadline = running_deadline(complaint, today=today)
        if overdue_only and not (deadline and deadline.is_overdue):
            continue
        bodies = complaint.complainant_names  # type: ignore[attr-defined]
        groups[ComplaintState(complaint.state)].rows.append(DashboardRow(complaint, bodies, deadline))
        if deadline is not None:
            deadlines.append(deadline)
    deadlines.sort(key=lambda d: (d.due, d.complaint.reference or ""))
    return Dashboard(
        today=today,
        counts=counts,
        groups=[group for group in groups.values() if group.rows],
        deadlines=deadlines,
    )


# --- Similar complaints (SI 2018/748 reg 6(3)-(4)) ----------------------------------------------

# Words that say nothing about a complaint's substance: common English, and the words every
# super-complaint uses.
_STOP_WORDS = """
    a about above after again against all also an and any are as at be because been before being
    below between both but by can could did do does doing down during each few for from further had
    has have having he her here hers him his how i if in into is it its itself just me more most my
    no nor not now of off on once only or other our ours out over own same she should so some such
    than that the their theirs them then there these they this those through to too under until up
    very was we were what when where which while who whom why will with would you your yours
    police policing force forces complaint complaints super feature features england wales
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
_WORD = re.compile(r"[a-z][a-z'’]+")


def _stem(word: str) -> str:
    # Enough folding for plurals ("victims", "victim"); a full stemmer buys little on short texts.
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def complaint_terms(text: str) -> list[str]:
    """The words of ``text`` that carry substance, folded for comparison."""
    terms = []
    for word in _WORD.findall(text.lower()):
        word = word.replace("’", "").replace("'", "")
        if word in STOP_WORDS:
            continue
        term = _stem(word)
        if len(term) > 2 and term not in STOP_WORDS:
            terms.append(term)
    return terms


def substance_text(complaint: SuperComplaint) -> str:
    """What a complaint is about: its title, subject and features of policing."""
    features = " ".join(feature.text for feature in complaint.features.all())
    return " ".join([complaint.title, complaint.subject, features])


@dataclass(frozen=True)
class SimilarComplaint:
    complaint: SuperComplaint
    score: float  # cosine similarity, 0 to 1

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def _tf_idf(documents: list[Counter[str]]) -> list[dict[str, float]]:
    count = len(documents)
    frequency: Counter[str] = Counter()
    for terms in documents:
        frequency.update(terms.keys())
    # Smoothed inverse document frequency: a word in every complaint still counts a little.
    idf = {term: math.log((1 + count) / (1 + df)) + 1 for term, df in frequency.items()}
    return [{term: n * idf[term] for term, n in terms.items()} for terms in documents]


def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    dot = sum(weight * b.get(term, 0.0) for term, weight in a.items())
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0


def rank_by_similarity(
    text: str, candidates: Iterable[tuple[SuperComplaint, str]], *, limit: int = 5
) -> list[SimilarComplaint]:
    """Candidates ranked by TF-IDF cosine similarity of their text to ``text``, most similar
    first; candidates sharing no word with it are left out."""
    candidates = list(candidates)
    documents = [Counter(complaint_terms(text))] + [
        Counter(complaint_terms(body)) for _complaint, body in candidates
    ]
    vectors = _tf_idf(documents)
    target = vectors[0]
    scored = [
        SimilarComplaint(complaint=complaint, score=_cosine(target, vector))
        for (complaint, _body), vector in zip(candidates, vectors[1:], strict=True)
    ]
    scored = [item for item in scored if item.score > 0]
    scored.sort(key=lambda item: (-item.score, item.complaint.pk))
    return scored[:limit]


def similar_complaints(complaint: SuperComplaint, limit: int = 5) -> list[SimilarComplaint]:
    """Other received complaints whose substance is closest to this one's (SI 2018/748 reg 6(3)-(4)).

    A complaint that merely repeats the substance of one being investigated, or of one already
    investigated with no material change of circumstances since, is not eligible. This list helps
    the authorities find such a complaint; people decide. Drafts and the complaint itself are left
    out. Pure Python TF-IDF over title, subject and features: exact, explainable, and fast for the
    few hundred complaints the service will ever hold (see docs/decisions/0010-casework.md).
    """
    others = SuperComplaint.objects.submitted().exclude(pk=complaint.pk).prefetch_related("features")
    return rank_by_similarity(
        substance_text(complaint), ((other, substance_text(other)) for other in others), limit=limit
    )
