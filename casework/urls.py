from django.urls import path

import common.converters  # noqa: F401  (registers <reference:>)
from casework import (
    accuracy,
    calls,
    investigation,
    obligations,
    publication,
    redaction,
    report,
    requests,
    retention,
    search,
    themes,
    views,
)

app_name = "casework"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", search.search_evidence, name="search"),
    path("retention/", retention.retention, name="retention"),
    path("retention/rules/<slug:category>/", retention.rule, name="retention_rule"),
    path("retention/holds/new/", retention.new_hold, name="retention_hold_new"),
    path("retention/holds/<int:pk>/lift/", retention.lift, name="retention_hold_lift"),
    path("complaints/<reference:reference>/", views.complaint_detail, name="complaint"),
    path("complaints/<reference:reference>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("complaints/<reference:reference>/eligibility/", views.eligibility, name="eligibility"),
    path(
        "complaints/<reference:reference>/evidence/<int:item_id>/",
        views.evidence_document,
        name="evidence_document",
    ),
    path(
        "complaints/<reference:reference>/investigation/start/",
        investigation.start,
        name="start_investigation",
    ),
    path(
        "complaints/<reference:reference>/investigation/", investigation.investigation, name="investigation"
    ),
    path("complaints/<reference:reference>/assign/", investigation.assign, name="assign"),
    path(
        "complaints/<reference:reference>/progress-reports/<int:period>/",
        investigation.progress_report,
        name="progress_report",
    ),
    path("complaints/<reference:reference>/letters/send/", views.send_letters, name="send_letters"),
    path("complaints/<reference:reference>/letters/<int:letter_id>/", views.letter_detail, name="letter"),
    path(
        "complaints/<reference:reference>/letters/<int:letter_id>/pdf/", views.letter_pdf, name="letter_pdf"
    ),
    path(
        "complaints/<reference:reference>/information-requests/new/",
        requests.new_request,
        name="information_request_new",
    ),
    path("complaints/<reference:reference>/report/", report.builder, name="report"),
    path("complaints/<reference:reference>/report/passages/new/", report.passage, name="report_passage_new"),
    path("complaints/<reference:reference>/report/passages/<int:pk>/", report.passage, name="report_passage"),
    path(
        "complaints/<reference:reference>/report/passages/<int:pk>/exclude/",
        report.exclude,
        name="report_passage_exclude",
    ),
    path(
        "complaints/<reference:reference>/report/exclusions/<int:pk>/",
        report.exclusion,
        name="report_exclusion",
    ),
    path("complaints/<reference:reference>/report/actions/new/", report.action, name="report_action_new"),
    path("complaints/<reference:reference>/report/actions/<int:pk>/", report.action, name="report_action"),
    path(
        "complaints/<reference:reference>/report/recommendations/new/",
        report.recommendation,
        name="report_recommendation_new",
    ),
    path(
        "complaints/<reference:reference>/report/recommendations/<int:pk>/",
        report.recommendation,
        name="report_recommendation",
    ),
    path(
        "complaints/<reference:reference>/report/recommendations/<int:pk>/addressees/",
        report.addressees,
        name="report_addressees",
    ),
    path("complaints/<reference:reference>/report/opinion/", report.opinion, name="report_opinion"),
    path(
        "complaints/<reference:reference>/report/preview/<str:rendition>/",
        report.preview,
        name="report_preview",
    ),
    path(
        "complaints/<reference:reference>/report/preview/<str:rendition>/pdf/",
        report.preview_pdf,
        name="report_preview_pdf",
    ),
    path("complaints/<reference:reference>/report/sign-off/", publication.sign_off, name="report_sign_off"),
    path("complaints/<reference:reference>/report/publish/", publication.publish, name="report_publish"),
    path(
        "complaints/<reference:reference>/report/publish/cancel/",
        publication.cancel,
        name="report_publish_cancel",
    ),
    path(
        "complaints/<reference:reference>/report/responses/", obligations.responses, name="report_responses"
    ),
    path(
        "complaints/<reference:reference>/report/responses/<int:pk>/",
        obligations.obligation,
        name="obligation",
    ),
    path(
        "complaints/<reference:reference>/report/escalation/",
        obligations.escalation,
        name="report_escalation",
    ),
    path("complaints/<reference:reference>/calls-for-evidence/new/", calls.new_call, name="call_new"),
    path("calls-for-evidence/<int:pk>/", calls.call_detail, name="call"),
    path("calls-for-evidence/<int:pk>/edit/", calls.edit_call, name="call_edit"),
    path("calls-for-evidence/<int:pk>/close/", calls.close_call_view, name="call_close"),
    path("calls-for-evidence/<int:pk>/themes/", themes.call_themes, name="call_themes"),
    path("calls-for-evidence/<int:pk>/themes/merge/", themes.merge_themes, name="call_themes_merge"),
    path("calls-for-evidence/<int:pk>/themes/confirm/", themes.confirm_all, name="call_themes_confirm"),
    path("calls-for-evidence/<int:pk>/themes.csv", themes.themes_csv, name="call_themes_csv"),
    path("themes/<int:pk>/", themes.theme_detail, name="theme"),
    path("calls-for-evidence/responses/", calls.response_queue, name="call_responses"),
    path("calls-for-evidence/responses/<int:pk>/", calls.response_detail, name="call_response"),
    path(
        "calls-for-evidence/responses/<int:pk>/documents/<int:document_pk>/",
        calls.response_document,
        name="call_response_document",
    ),
    path(
        "calls-for-evidence/responses/<int:pk>/reviewed/",
        calls.response_reviewed,
        name="call_response_reviewed",
    ),
    path(
        "calls-for-evidence/responses/<int:pk>/redact/",
        redaction.start_from_response,
        name="redaction_start_response",
    ),
    path(
        "calls-for-evidence/responses/<int:pk>/documents/<int:document_pk>/redact/",
        redaction.start_from_response_document,
        name="redaction_start_response_document",
    ),
    path(
        "complaints/<reference:reference>/evidence/<int:item_id>/redact/",
        redaction.start_from_evidence,
        name="redaction_start_evidence",
    ),
    path("redactions/<int:pk>/", redaction.redaction_detail, name="redaction"),
    path("redactions/<int:pk>/spans/<int:span_pk>/decide/", redaction.decide, name="redaction_decide"),
    path(
        "redactions/<int:pk>/confirm-detected/", redaction.confirm_detected, name="redaction_confirm_detected"
    ),
    path("redactions/<int:pk>/passages/", redaction.add_passage, name="redaction_add_passage"),
    path("redactions/<int:pk>/publish/", redaction.publish, name="redaction_publish"),
    path("redactions/<int:pk>/withdraw/", redaction.withdraw, name="redaction_withdraw"),
    path("information-requests/<int:pk>/", requests.request_detail, name="information_request"),
    path(
        "information-requests/<int:pk>/forces/<int:force_request_id>/",
        requests.force_answer,
        name="information_request_answer",
    ),
    path("information-requests/<int:pk>/csv/", requests.request_csv, name="information_request_csv"),
    path(
        "information-requests/<int:pk>/files/<int:document_pk>/",
        requests.request_document,
        name="information_request_document",
    ),
    path(
        "complaints/<reference:reference>/accuracy-checks/new/",
        accuracy.open_check,
        name="accuracy_check_new",
    ),
    path("accuracy-checks/<int:pk>/", accuracy.check_detail, name="accuracy_check"),
    path("accuracy-checks/<int:pk>/extend/", accuracy.extend, name="accuracy_check_extend"),
    path("accuracy-checks/<int:pk>/close/", accuracy.close, name="accuracy_check_close"),
    path("accuracy-comments/<int:pk>/decide/", accuracy.decide, name="accuracy_comment_decide"),
]
