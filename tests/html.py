"""Read a page's HTML into elements, for assertions about forms, their values and their errors.

Tests ask what a browser or a screen reader would see: which value a field holds, which element its
aria-describedby names, what a form would send. Nothing here slices strings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
# A start tag of these closes an open element of the same kind (enough for the markup hrdd writes).
SELF_CLOSING_SIBLINGS = {"li", "option", "p", "tr", "td", "th"}


@dataclass(eq=False)
class Element:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Element | str] = field(default_factory=list)
    parent: Element | None = None

    def get(self, name: str, default: str | None = None) -> str | None:
        return self.attrs.get(name, default)

    def has(self, name: str) -> bool:
        return name in self.attrs

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    @property
    def text(self) -> str:
        """The text inside, with runs of white space made one space."""
        parts: list[str] = []

        def walk(node: Element) -> None:
            for child in node.children:
                if isinstance(child, str):
                    parts.append(child)
                else:
                    walk(child)

        walk(self)
        return " ".join("".join(parts).split())

    def iter(self) -> Iterator[Element]:
        """Every element inside, in document order."""
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(self, tag: str | None = None, *, cls: str | None = None, **attrs: str) -> list[Element]:
        """Elements inside with this tag, class and attributes (write data-x as data_x)."""
        wanted = {k.replace("_", "-"): v for k, v in attrs.items()}
        return [
            e
            for e in self.iter()
            if (tag is None or e.tag == tag)
            and (cls is None or cls in e.classes)
            and all(e.attrs.get(k) == v for k, v in wanted.items())
        ]

    def find(self, tag: str | None = None, *, cls: str | None = None, **attrs: str) -> Element:
        """The one element inside that matches; fails when there is none or more than one."""
        found = self.find_all(tag, cls=cls, **attrs)
        assert len(found) == 1, f"expected one <{tag or '*'} {cls or ''} {attrs}>, found {len(found)}"
        return found[0]

    def by_id(self, element_id: str) -> Element | None:
        return next((e for e in self.iter() if e.attrs.get("id") == element_id), None)

    def closest(self, predicate: Callable[[Element], bool]) -> Element | None:
        """This element or the nearest one around it that satisfies predicate."""
        node: Element | None = self
        while node is not None:
            if predicate(node):
                return node
            node = node.parent
        return None


class _TreeBuilder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document")
        self.open = self.root

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SELF_CLOSING_SIBLINGS and self.open.tag == tag and self.open.parent is not None:
            self.open = self.open.parent
        element = Element(tag, {k: (v if v is not None else "") for k, v in attrs}, parent=self.open)
        self.open.children.append(element)
        if tag not in VOID:
            self.open = element

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, {k: (v if v is not None else "") for k, v in attrs}, parent=self.open)
        self.open.children.append(element)

    def handle_endtag(self, tag: str) -> None:
        node: Element | None = self.open
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.open = node.parent

    def handle_data(self, data: str) -> None:
        self.open.children.append(data)


def parse(html: str | bytes) -> Element:
    """The document as a tree of elements."""
    builder = _TreeBuilder()
    builder.feed(html.decode() if isinstance(html, bytes) else html)
    builder.close()
    return builder.root


def document(response) -> Element:  # type: ignore[no-untyped-def]
    """The document of a test client's response."""
    return parse(response.content)


def controls(scope: Element, name: str) -> list[Element]:
    """The inputs, selects and text areas named `name` in scope."""
    return [e for e in scope.iter() if e.tag in ("input", "select", "textarea") and e.get("name") == name]


def value_of(control: Element) -> str | list[str] | None:
    """What a control holds: the text of a text box or text area, the chosen option(s) of a select, or the
    value of a ticked box (None when not ticked)."""
    if control.tag == "textarea":
        return "".join(c for c in control.children if isinstance(c, str)).lstrip("\n")
    if control.tag == "select":
        chosen = [o.get("value", o.text) or "" for o in control.find_all("option") if o.has("selected")]
        return chosen if control.has("multiple") else (chosen[0] if chosen else None)
    if control.get("type") in ("checkbox", "radio"):
        return control.get("value", "on") if control.has("checked") else None
    return control.get("value", "")


def form_data(form: Element) -> list[tuple[str, str]]:
    """What the form would send as it is shown (file inputs and buttons aside)."""
    data: list[tuple[str, str]] = []
    for control in form.iter():
        name = control.get("name")
        if control.tag not in ("input", "select", "textarea") or not name or control.has("disabled"):
            continue
        if control.get("type") in ("file", "submit", "button", "image", "reset"):
            continue
        value = value_of(control)
        if isinstance(value, list):
            data += [(name, v) for v in value]
        elif value is not None:
            data.append((name, value))
    return data


def described_by(document: Element, control: Element) -> list[Element]:
    """The elements the control's aria-describedby names, or that of the fieldset grouping it (radios and
    check boxes are described as a group)."""
    holder = (
        control
        if control.has("aria-describedby")
        else control.closest(lambda e: e.tag == "fieldset" and e.has("aria-describedby"))
    )
    if holder is None:
        return []
    found = [document.by_id(i) for i in (holder.get("aria-describedby") or "").split()]
    return [e for e in found if e is not None]


def error_texts(scope: Element) -> list[str]:
    """The text of every field error list and error summary in scope."""
    return [e.text for e in scope.iter() if e.classes & {"errorlist", "error-summary"}]
