"""Lists that stay fast at any size: one page at a time, filtered and sorted by GET parameters a form validates.

A list page reads its query string through a `ListForm`: each filter is one of its fields and `sort` picks one of
its named orders. A value the form refuses (an unknown sort, a status that does not exist, a page that is not a
page) is left out and the page says so in a note above the list (web/_list_filters.html), never an error page.
`ListForm.paginate` orders the queryset and cuts one page with Django's Paginator: a COUNT and one LIMIT query,
whatever the size of the list. The pager (web/_pagination.html) keeps the filters and the sort in its links.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from hrdd.core.forms import PageFormMixin


@dataclass(frozen=True)
class Sort:
    """One order a list offers: its key in the query string, its label, and the columns it orders by
    (ending with a unique one, so that pages never overlap)."""

    key: str
    label: Any  # a lazily translated text
    order_by: tuple[Any, ...]


class ListForm(PageFormMixin, forms.Form):
    """The query string of one list: its filters (a subclass's fields), `sort`, and `page` (read by `paginate`)."""

    sorts: ClassVar[Sequence[Sort]] = ()
    per_page: ClassVar[int] = 25
    # Parameters the page reads for something else (e.g. ?procurement= pre-fills a form): the filter form keeps them.
    carry: ClassVar[Sequence[str]] = ()

    sort = forms.ChoiceField(label=gettext_lazy("Sort by"), required=False)

    def __init__(self, data: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "list_%s")  # apart from the ids of a creation form on the same page
        super().__init__(data if data is not None else {}, **kwargs)
        self.fields["sort"].choices = [(s.key, s.label) for s in self.sorts]
        self.notes: list[str] = []
        self._values: dict[str, Any] | None = None

    @property
    def values(self) -> dict[str, Any]:
        """The accepted filters and sort; a refused value is left out, with a note saying so."""
        if self._values is None:
            self.is_valid()
            values = {}
            for name, field in self.fields.items():
                if name in self.errors:
                    for error in self.errors[name]:
                        self.notes.append(
                            _("%(label)s: %(error)s The list is shown without it.")
                            % {"label": field.label, "error": error}
                        )
                    continue
                values[name] = self.cleaned_data.get(name)
            self._values = values
        return self._values

    def value(self, name: str) -> Any:
        """One accepted filter ('' or None when not given or refused)."""
        return self.values.get(name)

    @property
    def active(self) -> bool:
        """Whether any filter (not the sort) narrows the list."""
        return any(v not in (None, "", [], ()) for k, v in self.values.items() if k != "sort")

    def chosen_sort(self) -> Sort:
        key = self.values.get("sort") or ""
        return next((s for s in self.sorts if s.key == key), self.sorts[0])

    def carried(self) -> list[tuple[str, str]]:
        """The query-string parameters the filter form passes on unchanged."""
        return [(name, str(self.data[name])) for name in self.carry if self.data.get(name)]

    def paginate(self, queryset: QuerySet[Any], *, per_page: int | None = None) -> Page[Any]:
        """Order the queryset by the chosen sort and return the page asked for (the first when none is asked;
        the last when the number is past the end; either way with a note when the number was not usable)."""
        self.values  # noqa: B018 - the refused filters' notes come first
        paginator = Paginator(queryset.order_by(*self.chosen_sort().order_by), per_page or self.per_page)
        raw = str(self.data.get("page") or "").strip()
        number = 1
        if raw:
            try:
                number = int(raw)
                if number < 1:
                    raise ValueError(raw)
            except ValueError:
                number = 1
                self.notes.append(
                    _("Page %(page)r is not a page number; the first page is shown.") % {"page": raw}
                )
            else:
                if number > paginator.num_pages:
                    self.notes.append(
                        _("There is no page %(page)d; the last page (%(last)d) is shown.")
                        % {"page": number, "last": paginator.num_pages}
                    )
                    number = paginator.num_pages
        return paginator.page(number)


def newest_choices(
    queryset: QuerySet[Any],
    *,
    blank: str = "—",
    limit: int = 200,
    keep: Any = None,
    label: Callable[[Any], str] = str,
) -> list[tuple[str, str]]:
    """A select's choices of records named by their public id: a blank one, then the `limit` newest of the
    queryset (ordered as given), each shown as `label` gives it; `keep` (a record) is added when it is older than
    those, so a pre-selected record stays selectable."""
    records = list(queryset[:limit])
    if keep is not None and all(r.pk != keep.pk for r in records):
        records.append(keep)
    return [("", blank), *((str(r.public_id), label(r)) for r in records)]
