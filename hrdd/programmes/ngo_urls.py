"""The ngo pages' addresses (included by hrdd/programmes/urls.py under the "programmes" namespace): answers to NGO
assessments under /programmes/ngo/."""

from django.urls import URLPattern, path

from hrdd.programmes import ngo_views

urlpatterns: list[URLPattern] = [
    path("ngo/", ngo_views.ngo_list_page, name="ngo_list"),
    path("ngo/new/", ngo_views.ngo_create_page, name="ngo_create"),
    path("ngo/<uuid:public_id>/", ngo_views.ngo_page, name="ngo"),
    path("ngo/<uuid:public_id>/edit/", ngo_views.ngo_edit_page, name="ngo_edit"),
    path("ngo/<uuid:public_id>/status/", ngo_views.ngo_transition, name="ngo_status"),
    path("ngo/<uuid:public_id>/letter.docx", ngo_views.ngo_letter, name="ngo_letter"),
    path("ngo/<uuid:public_id>/answers.xlsx", ngo_views.ngo_table, name="ngo_table"),
    path("ngo/<uuid:public_id>/criteria/<slug:criterion_key>/", ngo_views.ngo_answer_save, name="ngo_answer"),
    path("ngo/answers/<uuid:answer_id>/rating/", ngo_views.ngo_answer_rate, name="ngo_rate"),
    path("ngo/answers/<uuid:answer_id>/evidence/", ngo_views.ngo_evidence_page, name="ngo_evidence"),
    path(
        "ngo/evidence/<uuid:evidence_id>/remove/", ngo_views.ngo_evidence_remove, name="ngo_evidence_remove"
    ),
    path("ngo/evidence/<uuid:evidence_id>/file", ngo_views.ngo_evidence_file, name="ngo_evidence_file"),
]
