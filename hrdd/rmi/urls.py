from django.urls import path

from hrdd.rmi import views

app_name = "rmi"
urlpatterns = [
    path("", views.smelters_page, name="smelters"),
    path("export.xlsx", views.smelters_export, name="export"),
    path("smelter-list.xlsx", views.smelter_list_export, name="smelter_list"),
    path("facility-list/", views.facility_list_import, name="facility_list"),
    path("refresh/", views.consolidation_refresh, name="refresh"),
    path("campaigns/", views.campaigns_page, name="campaigns"),
    path("campaigns/<uuid:public_id>/", views.campaign_page, name="campaign"),
    path("campaigns/<uuid:public_id>/close/", views.campaign_close, name="campaign_close"),
    path("requests/<uuid:public_id>/", views.request_page, name="request"),
    path("requests/<uuid:public_id>/send/<str:what>/", views.request_send, name="request_send"),
    path("requests/<uuid:public_id>/link/reissue/", views.request_link_reissue, name="request_link_reissue"),
    path("requests/<uuid:public_id>/link/revoke/", views.request_link_revoke, name="request_link_revoke"),
    path("uploads/<uuid:public_id>/file/", views.upload_download, name="upload_file"),
    path("supplier/<str:token>/", views.supplier_page, name="supplier"),
    path("supplier/<str:token>/tasks/<uuid:run_id>/", views.supplier_task, name="supplier_task"),
]
