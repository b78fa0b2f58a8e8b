from django.urls import path

from accounts import invitation_views, views

app_name = "accounts"

urlpatterns = [
    path("sign-in/", views.SignInView.as_view(), name="login"),
    path("sign-in/code/", views.SecurityCodeView.as_view(), name="sign_in_code"),
    path("sign-out/", views.SignOutView.as_view(), name="logout"),
    path("signed-out/", views.signed_out, name="signed_out"),
    path("timed-out/", views.timed_out, name="timed_out"),
    path("keep-alive/", views.keep_alive, name="keep_alive"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/sent/", views.password_reset_done, name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("password-reset/done/", views.password_reset_complete, name="password_reset_complete"),
    path("invitation/<str:token>/", invitation_views.InvitationView.as_view(), name="invitation"),
    path(
        "invitation/<str:token>/authenticator/",
        invitation_views.InvitationAuthenticatorView.as_view(),
        name="invitation_authenticator",
    ),
]
