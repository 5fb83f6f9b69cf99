"""The API's documentation page is served from the files django-ninja ships (nothing from a CDN), and starting
Django does not import django-ninja (the command line and the workers start faster)."""

import os
import re
import subprocess
import sys
from pathlib import Path

from django.contrib.staticfiles import finders

REPO = Path(__file__).resolve().parents[2]


def test_the_docs_page_loads_its_scripts_and_styles_from_this_server(client):
    # when
    page = client.get("/api/v1/docs")

    # then
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href)="([^"]+)"', page.content.decode())
    assert "/static/ninja/swagger-ui-bundle.js" in assets
    for asset in assets:
        assert asset.startswith("/static/"), asset
        assert finders.find(asset.removeprefix("/static/")), asset
    assert "/api/v1/openapi.json" in page.content.decode()


def test_starting_django_does_not_import_django_ninja():
    # when
    started = subprocess.run(
        [sys.executable, "-c", "import sys, django; django.setup(); print('ninja' in sys.modules)"],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=os.environ | {"DJANGO_SETTINGS_MODULE": "config.settings"},
        timeout=60,
        check=True,
    )

    # then
    assert started.stdout.strip() == "False"
