from django.contrib.auth import views as auth_views
from django.urls import path

from hrdd.consultations import views as consultation_views
from hrdd.web import views
from hrdd.web.forms import LoginForm

urlpatterns = [
    path("", views.home, name="home"),
    path("overview/", views.overview_page, name="overview"),
    path("login/", auth_views.LoginView.as_view(authentication_form=LoginForm), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("audit/", views.audit_page, name="audit"),
    path("audit/export.xlsx", views.audit_export_page, name="audit_export"),
    path("organisation/", views.organisation_switch, name="organisation_switch"),
    path("language/", views.language_switch, name="language_switch"),
    path("respond/<str:token>/", consultation_views.respond_page, name="respond"),
    path(
        "respond/<str:token>/questionnaire.xlsx", consultation_views.respond_blank_xlsx, name="respond_blank"
    ),
]
