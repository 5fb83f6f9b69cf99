"""The open format of a supplier's profile (issue 16): one JSON document, `"format": "hrdd-supplier-profile"`,
`"version": 2`, that carries a supplier's answers from one installation to another. Version 2 added the RMI
reports a supplier kept (`rmi_reports`); a version 1 document, which has none, is still read.

One pydantic model says what a document holds; docs/supplier-profile.schema.json (JSON Schema draft 2020-12) is
generated from it (`hrdd profile schema`) and a test holds the two equal, so the published schema is the one an
import checks. A document holds the company and each version of its answers, never anything of a buyer: not the
buyer's name, its request, nor whom a version was shared with."""

from __future__ import annotations

import datetime as dt
import json
from typing import Annotated, Any, Literal

from django.utils.translation import gettext as _
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from hrdd.core.errors import InputError

FORMAT = "hrdd-supplier-profile"
FORMAT_VERSION = 2
READ_VERSIONS = (1, 2)  # the versions of the format an import reads
SCHEMA_ID = "https://hrdd.example/schemas/supplier-profile-2.schema.json"
SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
MAX_BYTES = 10 * 1024 * 1024  # an import larger than this is refused before it is read
MAX_VERSIONS = 200
MAX_ANSWERS = 500
MAX_TEXT = 1_000_000  # characters of a risk assessment
MAX_SITES = 20_000  # as many as one site list may hold (hrdd.contracts.sitelists.MAX_ROWS)
MAX_SMELTERS = 5_000  # rows of one RMI template's Smelter List
RMI_TEMPLATES = ("CMRT", "EMRT", "CRT", "AMRT")

Id = Annotated[str, StringConstraints(min_length=1, max_length=60, pattern=r"^[A-Za-z0-9_.:-]+$")]
Key = Annotated[str, StringConstraints(min_length=1, max_length=60)]  # a pattern here would not be published
Answer = Annotated[str, StringConstraints(max_length=5000)] | Annotated[list[Id], Field(max_length=100)]


class _Part(BaseModel):
    # strict: a number written as text, or text as a list, is refused as the published schema refuses it
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class Framework(_Part):
    """The questionnaire the answers were given to (hrdd/frameworks/<id>.yaml)."""

    id: Id = Field(description="The questionnaire framework's id, e.g. cfit-2025.")
    version: Annotated[str, StringConstraints(min_length=1, max_length=40)] = Field(
        description="The framework's version the answers were given to."
    )


class Questionnaire(_Part):
    """The answers to a supplier questionnaire, keyed by the framework's question and text-box ids."""

    framework: Framework
    role: Annotated[str, StringConstraints(max_length=40)] = Field(
        default="", description="The role chosen in the questionnaire, e.g. manufacturer or reseller."
    )
    answers: Annotated[dict[Key, Answer], Field(max_length=MAX_ANSWERS)] = Field(
        description="Question id -> the ids of the options ticked (a list); text-box id -> the text written."
    )


class Site(_Part):
    """One production site, in the columns of a contract's site list."""

    name: Annotated[str, StringConstraints(max_length=300)] = ""
    address: Annotated[str, StringConstraints(max_length=500)] = ""
    country: Annotated[str, StringConstraints(max_length=100)] = Field(
        default="", description="An ISO 3166 code (alpha-3 preferred) or the country's name as written."
    )
    site_type: Annotated[str, StringConstraints(max_length=100)] = ""
    products: Annotated[str, StringConstraints(max_length=500)] = ""


class SiteList(_Part):
    rows: Annotated[list[Site], Field(max_length=MAX_SITES)]


class RiskAssessment(_Part):
    """The text of the supplier's own human-rights risk assessment."""

    text: Annotated[str, StringConstraints(min_length=1, max_length=MAX_TEXT)]
    filename: Annotated[str, StringConstraints(max_length=255)] = ""


class Smelter(_Part):
    """One row of an RMI template's Smelter List, as the supplier filled it in."""

    metal: Annotated[str, StringConstraints(max_length=40)] = ""
    name: Annotated[str, StringConstraints(max_length=300)] = ""
    country: Annotated[str, StringConstraints(max_length=100)] = Field(
        default="", description="The smelter's country as written in the template."
    )
    cid: Annotated[str, StringConstraints(max_length=20)] = Field(
        default="", description="The RMI facility id (CID followed by six digits), when given."
    )
    not_listed: bool = Field(default=False, description="The supplier said the smelter is not yet listed.")
    mine_country: Annotated[str, StringConstraints(max_length=100)] = ""
    recycled: Annotated[str, StringConstraints(max_length=40)] = Field(
        default="", description="Whether the material is recycled or scrap, as answered."
    )


class RmiReport(_Part):
    """An RMI reporting template (CMRT, EMRT, CRT or AMRT) as read when the supplier uploaded it: its declaration
    and its Smelter List; the workbook itself is not carried."""

    template: Literal["CMRT", "EMRT", "CRT", "AMRT"]
    template_version: Annotated[str, StringConstraints(max_length=20)] = Field(
        default="", description="The template's version, e.g. 6.5."
    )
    company_name: Annotated[str, StringConstraints(max_length=300)] = ""
    declaration_scope: Annotated[str, StringConstraints(max_length=200)] = Field(
        default="", description="The declaration's scope as answered (company, product or user defined)."
    )
    minerals: Annotated[list[Annotated[str, StringConstraints(max_length=40)]], Field(max_length=20)] = Field(
        default_factory=list, description="The minerals or metals in the declaration's scope."
    )
    smelters: Annotated[list[Smelter], Field(max_length=MAX_SMELTERS)]


RmiReports = Annotated[list[RmiReport], Field(min_length=1, max_length=len(RMI_TEMPLATES))]


class VersionContent(_Part):
    """What one version of a profile holds; each part is left out when the profile has none."""

    questionnaire: Questionnaire | None = None
    site_list: SiteList | None = None
    risk_assessment: RiskAssessment | None = None
    rmi_reports: RmiReports | None = None


class Version(_Part):
    """One version of the profile: the whole profile as it was saved then."""

    number: int = Field(ge=1, description="1 for the first version; each later version has a higher number.")
    saved_at: AwareDatetime = Field(description="When the version was saved (ISO 8601 with its UTC offset).")
    source: Literal["questionnaire", "site_list", "risk_assessment", "rmi_report", "import"] = Field(
        description="What the version was saved from."
    )
    questionnaire: Questionnaire | None = None
    site_list: SiteList | None = None
    risk_assessment: RiskAssessment | None = None
    rmi_reports: RmiReports | None = Field(
        default=None, description="Since version 2 of the format: the latest RMI report of each template."
    )


class Company(_Part):
    name: Annotated[str, StringConstraints(min_length=1, max_length=200)]


class ProfileDocument(_Part):
    """A supplier's profile, as exported by one hrdd installation and imported by another."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        strict=True,
        title="hrdd supplier profile",
        json_schema_extra={
            "$schema": SCHEMA_DIALECT,
            "$id": SCHEMA_ID,
            # a version 1 document holds no RMI reports (they came with version 2)
            "if": {"properties": {"version": {"const": 1}}},
            "then": {"properties": {"versions": {"items": {"not": {"required": ["rmi_reports"]}}}}},
        },
    )

    format: Literal["hrdd-supplier-profile"]
    version: Literal[1, 2] = Field(
        description="The version of this format: 2 is written; 1 (without RMI reports) is still read."
    )
    exported_at: AwareDatetime
    company: Company
    versions: Annotated[list[Version], Field(min_length=1, max_length=MAX_VERSIONS)] = Field(
        description="Oldest first."
    )


def profile_json_schema() -> dict[str, Any]:
    """The published JSON Schema of the format (docs/supplier-profile.schema.json)."""
    schema = ProfileDocument.model_json_schema(mode="validation")
    ordered = {"$schema": schema.pop("$schema"), "$id": schema.pop("$id")}
    return ordered | schema


def profile_json_schema_text() -> str:
    """The schema as the file in docs/ holds it."""
    return json.dumps(profile_json_schema(), indent=2, ensure_ascii=False) + "\n"


def _data_path(data: Any, loc: tuple[int | str, ...]) -> str:
    """The path of an error in the document itself (versions[0].questionnaire.answers.x): pydantic's location
    also names the member of a union it tried, which is no part of the document."""
    path = ""
    here = data
    for index, part in enumerate(loc):
        if isinstance(here, list) and isinstance(part, int) and part < len(here):
            path += f"[{part}]"
            here = here[part]
        elif isinstance(here, dict) and isinstance(part, str) and part in here:
            path += f".{part}" if path else part
            here = here[part]
        elif isinstance(here, dict) and index == len(loc) - 1:  # a property that is missing or not allowed
            path += f".{part}" if path else str(part)
        else:
            break
    return path or "(document)"


def parse_profile_document(content: bytes | str) -> ProfileDocument:
    """Read a profile document, refusing (InputError naming the path of the first error) a file that is too large,
    not JSON, or not in the format; version numbers must be unique and increasing."""
    raw = content.encode() if isinstance(content, str) else content
    if len(raw) > MAX_BYTES:
        raise InputError(
            _("The file is %(size)d bytes; a profile may have at most %(max)d.")
            % {"size": len(raw), "max": MAX_BYTES},
            field="file",
        )
    try:
        data = json.loads(raw)
    except RecursionError as exc:  # the parser's own stack: arrays or objects nested thousands deep
        raise InputError(
            _("The file nests lists or objects too deeply to be a supplier profile."), field="file"
        ) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        if isinstance(exc, json.JSONDecodeError):
            message = _("The file is not JSON (line %(line)d, column %(column)d).") % {
                "line": exc.lineno,
                "column": exc.colno,
            }
        else:
            message = _("The file is not JSON: it is not UTF-8 text.")
        raise InputError(message, field="file") from exc
    if not isinstance(data, dict):
        raise InputError(_("A supplier profile is a JSON object."), field="(document)")
    if data.get("format") != FORMAT:
        raise InputError(
            _('This is not a supplier profile: "format" must be "%(format)s".') % {"format": FORMAT},
            field="format",
        )
    if data.get("version") not in READ_VERSIONS or isinstance(data.get("version"), bool):
        raise InputError(
            _(
                "Version %(version)s of the format is not known here; this installation reads versions "
                "%(known)s."
            )
            % {"version": json.dumps(data.get("version")), "known": ", ".join(str(v) for v in READ_VERSIONS)},
            field="version",
        )
    if data["version"] == 1:
        for index, version in enumerate(data.get("versions") or []):
            if isinstance(version, dict) and "rmi_reports" in version:
                raise InputError(
                    _('RMI reports came with version 2 of the format; set "version" to 2.'),
                    field=f"versions[{index}].rmi_reports",
                )
    try:
        document = ProfileDocument.model_validate_json(raw)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        path = _data_path(data, tuple(first["loc"]))
        raise InputError(str(first["msg"]), field=path) from exc
    numbers = [v.number for v in document.versions]
    for index, (before, after) in enumerate(zip(numbers, numbers[1:], strict=False), start=1):
        if after <= before:
            path = f"versions[{index}].number"
            raise InputError(
                _("%(after)d does not follow %(before)d; number the versions oldest first.")
                % {"after": after, "before": before},
                field=path,
            )
    return document


def version_content(version: Version) -> dict[str, Any]:
    """A version's parts as a profile version stores them."""
    return version.model_dump(
        mode="json",
        exclude_none=True,
        include={"questionnaire", "site_list", "risk_assessment", "rmi_reports"},
    )


def check_version_content(content: dict[str, Any]) -> dict[str, Any]:
    """Check a version's parts against the format before they are stored (InputError naming the path)."""
    try:
        return VersionContent.model_validate(content).model_dump(mode="json", exclude_none=True)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        path = _data_path(content, tuple(first["loc"]))
        raise InputError(str(first["msg"]), field=path) from exc


def profile_document(
    *, company: str, versions: list[tuple[int, dt.datetime, str, dict[str, Any]]], exported_at: dt.datetime
) -> dict[str, Any]:
    """The export of a profile: its company and each version (number, saved at, source, content), oldest first."""
    document = ProfileDocument(
        format=FORMAT,
        version=FORMAT_VERSION,
        exported_at=exported_at,
        company=Company(name=company),
        versions=[
            Version.model_validate({"number": number, "saved_at": saved_at, "source": source} | dict(content))
            for number, saved_at, source, content in sorted(versions, key=lambda v: v[0])
        ],
    )
    return document.model_dump(mode="json", exclude_none=True)
