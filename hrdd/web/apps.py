from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "hrdd.web"
    label = "web"
