from django.urls import path

from hrdd.risks import views

app_name = "risks"
urlpatterns = [
    path("", views.risk_home, name="home"),
    path("assess/", views.risk_assess_page, name="assess"),
    path("save/", views.risk_save, name="save"),
    path("saved/<uuid:public_id>/", views.risk_saved_page, name="saved"),
    path("check/", views.risk_check_page, name="check"),
    path("knowledge/", views.knowledge_page, name="knowledge"),
]
