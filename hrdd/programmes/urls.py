"""A company's responsible-sourcing programme, under /programmes/. Each area keeps its addresses in its own
module: the programme and its KPIs (and the public page), supplier due diligence, certifications and
child-labour cases, answers to NGO assessments."""

from hrdd.programmes import certification_urls, diligence_urls, ngo_urls, programme_urls

app_name = "programmes"
urlpatterns = [
    *programme_urls.urlpatterns,
    *diligence_urls.urlpatterns,
    *certification_urls.urlpatterns,
    *ngo_urls.urlpatterns,
]
