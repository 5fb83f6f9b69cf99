from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "hrdd.accounts"
    label = "accounts"
