from django.urls import path

from hrdd.tenders import bid_views, lifecycle_views, views

app_name = "tenders"
urlpatterns = [
    path("", views.tender_list_page, name="list"),
    path("<uuid:public_id>/", views.tender_detail_page, name="detail"),
    path("<uuid:public_id>/evaluate/", views.bids_evaluate, name="evaluate"),
    path("<uuid:public_id>/edit/", lifecycle_views.tender_edit_page, name="edit"),
    path("<uuid:public_id>/archive/", lifecycle_views.tender_archive, name="archive"),
    path("<uuid:public_id>/restore/", lifecycle_views.tender_restore, name="restore"),
    path("<uuid:public_id>/delete/", lifecycle_views.tender_delete_page, name="delete"),
    path("<uuid:public_id>/evaluations/<int:pk>/", views.evaluation_page, name="evaluation"),
    path("<uuid:public_id>/bids/", bid_views.bids_page, name="bids"),
    path("<uuid:public_id>/bids/new/", bid_views.bid_new_page, name="bid_new"),
    path("<uuid:public_id>/bids/template.xlsx", bid_views.bids_template, name="bids_template"),
    path("<uuid:public_id>/bids/import/", bid_views.bids_import, name="bids_import"),
    path("<uuid:public_id>/bids/evaluate/", bid_views.bids_evaluate_drafts, name="bids_evaluate"),
    path("<uuid:public_id>/bids/<uuid:bid_id>/", bid_views.bid_page, name="bid"),
    path("<uuid:public_id>/bids/<uuid:bid_id>/delete/", bid_views.bid_delete, name="bid_delete"),
    path("<uuid:public_id>/bids/<uuid:bid_id>/files/<slug:part>/", bid_views.bid_file, name="bid_file"),
]
