from django.apps import AppConfig


class ConsultationsConfig(AppConfig):
    name = "hrdd.consultations"
    label = "consultations"
