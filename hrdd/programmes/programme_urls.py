"""The programme pages' addresses (included by hrdd/programmes/urls.py under the "programmes" namespace)."""

from django.urls import URLPattern, path

from hrdd.programmes import views

urlpatterns: list[URLPattern] = [
    path("", views.programme_list_page, name="list"),
    path("new/", views.programme_create_page, name="create"),
    path("<uuid:public_id>/", views.programme_page, name="detail"),
    path("<uuid:public_id>/edit/", views.programme_edit_page, name="edit"),
    path("<uuid:public_id>/objectives/", views.objective_add, name="objective_add"),
    path("<uuid:public_id>/objectives/<slug:key>/", views.objective_edit, name="objective_edit"),
    path("kpis/<uuid:public_id>/", views.kpi_page, name="kpi"),
    path("kpis/<uuid:public_id>/edit/", views.kpi_edit_page, name="kpi_edit"),
    path("kpis/<uuid:public_id>/values/", views.kpi_value_enter, name="kpi_value"),
    path("kpi-values/<uuid:public_id>/document/", views.kpi_value_document, name="kpi_value_document"),
    path("join-requests/<uuid:public_id>/handled/", views.join_request_handle, name="join_handle"),
    path("public/<uuid:public_id>/", views.public_page, name="public"),
    path("public/<uuid:public_id>/thanks/", views.public_thanks_page, name="public_thanks"),
]
