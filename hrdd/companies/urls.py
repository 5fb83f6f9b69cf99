from django.urls import path

from hrdd.companies import views

app_name = "companies"
urlpatterns = [
    path("", views.company_list_page, name="list"),
    path("export.xlsx", views.company_export_page, name="export"),
    path("<uuid:public_id>/", views.company_detail_page, name="detail"),
]
