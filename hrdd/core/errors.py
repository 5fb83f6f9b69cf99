"""The errors every edge maps the same way: bad input names its field (4xx, exit status 2), a missing or walled
record is "not found" (404), a refused write is Django's PermissionDenied (403)."""

from __future__ import annotations


class InputError(ValueError):
    """Input was refused; `field` names the form field, API property or CLI option at fault ('' when none)."""

    def __init__(self, message: str, *, field: str = "") -> None:
        self.field = field
        super().__init__(message)


class NotFound(LookupError):
    """No such record, or one the user may not see: the edges answer 404 without telling which."""

    def __init__(self, what: str = "record") -> None:
        self.what = what
        super().__init__(f"{what} not found")


class StoredFileMissing(NotFound):
    """A record's stored file (a FileField's) is gone from storage: deleted from disk, or a restore without the
    uploaded files. The edges answer 404 with `message`, which names the file and says how to get it back."""

    def __init__(self, message: str, *, filename: str) -> None:
        self.what = filename
        self.filename = filename
        LookupError.__init__(self, message)
