"""A small evaluator for the formulas of the templates' Checker sheet, so its conditional rules run as written.

The Checker's rules are Excel formulas over a handful of functions (IF, OR, AND, SUM, LEN, ISNUMBER, SEARCH),
comparisons, `*` and cell references such as B14, F$39:F$48, Declaration!D32 or 'Product List'!B6. Only that
subset is understood; anything else raises FormulaError and the rule is left out (never guessed). Comparisons
follow Excel: text compares without regard to case, and an empty cell equals both 0 and "".
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

Value = str | float | bool | None
Resolver = Callable[[str | None, str, int], Value]  # (sheet or None for the Checker itself, column, row)


class FormulaError(ValueError):
    """A formula outside the subset the Checker uses."""


TOKEN = re.compile(
    r"""\s*(?:
    (?P<string>"(?:[^"]|"")*")
    |(?P<ref>(?:'(?P<qsheet>[^']+)'!|(?P<sheet>[A-Za-z][\w ]*)!)?\$?(?P<col>[A-Z]{1,3})\$?(?P<row>\d+)
        (?::\$?(?P<col2>[A-Z]{1,3})\$?(?P<row2>\d+))?)(?![\w(])
    |(?P<number>\d+(?:\.\d+)?)
    |(?P<func>[A-Z][A-Z0-9.]*)\(
    |(?P<op><>|<=|>=|[=<>*/+\-&(),])
    )""",
    re.VERBOSE,
)


@dataclass(frozen=True)
class _Token:
    kind: str
    text: str
    sheet: str | None = None
    col: str = ""
    row: int = 0
    col2: str = ""
    row2: int = 0


def _tokens(formula: str) -> list[_Token]:
    text = formula.strip()
    if text.startswith("="):
        text = text[1:]
    tokens: list[_Token] = []
    position = 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = TOKEN.match(text, position)
        if match is None:
            raise FormulaError(f"cannot read {text[position:]!r}")
        position = match.end()
        if match.group("string") is not None:
            tokens.append(_Token("string", match.group("string")[1:-1].replace('""', '"')))
        elif match.group("ref") is not None:
            sheet = match.group("qsheet") or match.group("sheet")
            tokens.append(
                _Token(
                    "range" if match.group("col2") else "ref",
                    match.group("ref"),
                    sheet,
                    match.group("col"),
                    int(match.group("row")),
                    match.group("col2") or "",
                    int(match.group("row2") or 0),
                )
            )
        elif match.group("number") is not None:
            tokens.append(_Token("number", match.group("number")))
        elif match.group("func") is not None:
            tokens.append(_Token("func", match.group("func")))
        else:
            tokens.append(_Token("op", match.group("op")))
    return tokens


def _is_empty(value: Value) -> bool:
    return value is None or value == ""


def _number(value: Value) -> float:
    if _is_empty(value):
        return 0.0
    if isinstance(value, bool):
        return 1.0 if value else 0.0
    if isinstance(value, float):
        return value
    if value is None:
        return 0.0
    try:
        return float(value)
    except ValueError as exc:
        raise FormulaError(f"{value!r} is not a number") from exc


def truthy(value: Value) -> bool:
    """Whether a formula's result counts as true (a non-zero number, TRUE)."""
    if isinstance(value, str):
        return value.strip().upper() == "TRUE"
    return bool(_number(value))


def _equal(left: Value, right: Value) -> bool:
    if _is_empty(left) or _is_empty(right):
        other = right if _is_empty(left) else left
        return _is_empty(other) or other == 0 or other is False
    if isinstance(left, str) and isinstance(right, str):
        return left.casefold() == right.casefold()
    if isinstance(left, str) or isinstance(right, str):
        return False
    return _number(left) == _number(right)


def _compare(op: str, left: Value, right: Value) -> bool:
    if op == "=":
        return _equal(left, right)
    if op == "<>":
        return not _equal(left, right)
    a: float | str
    b: float | str
    if isinstance(left, str) and isinstance(right, str):
        a, b = left.casefold(), right.casefold()
    else:
        a, b = _number(left), _number(right)
    if op == "<":
        return a < b  # type: ignore[operator]
    if op == ">":
        return a > b  # type: ignore[operator]
    if op == "<=":
        return a <= b  # type: ignore[operator]
    return a >= b  # type: ignore[operator]


def _columns(first: str, last: str) -> list[str]:
    def index(column: str) -> int:
        number = 0
        for letter in column:
            number = number * 26 + ord(letter) - 64
        return number

    def name(number: int) -> str:
        letters = ""
        while number:
            number, rest = divmod(number - 1, 26)
            letters = chr(65 + rest) + letters
        return letters

    return [name(i) for i in range(index(first), index(last) + 1)]


class _Parser:
    def __init__(self, tokens: list[_Token], resolve: Resolver) -> None:
        self.tokens = tokens
        self.position = 0
        self.resolve = resolve

    def peek(self) -> _Token | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def take(self, text: str | None = None) -> _Token:
        token = self.peek()
        if token is None or (text is not None and (token.kind != "op" or token.text != text)):
            raise FormulaError(f"expected {text or 'more'}")
        self.position += 1
        return token

    def expression(self) -> Value | list[Value]:
        left = self.additive()
        token = self.peek()
        if token is not None and token.kind == "op" and token.text in ("=", "<>", "<", ">", "<=", ">="):
            self.position += 1
            right = self.additive()
            return _compare(token.text, _scalar(left), _scalar(right))
        return left

    def additive(self) -> Value | list[Value]:
        left = self.term()
        while (token := self.peek()) is not None and token.kind == "op" and token.text in ("+", "-", "&"):
            self.position += 1
            right = self.term()
            if token.text == "&":
                left = _text(_scalar(left)) + _text(_scalar(right))
            elif token.text == "+":
                left = _number(_scalar(left)) + _number(_scalar(right))
            else:
                left = _number(_scalar(left)) - _number(_scalar(right))
        return left

    def term(self) -> Value | list[Value]:
        left = self.unary()
        while (token := self.peek()) is not None and token.kind == "op" and token.text in ("*", "/"):
            self.position += 1
            right = _number(_scalar(self.unary()))
            if token.text == "*":
                left = _number(_scalar(left)) * right
            else:
                if right == 0:
                    raise FormulaError("division by zero")
                left = _number(_scalar(left)) / right
        return left

    def unary(self) -> Value | list[Value]:
        token = self.peek()
        if token is not None and token.kind == "op" and token.text == "-":
            self.position += 1
            return -_number(_scalar(self.unary()))
        return self.primary()

    def primary(self) -> Value | list[Value]:
        token = self.take()
        if token.kind == "number":
            return float(token.text)
        if token.kind == "string":
            return token.text
        if token.kind == "ref":
            return self.resolve(token.sheet, token.col, token.row)
        if token.kind == "range":
            return [
                self.resolve(token.sheet, column, row)
                for row in range(token.row, token.row2 + 1)
                for column in _columns(token.col, token.col2)
            ]
        if token.kind == "func":
            return self.call(token.text)
        if token.text == "(":
            value = self.expression()
            self.take(")")
            return value
        raise FormulaError(f"unexpected {token.text!r}")

    def arguments(self) -> list[Value | list[Value]]:
        values: list[Value | list[Value]] = []
        token = self.peek()
        if token is not None and token.kind == "op" and token.text == ")":
            self.position += 1
            return values
        while True:
            values.append(self.expression())
            token = self.take()
            if token.text == ")":
                return values
            if token.text != ",":
                raise FormulaError(f"unexpected {token.text!r}")

    def call(self, name: str) -> Value:
        args = self.arguments()
        if name == "IF":
            if len(args) not in (2, 3):
                raise FormulaError("IF takes two or three arguments")
            if truthy(_scalar(args[0])):
                return _scalar(args[1])
            return _scalar(args[2]) if len(args) == 3 else False
        if name == "OR":
            return any(truthy(v) for v in _flat(args))
        if name == "AND":
            return all(truthy(v) for v in _flat(args))
        if name == "SUM":
            return sum(_number(v) for v in _flat(args) if not isinstance(v, str))
        if name == "LEN" and len(args) == 1:
            return float(len(_text(_scalar(args[0]))))
        if name == "ISNUMBER" and len(args) == 1:
            value = _scalar(args[0])
            return isinstance(value, float) and not isinstance(value, bool)
        if name == "SEARCH" and len(args) in (2, 3):
            found = _text(_scalar(args[1])).casefold().find(_text(_scalar(args[0])).casefold())
            return float(found + 1) if found >= 0 else None  # None stands for #VALUE!, which ISNUMBER rejects
        raise FormulaError(f"function {name} is not supported")


def _scalar(value: Value | list[Value]) -> Value:
    if isinstance(value, list):
        raise FormulaError("a range where one value is expected")
    return value


def _flat(args: list[Value | list[Value]]) -> list[Value]:
    flat: list[Value] = []
    for arg in args:
        flat.extend(arg if isinstance(arg, list) else [arg])
    return flat


def _text(value: Value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    return value


def evaluate(formula: str | int | float, resolve: Resolver) -> Value:
    """The value of a Checker formula (or of a constant such as 1), references read through `resolve`."""
    if isinstance(formula, bool):
        return formula
    if isinstance(formula, int | float):
        return float(formula)
    parser = _Parser(_tokens(formula), resolve)
    value = _scalar(parser.expression())
    if parser.peek() is not None:
        raise FormulaError(f"unexpected {parser.peek()!r}")
    return value
