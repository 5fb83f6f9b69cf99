from django.urls import path

from hrdd.accounts import views

app_name = "accounts"

urlpatterns = [
    path("", views.account_page, name="account"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password-reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "password-reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path("password-reset/done/", views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("members/", views.members_page, name="members"),
    path("members/<uuid:public_id>/", views.member_page, name="member"),
    path("members/<uuid:public_id>/deactivate/", views.member_deactivate, name="deactivate"),
    path("members/<uuid:public_id>/reactivate/", views.member_reactivate, name="reactivate"),
    path("invitations/", views.invitations_page, name="invitations"),
    path("invitations/<uuid:public_id>/resend/", views.invitation_resend, name="resend"),
    path("invitations/<uuid:public_id>/withdraw/", views.invitation_withdraw, name="withdraw"),
    path("join/<str:token>/", views.join_page, name="join"),
    path("shared/", views.shared_with_us_page, name="shared"),
    path("shared/by-us/", views.shared_by_us_page, name="shared_by_us"),
    path("shares/", views.share_create, name="share_create"),
    path("shares/<uuid:public_id>/revoke/", views.share_revoke, name="share_revoke"),
    path("groups/", views.groups_page, name="groups"),
    path("groups/<uuid:public_id>/", views.group_page, name="group"),
    path(
        "groups/<uuid:public_id>/members/<uuid:organisation_id>/remove/",
        views.group_member_remove,
        name="group_member_remove",
    ),
]
