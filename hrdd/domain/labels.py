"""The plain title of every word hrdd uses inside (a stage id such as `component_manufacturing`, a risk category
such as `child_labour`, a KPI, a contents item, a questionnaire option), looked up in the one place it is
written: the frameworks' YAML. Pages, documents and reasons show the title, never the id; an id no framework
titles is shown with its underscores turned into spaces.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from functools import cache
from types import MappingProxyType

from hrdd.domain.texts import Text, gettext_noop

# The frameworks are read when a title is first asked for: importing this module loads none of them (the command
# line's help imports no framework).


def plain(value: object) -> str:
    """An id as words: 'component_manufacturing' -> 'component manufacturing'."""
    return " ".join(str(value if value is not None else "").replace("_", " ").split())


# Ids the frameworks write as English words and pages show as they are: the maturity levels of a questionnaire
# (cfit-2025.yaml `levels`) and the point columns its roles are scored with (`roles[].points`). They have no title
# in any framework, so their words are said through the catalogue (issue 16).
WORDS: Mapping[str, str] = MappingProxyType(
    {
        "low": gettext_noop("low"),
        "medium": gettext_noop("medium"),
        "high": gettext_noop("high"),
        "manufacturer": gettext_noop("manufacturer"),
        "reseller": gettext_noop("reseller"),
    }
)


def word_of(value: object) -> str:
    """An id that is an English word ('low', 'reseller') as a Text the pages say in the reader's language; any
    other id as it is (a framework's own level). In English both read as the id itself."""
    key = str(value if value is not None else "")
    return Text(WORDS[key]) if key in WORDS else key


def _stages() -> dict[str, str]:
    from hrdd.domain.risk import get_risk_method

    return {s.id: s.title for s in get_risk_method().stages}


def _categories() -> dict[str, str]:
    from hrdd.domain.risk import get_risk_method

    return {c.id: c.title for c in get_risk_method().categories}


def _products() -> dict[str, str]:
    from hrdd.domain.risk import get_risk_method

    return {p.id: p.title for p in get_risk_method().products}


def _indicators() -> dict[str, str]:
    from hrdd.domain.risk import get_risk_method

    return dict(get_risk_method().indicators)


def _criteria() -> dict[str, str]:
    from hrdd.domain.tender import get_tender_framework

    return {c.id: c.title for c in get_tender_framework().criteria}


def _kpis() -> dict[str, str]:
    from hrdd.domain.tender import get_tender_framework

    return dict(get_tender_framework().kpi_titles)


def _contents() -> dict[str, str]:
    from hrdd.domain.tender import get_tender_framework

    return dict(get_tender_framework().content_titles)


def _submissions() -> dict[str, str]:
    from hrdd.domain.tender import get_tender_framework

    return dict(get_tender_framework().submission_titles)


def _questions() -> dict[str, str]:
    from hrdd.domain.questionnaire_framework import get_framework

    return {q.id: q.title for q in get_framework().questions}


def _options() -> dict[str, str]:
    from hrdd.domain.questionnaire_framework import get_framework

    return {o.id: o.label or o.text for q in get_framework().questions for o in q.options}


def _dimensions() -> dict[str, str]:
    from hrdd.domain.questionnaire_framework import get_framework

    return {d.id: d.title for d in get_framework().dimensions}


def _roles() -> dict[str, str]:
    from hrdd.domain.questionnaire_framework import get_framework

    return {r.id: r.label for r in get_framework().roles}


# What each kind of id is, and where its titles are written.
VOCABULARIES: Mapping[str, Callable[[], dict[str, str]]] = MappingProxyType(
    {
        "stage": _stages,  # risk-method-2025.yaml stages
        "category": _categories,  # risk-method-2025.yaml categories (the seven risks of the manual's 2.2)
        "product": _products,  # risk-method-2025.yaml products
        "indicator": _indicators,  # risk-method-2025.yaml indicators (the knowledge base's country indicators)
        "criterion": _criteria,  # cfit-2025-tender.yaml criteria (LABEL, SC1, AC1, CC1...)
        "kpi": _kpis,  # cfit-2025-tender.yaml kpi_titles
        "content": _contents,  # cfit-2025-tender.yaml content_titles (a clause's contents checklist)
        "submission": _submissions,  # cfit-2025-tender.yaml submission_titles
        "question": _questions,  # cfit-2025.yaml questions
        "option": _options,  # cfit-2025.yaml options (their label, else their text)
        "dimension": _dimensions,  # cfit-2025.yaml dimensions
        "role": _roles,  # cfit-2025.yaml roles
    }
)


@cache
def vocabulary(kind: str) -> Mapping[str, str]:
    """Every id of one kind with its title; KeyError names the kinds there are."""
    if kind not in VOCABULARIES:
        raise KeyError(f"unknown kind of id {kind!r}; known: {', '.join(VOCABULARIES)}")
    return MappingProxyType(VOCABULARIES[kind]())


def title_of(value: object, kind: str) -> str:
    """The title of an id of one kind (a stage, a risk category...), or the id as words when none is written."""
    key = str(value if value is not None else "")
    return vocabulary(kind).get(key) or plain(key)


def lower_title(value: object, kind: str) -> str:
    """A title to stand inside a sentence: 'Component manufacturing' -> 'component manufacturing' (a title that
    starts with an abbreviation, such as 'EPEAT', keeps it)."""
    title = title_of(value, kind)
    first = title.split(" ", 1)[0]
    return title if first.isupper() and len(first) > 1 else title[:1].lower() + title[1:]
