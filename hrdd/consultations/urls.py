from django.urls import path

from hrdd.consultations import views

app_name = "consultations"
urlpatterns = [
    path("", views.consultation_list_page, name="list"),
    path("<uuid:public_id>/", views.consultation_detail_page, name="detail"),
    path("<uuid:public_id>/results.xlsx", views.consultation_export, name="export"),
    path("<uuid:public_id>/questionnaire.xlsx", views.blank_questionnaire_for_buyer, name="blank"),
    path("<uuid:public_id>/import/", views.response_import, name="import"),
    path("<uuid:public_id>/responses/<int:pk>/", views.response_detail_page, name="response"),
    path("<uuid:public_id>/responses/<int:pk>/reopen/", views.response_reopen, name="reopen"),
]
