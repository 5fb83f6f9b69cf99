"""The incidents' pages under /incidents/ (with a login); the public grievance form under /report/<address>/ and
the receipt page at /receipt/ (no account; short addresses to print on a poster or a card)."""

from django.urls import path

from hrdd.incidents import views

app_name = "incidents"
urlpatterns = [
    path("incidents/", views.register_page, name="register"),
    path("incidents/new/", views.incident_create_page, name="create"),
    path("incidents/settings/", views.settings_page, name="settings"),
    path("incidents/settings/sharing/", views.sharing_set, name="sharing"),
    path("incidents/channels/<uuid:public_id>/", views.channel_update, name="channel_update"),
    path("incidents/notices/read/", views.notices_read_all, name="notices_read_all"),
    path("incidents/notices/<uuid:public_id>/read/", views.notice_read, name="notice_read"),
    path("incidents/steps/<uuid:step_id>/edit/", views.step_edit_page, name="step_edit"),
    path("incidents/steps/<uuid:step_id>/progress/", views.step_progress, name="step_progress"),
    path("incidents/steps/<uuid:step_id>/verify/", views.step_verify, name="step_verify"),
    path("incidents/steps/<uuid:step_id>/delete/", views.step_delete, name="step_delete"),
    path("incidents/progress/<int:progress_id>/file", views.progress_file, name="progress_file"),
    path(
        "incidents/supplier/<str:token>/steps/<uuid:step_id>/",
        views.supplier_progress,
        name="supplier_progress",
    ),
    path("incidents/<uuid:public_id>/", views.incident_page, name="detail"),
    path("incidents/<uuid:public_id>/edit/", views.incident_edit_page, name="edit"),
    path("incidents/<uuid:public_id>/status/", views.incident_transition, name="transition"),
    path("incidents/<uuid:public_id>/steps/", views.step_add, name="step_add"),
    path("incidents/<uuid:public_id>/document", views.incident_document, name="document"),
    path("receipt/", views.receipt_page, name="receipt"),
    path("report/<str:key>/", views.grievance_page, name="grievance"),
    path("report/<str:key>/sent/", views.grievance_sent_page, name="grievance_sent"),
]
