"""The programme pages' addresses (included by hrdd/programmes/urls.py under the "programmes" namespace)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
