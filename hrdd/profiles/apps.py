from django.apps import AppConfig


class ProfilesConfig(AppConfig):
    name = "hrdd.profiles"
    label = "profiles"
    verbose_name = "Supplier profiles"
