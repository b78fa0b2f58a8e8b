"""Every change to a super-complaint goes through one of these functions, one module per stage.

Each one: checks the move is allowed (raising a ``ComplaintError`` with a plain-words message if
not), does nothing if the complaint is already there, writes inside one transaction with the row
locked, records the audit event in that transaction, and sends notifications after commit.
"""

from complaints.services.acknowledgement import acknowledge_complaint
from complaints.services.base import (
    ComplaintError,
    IncompleteComplaint,
    InvalidTransition,
    NotDesignated,
    StaleEdit,
    check_version,
    next_reference,
)
from complaints.services.casefile import (
    add_internal_note,
    add_milestone,
    assign_caseworker,
    record_fieldwork,
    save_plan,
)
from complaints.services.clocks import recompute_deadlines, store_running_progress_reports
from complaints.services.closure import (
    begin_monitoring,
    close_complaint,
    mark_report_published,
    withdraw_complaint,
)
from complaints.services.eligibility import (
    decide_eligibility,
    positions_agree,
    record_position,
    start_assessment,
)
from complaints.services.investigation import (
    save_progress_report_draft,
    send_progress_report,
    start_investigation,
)
from complaints.services.records import import_historical_complaint
from complaints.services.submission import correct_receipt, submission_problems, submit_complaint

__all__ = [
    "ComplaintError",
    "IncompleteComplaint",
    "InvalidTransition",
    "NotDesignated",
    "StaleEdit",
    "acknowledge_complaint",
    "add_internal_note",
    "add_milestone",
    "assign_caseworker",
    "begin_monitoring",
    "check_version",
    "close_complaint",
    "correct_receipt",
    "decide_eligibility",
    "import_historical_complaint",
    "mark_report_published",
    "next_reference",
    "positions_agree",
    "recompute_deadlines",
    "record_fieldwork",
    "record_position",
    "save_plan",
    "save_progress_report_draft",
    "send_progress_report",
    "start_assessment",
    "start_investigation",
    "store_running_progress_reports",
    "submission_problems",
    "submit_complaint",
    "withdraw_complaint",
]
