from django.urls import path

from hrdd.consultations import joint_views, lifecycle_views, link_views, views

app_name = "consultations"
urlpatterns = [
    path("", views.consultation_list_page, name="list"),
    path("<uuid:public_id>/", views.consultation_detail_page, name="detail"),
    path("<uuid:public_id>/edit/", lifecycle_views.consultation_edit_page, name="edit"),
    path("<uuid:public_id>/co-owners/", joint_views.co_owners_invite, name="co_owners_invite"),
    path("<uuid:public_id>/scenario/", joint_views.scenario_choose, name="scenario_choose"),
    path("co-owners/<uuid:public_id>/accept/", joint_views.co_owner_accept, name="co_owner_accept"),
    path("co-owners/<uuid:public_id>/decline/", joint_views.co_owner_decline, name="co_owner_decline"),
    path("co-owners/<uuid:public_id>/leave/", joint_views.co_owner_leave, name="co_owner_leave"),
    path(
        "<uuid:public_id>/co-owners/<uuid:row_id>/withdraw/",
        joint_views.co_owner_withdraw_page,
        name="co_owner_withdraw",
    ),
    path(
        "<uuid:public_id>/co-owners/<uuid:row_id>/remove/",
        joint_views.co_owner_remove_page,
        name="co_owner_remove",
    ),
    path("<uuid:public_id>/archive/", lifecycle_views.consultation_archive, name="archive"),
    path("<uuid:public_id>/restore/", lifecycle_views.consultation_restore, name="restore"),
    path("<uuid:public_id>/delete/", lifecycle_views.consultation_delete_page, name="delete"),
    path("<uuid:public_id>/results.xlsx", views.consultation_export, name="export"),
    path("<uuid:public_id>/questionnaire.xlsx", views.blank_questionnaire_for_buyer, name="blank"),
    path("<uuid:public_id>/import/", views.response_import, name="import"),
    path(
        "<uuid:public_id>/import/<uuid:run_id>/replace/",
        lifecycle_views.import_replace,
        name="import_replace",
    ),
    path("<uuid:public_id>/responses/<int:pk>/", views.response_detail_page, name="response"),
    path("<uuid:public_id>/responses/<int:pk>/reopen/", lifecycle_views.response_reopen_page, name="reopen"),
    path(
        "<uuid:public_id>/responses/<int:pk>/edit/",
        lifecycle_views.invitation_edit_page,
        name="invitation_edit",
    ),
    path("<uuid:public_id>/responses/<int:pk>/resend/", lifecycle_views.invitation_resend, name="resend"),
    path(
        "<uuid:public_id>/responses/<int:pk>/withdraw/",
        lifecycle_views.invitation_withdraw_page,
        name="withdraw",
    ),
    path(
        "<uuid:public_id>/responses/<int:pk>/restore/",
        lifecycle_views.invitation_restore,
        name="invitation_restore",
    ),
    path(
        "<uuid:public_id>/responses/<int:pk>/link/reissue/",
        link_views.invitation_link_reissue,
        name="link_reissue",
    ),
    path(
        "<uuid:public_id>/responses/<int:pk>/link/revoke/",
        link_views.invitation_link_revoke,
        name="link_revoke",
    ),
    path(
        "<uuid:public_id>/responses/<int:pk>/delete/",
        lifecycle_views.invitation_delete_page,
        name="invitation_delete",
    ),
]
