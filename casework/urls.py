from django.urls import path

import common.converters  # noqa: F401  (registers <reference:>)
from casework import calls, investigation, requests, views

app_name = "casework"

urlpatterns = [
    path("", views.home, name="home"),
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
    path("complaints/<reference:reference>/calls-for-evidence/new/", calls.new_call, name="call_new"),
    path("calls-for-evidence/<int:pk>/", calls.call_detail, name="call"),
    path("calls-for-evidence/<int:pk>/edit/", calls.edit_call, name="call_edit"),
    path("calls-for-evidence/<int:pk>/close/", calls.close_call_view, name="call_close"),
    path("calls-for-evidence/responses/", calls.response_queue, name="call_responses"),
    path("calls-for-evidence/responses/<int:pk>/", calls.response_detail, name="call_response"),
    path(
        "calls-for-evidence/responses/<int:pk>/reviewed/",
        calls.response_reviewed,
        name="call_response_reviewed",
    ),
    path("information-requests/<int:pk>/", requests.request_detail, name="information_request"),
    path("information-requests/<int:pk>/csv/", requests.request_csv, name="information_request_csv"),
]
