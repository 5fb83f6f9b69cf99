"""The API's shapes for supplier profiles; the profile document itself is hrdd.profiles.format's."""

from ninja import Schema


class ProfileImportOut(Schema):
    """What an import created: the address it is tied to, the company and the versions it holds."""

    email: str
    company: str
    versions: list[int]
    detail: str
