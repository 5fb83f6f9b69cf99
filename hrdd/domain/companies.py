"""Companies as entities: one normalised name per company, identifiers checked for their format, no group cycles.

The identifier formats are those of their issuers: LEI (ISO 17442: 18 characters and two check digits, mod 97-10
as in ISO 7064), D-U-N-S (Dun & Bradstreet: nine digits), RMI facility id (the Responsible Minerals Initiative's
"CID" and six digits), Open Supply Hub id (two-letter country, seven digits, six letters or digits).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from hrdd.domain.texts import Text, gettext_noop

# Legal-form words dropped when comparing names ("Acme B.V." and "ACME bv" are one company). A short list of the
# forms met in ICT supply chains; the cleanco package knows more, but its list changes between releases and a
# change would silently merge or split companies already stored.
LEGAL_FORMS = frozenset(
    {
        "ab", "ag", "as", "asa", "bv", "bvba", "co", "company", "corp", "corporation", "cv", "gmbh", "inc",
        "incorporated", "kg", "kk", "limited", "llc", "llp", "ltd", "nv", "oy", "oyj", "plc", "pte", "pty", "sa",
        "sab", "sarl", "sas", "se", "spa", "srl", "sro", "ug", "vof", "zrt", "kft",
    }
)  # fmt: skip


class CompanyInputError(ValueError):
    """A company field was refused; `field` names it. The message is a Text (issue 16): pages say it in the
    reader's language (`exc.args[0]`)."""

    def __init__(self, message: str, *, field: str) -> None:
        self.field = field
        super().__init__(message)


def normalise_company_name(name: str) -> str:
    """Return the comparable form of a company name: case, accents, punctuation and legal form set aside."""
    text = unicodedata.normalize("NFKD", name or "")
    text = "".join(c for c in text if not unicodedata.combining(c)).casefold().replace("&", " and ")
    # "B.V." and "S.A." lose their dots before splitting, so they read as "bv" and "sa".
    text = re.sub(r"\b(\w)\.(?=\w\.)", r"\1", text)
    text = re.sub(r"\b(\w)\.(\w)\.?", r"\1\2", text)
    words = re.findall(r"\w+", text)
    while len(words) > 1 and (words[-1] in LEGAL_FORMS or words[-1] == "and"):  # "& Co. Ltd"
        words.pop()
    return " ".join(words)


def _lei_checksum_ok(lei: str) -> bool:
    digits = "".join(str(int(c, 36)) for c in lei)
    return int(digits) % 97 == 1


def _clean(value: str) -> str:
    return re.sub(r"[\s.\-/]", "", value or "").upper()


def validate_lei(value: str) -> str:
    """Return the LEI in canonical form, or refuse it."""
    lei = _clean(value)
    if not re.fullmatch(r"[0-9A-Z]{18}[0-9]{2}", lei) or not _lei_checksum_ok(lei):
        raise CompanyInputError(
            Text(
                gettext_noop(
                    "%(value)s is not a valid LEI: 20 letters and digits whose last two are ISO 17442 check digits."
                ),
                value=repr(value),
            ),
            field="lei",
        )
    return lei


def validate_duns(value: str) -> str:
    """Return the D-U-N-S number as nine digits, or refuse it."""
    duns = _clean(value)
    if not re.fullmatch(r"[0-9]{9}", duns):
        raise CompanyInputError(
            Text(gettext_noop("%(value)s is not a D-U-N-S number: nine digits."), value=repr(value)),
            field="duns",
        )
    return duns


def validate_rmi_cid(value: str) -> str:
    """Return the RMI facility id as CID and six digits, or refuse it."""
    cid = _clean(value)
    if not re.fullmatch(r"CID[0-9]{6}", cid):
        raise CompanyInputError(
            Text(
                gettext_noop(
                    "%(value)s is not an RMI facility id: CID followed by six digits (e.g. CID001070)."
                ),
                value=repr(value),
            ),
            field="rmi_cid",
        )
    return cid


def validate_os_id(value: str) -> str:
    """Return the Open Supply Hub id, or refuse it."""
    os_id = _clean(value)
    if not re.fullmatch(r"[A-Z]{2}[0-9]{7}[0-9A-Z]{6}", os_id):
        raise CompanyInputError(
            Text(
                gettext_noop(
                    "%(value)s is not an Open Supply Hub id: a two-letter country, seven digits and six letters or "
                    "digits (e.g. CN2019303BQ3FZP)."
                ),
                value=repr(value),
            ),
            field="os_id",
        )
    return os_id


def validate_registration_number(value: str) -> str:
    """Return a VAT or chamber-of-commerce number (an optional two-letter country prefix and 4-20 characters)."""
    number = _clean(value)
    if not re.fullmatch(r"(?:[A-Z]{2})?[0-9A-Z]{4,20}", number) or sum(c.isdigit() for c in number) < 4:
        raise CompanyInputError(
            Text(
                gettext_noop(
                    "%(value)s is not a VAT or chamber-of-commerce number: letters and digits, at least four digits."
                ),
                value=repr(value),
            ),
            field="registration_number",
        )
    return number


IDENTIFIERS: Mapping[str, Callable[[str], str]] = {
    "lei": validate_lei,
    "registration_number": validate_registration_number,
    "duns": validate_duns,
    "rmi_cid": validate_rmi_cid,
    "os_id": validate_os_id,
}


def clean_identifiers(values: Mapping[str, str]) -> dict[str, str]:
    """Validate every identifier given (blank ones stay blank); refuse unknown identifier names."""
    unknown = sorted(set(values) - set(IDENTIFIERS))
    if unknown:
        raise CompanyInputError(
            Text(
                gettext_noop("Unknown identifier %(name)s; known: %(known)s."),
                name=repr(unknown[0]),
                known=", ".join(IDENTIFIERS),
            ),
            field=unknown[0],
        )
    return {key: (IDENTIFIERS[key](v) if (v or "").strip() else "") for key, v in values.items()}


@dataclass(frozen=True)
class GroupLink:
    """A company and its parent (None at the top of a group)."""

    company: int
    parent: int | None


def parent_creates_cycle(company: int, parent: int, links: Iterable[GroupLink]) -> bool:
    """Whether making `parent` the parent of `company` would put the company among its own ancestors."""
    parents = {link.company: link.parent for link in links}
    seen: set[int] = set()
    current: int | None = parent
    while current is not None and current not in seen:
        if current == company:
            return True
        seen.add(current)
        current = parents.get(current)
    return False
