from django.urls import path

from hrdd.profiles import views

app_name = "profiles"
urlpatterns = [
    path("keep/<str:token>/", views.profile_keep, name="keep"),
    path(
        "keep/contract/<str:token>/<int:submission_id>/",
        views.profile_keep_submission,
        name="keep_submission",
    ),
    # under keep/: the secret-link paths whose token the logs mask and the link throttle counts (hrdd.core)
    path("keep/contract/<str:token>/share/<int:obligation_id>/", views.profile_share_part, name="share_part"),
    path("keep/<str:token>/rmi/<str:upload_id>/", views.profile_keep_rmi, name="keep_rmi"),
    path("keep/<str:token>/rmi-share/", views.profile_share_rmi, name="share_rmi"),
    path("manage/<str:token>/", views.profile_manage_page, name="manage"),
    path("manage/<str:token>/profile.json", views.profile_download, name="download"),
    path("manage/<str:token>/delete/", views.profile_delete_page, name="delete"),
    path(
        "manage/<str:token>/shares/<uuid:share_id>/withdraw/",
        views.profile_share_revoke_page,
        name="share_revoke",
    ),
]
