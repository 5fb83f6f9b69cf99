from django.urls import path

from hrdd.core import views

app_name = "tasks"
urlpatterns = [
    path("", views.task_list_page, name="list"),
    path("<uuid:public_id>/", views.task_page, name="detail"),
    path("<uuid:public_id>/progress/", views.task_progress, name="progress"),
    path("<uuid:public_id>/retry/", views.task_retry, name="retry"),
]
