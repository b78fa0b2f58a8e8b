"""The portal: pages for designated bodies (their super-complaints) and for the Home Office's
designations officers. In English, and in Welsh under /cy/ (config/urls.py)."""

from django.urls import path

import common.converters  # noqa: F401  (registers <reference:>)
from portal.views import (
    accuracy,
    calendar,
    complaints,
    designations,
    drafts,
    requests,
    responses,
    search,
    users,
)

app_name = "portal"

urlpatterns = [
    path("", complaints.home, name="home"),
    path("search/", search.search_documents, name="search"),
    # Making a super-complaint
    path("new/", drafts.start, name="start"),
    path("drafts/<int:pk>/", drafts.task_list, name="draft"),
    path("drafts/<int:pk>/about/", drafts.about, name="draft_about"),
    path("drafts/<int:pk>/features/", drafts.features, name="draft_features"),
    path("drafts/<int:pk>/features/add/", drafts.feature_form, name="draft_feature_add"),
    path("drafts/<int:pk>/features/<int:feature_pk>/", drafts.feature_form, name="draft_feature"),
    path("drafts/<int:pk>/features/<int:feature_pk>/move/", drafts.feature_move, name="draft_feature_move"),
    path(
        "drafts/<int:pk>/features/<int:feature_pk>/remove/",
        drafts.feature_remove,
        name="draft_feature_remove",
    ),
    path("drafts/<int:pk>/forces/", drafts.forces, name="draft_forces"),
    path("drafts/<int:pk>/evidence/", drafts.evidence, name="draft_evidence"),
    path(
        "drafts/<int:pk>/evidence/<int:item_pk>/remove/", drafts.evidence_remove, name="draft_evidence_remove"
    ),
    path("drafts/<int:pk>/contact/", drafts.contact, name="draft_contact"),
    path("drafts/<int:pk>/check/", drafts.check, name="draft_check"),
    path("drafts/<int:pk>/declaration/", drafts.declaration, name="draft_declaration"),
    # Evidence files, of a draft or of a submitted complaint
    path("evidence/<int:item_pk>/download/", complaints.evidence_download, name="evidence_download"),
    # Submitted complaints
    path("complaints/<reference:reference>/", complaints.detail, name="complaint"),
    path("complaints/<reference:reference>/submitted/", complaints.confirmation, name="confirmation"),
    path("complaints/<reference:reference>/withdraw/", complaints.withdraw, name="withdraw"),
    path("complaints/<reference:reference>/letters/<int:letter_pk>/", complaints.letter, name="letter"),
    path(
        "complaints/<reference:reference>/letters/<int:letter_pk>.pdf",
        complaints.letter_pdf,
        name="letter_pdf",
    ),
    # Designations (Home Office)
    path("information-requests/", requests.request_list, name="information_requests"),
    path("information-requests/<int:pk>/", requests.answer, name="information_request"),
    path(
        "information-requests/<int:pk>/spreadsheet/",
        requests.template_download,
        name="information_request_template",
    ),
    path(
        "information-requests/<int:pk>/files/<int:document_pk>/",
        requests.answer_document,
        name="information_request_document",
    ),
    # Factual-accuracy checks of draft recommendations (an addressee's own part of each)
    path("accuracy-checks/<int:pk>/", accuracy.check, name="accuracy_check"),
    path(
        "accuracy-checks/<int:pk>/recommendations/<int:recommendation_pk>/comment/",
        accuracy.comment,
        name="accuracy_comment",
    ),
    # Responses to published recommendations (an addressee's own obligations)
    path("recommendations/", responses.obligation_list, name="responses"),
    path("recommendations/<int:pk>/", responses.obligation, name="response"),
    path("recommendations/<int:pk>/sign-off/", responses.submit, name="response_submit"),
    path("recommendations/<int:pk>/return/", responses.return_response, name="response_return"),
    path("recommendations/<int:pk>/action-plan/", responses.action_plan, name="response_action_plan"),
    path(
        "recommendations/<int:pk>/actions/<int:action_pk>/progress/",
        responses.progress,
        name="response_progress",
    ),
    path(
        "recommendations/<int:pk>/documents/<int:document_pk>/",
        responses.document,
        name="response_document",
    ),
    # An organisation administrator's users and invitations
    path("users/", users.index, name="users_index"),
    path("users/<slug:slug>/", users.users, name="users"),
    path("users/<slug:slug>/invite/", users.invite, name="users_invite"),
    path("users/<slug:slug>/invitations/<int:pk>/withdraw/", users.revoke, name="users_revoke"),
    path("users/<slug:slug>/members/<int:pk>/remove/", users.remove, name="users_remove"),
    # The organisation's private calendar of its deadlines (the feed itself is at /calendar/)
    path("calendar/", calendar.calendar_page, name="calendar"),
    path("calendar/new/", calendar.calendar_create, name="calendar_create"),
    path("calendar/stop/", calendar.calendar_revoke, name="calendar_revoke"),
    path("designations/", designations.index, name="designations"),
    path("designations/new/", designations.designate, name="designations_new"),
    path("designations/<slug:slug>/", designations.body, name="designations_body"),
    path(
        "designations/<slug:slug>/designations/<int:designation_pk>/revoke/",
        designations.revoke,
        name="designations_revoke",
    ),
    path("designations/<slug:slug>/assess/<str:kind>/", designations.assess, name="designations_assess"),
]
