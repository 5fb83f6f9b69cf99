from django.contrib import admin
from django.urls import include, path

from hrdd.api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("", include("hrdd.web.urls")),
    path("account/", include("hrdd.accounts.urls")),
    path("tasks/", include("hrdd.core.urls")),
    path("procurements/", include("hrdd.procurements.urls")),
    path("companies/", include("hrdd.companies.urls")),
    path("consultations/", include("hrdd.consultations.urls")),
    path("risks/", include("hrdd.risks.urls")),
    path("tenders/", include("hrdd.tenders.urls")),
    path("contracts/", include("hrdd.contracts.urls")),
    path("sites/", include("hrdd.supplier_sites.urls")),
    path("smelters/", include("hrdd.rmi.urls")),
    path("programmes/", include("hrdd.programmes.urls")),
    path("profiles/", include("hrdd.profiles.urls")),
    path("", include("hrdd.incidents.urls")),  # /incidents/..., the public /report/<address>/ and /receipt/
]
