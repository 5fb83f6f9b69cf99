"""The diligence pages' addresses (included by hrdd/programmes/urls.py under the "programmes" namespace)."""

from django.urls import URLPattern, path

from hrdd.programmes import diligence_views as views

urlpatterns: list[URLPattern] = [
    path("suppliers/", views.suppliers_page, name="suppliers"),
    path("suppliers/refresh/", views.suppliers_refresh, name="suppliers_refresh"),
    path("suppliers/<uuid:public_id>/", views.supplier_page, name="supplier"),
    path("sourcing-links/<uuid:public_id>/", views.sourcing_link_page, name="sourcing_link"),
    path("sourcing-links/<uuid:public_id>/delete/", views.sourcing_link_delete, name="sourcing_link_delete"),
    path("assessments/<uuid:public_id>/", views.assessment_page, name="assessment"),
    path("gaps/<uuid:public_id>/", views.gap_page, name="gap"),
    path("enrolments/<uuid:public_id>/", views.enrolment_page, name="enrolment"),
    path("milestones/<uuid:public_id>/", views.milestone_page, name="milestone"),
    path("milestones/<uuid:public_id>/delete/", views.milestone_delete, name="milestone_delete"),
]
