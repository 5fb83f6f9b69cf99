"""The certification pages' addresses (included by hrdd/programmes/urls.py under the "programmes" namespace):
certifications, schemes and ratings, and child-labour cases."""

from django.urls import URLPattern, path

from hrdd.programmes import case_views, certification_views

urlpatterns: list[URLPattern] = [
    path("certifications/", certification_views.certifications_page, name="certifications"),
    path("certifications/new/", certification_views.certification_create_page, name="certification_create"),
    path("certifications/<uuid:public_id>/", certification_views.certification_page, name="certification"),
    path(
        "certifications/<uuid:public_id>/edit/",
        certification_views.certification_edit_page,
        name="certification_edit",
    ),
    path(
        "certifications/<uuid:public_id>/delete/",
        certification_views.certification_delete,
        name="certification_delete",
    ),
    path(
        "certifications/<uuid:public_id>/document/",
        certification_views.certification_document,
        name="certification_document",
    ),
    path("cases/", case_views.cases_page, name="cases"),
    path("cases/new/", case_views.case_create_page, name="case_create"),
    path("cases/export.<str:fmt>", case_views.case_export, name="case_export"),
    path("cases/<uuid:public_id>/", case_views.case_page, name="case"),
    path("cases/<uuid:public_id>/edit/", case_views.case_edit_page, name="case_edit"),
    path("cases/<uuid:public_id>/follow-ups/", case_views.case_follow_up, name="case_follow_up"),
]
