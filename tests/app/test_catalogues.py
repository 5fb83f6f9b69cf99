"""The translation catalogues (issue 16): every marked string of the code has a translation in Dutch, French and
German, each translation keeps its placeholders, and every domain text (hrdd.domain.texts.Text, marked with
gettext_noop) renders in every language.

The catalogue of record is what `manage.py makemessages` extracts from the code now (into a temporary copy of
hrdd/locale, merged with the committed translations); a string added or changed without its translations fails here
and names itself. Needs gettext's xgettext and msgmerge (`.ci/run` installs them)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from django.conf import settings
from django.core.management import call_command
from django.utils import translation

from hrdd.core.texts import localize
from hrdd.domain.texts import PARAMETER, Text

LANGUAGES = ("nl", "fr", "de")
ROOT = Path(settings.BASE_DIR)
PLACEHOLDER = re.compile(r"%\([A-Za-z_][A-Za-z0-9_]*\)[sdif]|%[sdif]|\{[A-Za-z_][A-Za-z0-9_]*\}")

pytestmark = pytest.mark.skipif(
    shutil.which("xgettext") is None or shutil.which("msgmerge") is None,
    reason="gettext's xgettext and msgmerge are not installed (apt-get install gettext)",
)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """The catalogues as makemessages makes them from today's code, merged with the committed translations."""
    locale = tmp_path_factory.mktemp("locale")
    shutil.copytree(ROOT / "hrdd" / "locale", locale, dirs_exist_ok=True)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(ROOT)
        patch.setattr(settings, "LOCALE_PATHS", [str(locale)])
        call_command(
            "makemessages",
            locale=list(LANGUAGES),
            ignore_patterns=[
                ".venv",
                "tests",
                "benchmarks",
                "tools",
                "build",
                "var",
                "node_modules",
                "locale",
            ],
            add_location="file",
            verbosity=0,
        )
    catalogues = {}
    for language in LANGUAGES:
        with (locale / language / "LC_MESSAGES" / "django.po").open("rb") as handle:
            catalogues[language] = read_po(handle, locale=language)
    return catalogues


def _forms(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple | list) else [message.string]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_marked_string_has_a_translation(extracted, language):
    # when
    missing = [
        (message.id if isinstance(message.id, str) else message.id[0])
        for message in extracted[language]
        if message.id and (message.fuzzy or not all(_forms(message)))
    ]

    # then: a new or changed string is named, to be translated (tools/catalogue.py export/import)
    assert not missing, f"{len(missing)} strings without a {language} translation, e.g. {missing[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_translation_keeps_its_placeholders(extracted, language):
    # when
    broken = []
    for message in extracted[language]:
        if not message.id or message.fuzzy or not all(_forms(message)):
            continue  # a fuzzy guess of msgmerge is no translation (the test above names it)
        ids = [message.id] if isinstance(message.id, str) else list(message.id)
        python_format = "python-format" in message.flags
        for i, form in enumerate(_forms(message)):
            english = ids[min(i, len(ids) - 1)]
            if not python_format and "{" not in english:
                continue
            expected = sorted(PLACEHOLDER.findall(english))
            found = sorted(PLACEHOLDER.findall(form))
            # a singular form may leave out the count ("one day" for "%(days)s day")
            if found != expected and not (len(ids) > 1 and i == 0 and set(found) <= set(expected)):
                broken.append((english[:60], form[:60]))

    # then
    assert not broken, broken[:5]


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_domain_text_renders_in_every_language(extracted, language):
    # given: the templates the domain marks with gettext_noop, found by where they come from
    templates = [m.id for m in extracted[language] if isinstance(m.id, str) and _from_domain(m)]
    assert templates, "the domain marks its texts for the catalogues"

    # when
    failed = []
    for template in templates:
        params = {name: f"<{name}>" for name in PARAMETER.findall(template)}
        try:
            text = Text(template, **params)
        except ValueError:
            continue  # a message of the domain that is not a Text template (a plain gettext_noop)
        with translation.override(language):
            said = localize(text)
        if said == str(text) and language != "en" and _translated(extracted[language], template):
            failed.append(template)  # the catalogue has it, but it did not render
        if any(f"<{name}>" not in said for name in params):
            failed.append(template)

    # then
    assert not failed, failed[:5]


def _from_domain(message) -> bool:
    return any(path.startswith("hrdd/domain/") for path, _line in message.locations)


def _translated(catalog, template: str) -> bool:
    message = catalog.get(template)
    return bool(message and message.string and not message.fuzzy and message.string != template)
