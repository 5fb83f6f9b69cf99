from django.urls import path

from hrdd.supplier_sites import views

app_name = "supplier_sites"
urlpatterns = [
    path("", views.registry_page, name="registry"),
    path("export.<str:format>", views.registry_export, name="export"),
    path("export/file/", views.registry_export_file, name="export_file"),
    path("review/", views.review_page, name="review"),
    path("review/<uuid:public_id>/<str:decision>/", views.review_decide, name="decide"),
    path("groups/", views.groups_page, name="groups"),
    path("groups/<uuid:public_id>/", views.group_page, name="group"),
    path("import/", views.import_page, name="import"),
    path("import/runs/<uuid:public_id>/", views.import_run_page, name="import_run"),
    path("import/runs/<uuid:public_id>/progress/", views.import_progress, name="import_progress"),
    path("imports/<uuid:public_id>/", views.import_detail_page, name="import_detail"),
    path("mentions/<uuid:public_id>/", views.mention_page, name="mention"),
    path("mentions/<uuid:public_id>/delete/", views.mention_delete, name="mention_delete"),
    path("<uuid:public_id>/", views.site_page, name="site"),
    path("<uuid:public_id>/merge/", views.site_merge, name="merge"),
    path("<uuid:public_id>/merges/<uuid:merge_id>/undo/", views.merge_undo, name="merge_undo"),
]
