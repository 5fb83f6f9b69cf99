from django.urls import path

from hrdd.contracts import lifecycle_views, link_views, views

app_name = "contracts"
urlpatterns = [
    path("", views.dashboard_page, name="dashboard"),
    path("calendar.ics", views.organisation_calendar, name="calendar"),
    path("calendar-link/", views.calendar_link_renew, name="feed_renew"),
    path("calendar-link/stop/", views.calendar_link_revoke, name="feed_revoke"),
    path("feeds/<str:token>.ics", views.feed_calendar, name="feed"),
    path("site-list-template.<str:extension>", views.site_list_template, name="site_list_template"),
    path("<uuid:public_id>/", views.contract_page, name="detail"),
    path("<uuid:public_id>/edit/", lifecycle_views.contract_edit_page, name="edit"),
    path("<uuid:public_id>/archive/", lifecycle_views.contract_archive, name="archive"),
    path("<uuid:public_id>/restore/", lifecycle_views.contract_restore, name="restore"),
    path("<uuid:public_id>/delete/", lifecycle_views.contract_delete_page, name="delete"),
    path("<uuid:public_id>/calendar.ics", views.contract_calendar, name="contract_calendar"),
    path("<uuid:public_id>/link/reissue/", link_views.contract_link_reissue, name="link_reissue"),
    path("<uuid:public_id>/link/revoke/", link_views.contract_link_revoke, name="link_revoke"),
    path("<uuid:public_id>/obligations/<int:obligation_id>/request/", views.request_create, name="request"),
    path("<uuid:public_id>/obligations/<int:obligation_id>/remind/", views.remind_now, name="remind"),
    path("<uuid:public_id>/submissions/<int:submission_id>/file", views.submission_file, name="file"),
    path("supplier/<str:token>/", views.supplier_page, name="supplier"),
    path("supplier/<str:token>/tasks/<uuid:run_id>/", views.supplier_task_progress, name="supplier_task"),
    path(
        "supplier/<str:token>/tasks/<uuid:run_id>/retry/",
        views.supplier_task_retry,
        name="supplier_task_retry",
    ),
]
