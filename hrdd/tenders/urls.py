from django.urls import path

from hrdd.tenders import views

app_name = "tenders"
urlpatterns = [
    path("", views.tender_list_page, name="list"),
    path("<uuid:public_id>/", views.tender_detail_page, name="detail"),
    path("<uuid:public_id>/evaluate/", views.bids_evaluate, name="evaluate"),
    path("<uuid:public_id>/evaluations/<int:pk>/", views.evaluation_page, name="evaluation"),
]
