import json

from django.core.management.base import BaseCommand

from hrdd.api import api


class Command(BaseCommand):
    help = "Print the API's OpenAPI document (docs/openapi.json is checked against it by the tests)."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write(json.dumps(api.get_openapi_schema(), indent=2, sort_keys=True))
