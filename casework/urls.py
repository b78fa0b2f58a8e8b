from django.urls import path

from casework import views

app_name = "casework"

urlpatterns = [
    path("", views.home, name="home"),
    path("complaints/<str:reference>/", views.complaint_detail, name="complaint"),
    path("complaints/<str:reference>/acknowledge/", views.acknowledge, name="acknowledge"),
    path("complaints/<str:reference>/eligibility/", views.eligibility, name="eligibility"),
    path(
        "complaints/<str:reference>/evidence/<int:item_id>/",
        views.evidence_document,
        name="evidence_document",
    ),
    path("complaints/<str:reference>/letters/send/", views.send_letters, name="send_letters"),
    path("complaints/<str:reference>/letters/<int:letter_id>/", views.letter_detail, name="letter"),
    path("complaints/<str:reference>/letters/<int:letter_id>/pdf/", views.letter_pdf, name="letter_pdf"),
]
