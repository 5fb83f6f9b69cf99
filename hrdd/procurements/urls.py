from django.urls import path

from hrdd.procurements import views

app_name = "procurements"
urlpatterns = [
    path("", views.procurement_list_page, name="list"),
    path("<uuid:public_id>/", views.procurement_detail_page, name="detail"),
]
