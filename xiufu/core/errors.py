"""Domain errors with stable machine codes.

Actions raise these; the API turns them into ``{"code", "message", "details"}`` with the status
given here, and the pages show the message. Codes never change once published: clients rely on them.
Messages are translated when the error is raised (``gettext``), so they come out in the language
of the request being served: Chinese by default, English when the user asked for it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.translation import gettext as _


class ErrorCode(StrEnum):
    """Codes shared by every app. Apps add their own enums for their own errors."""

    NOT_AUTHENTICATED = "not_authenticated"
    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"
    INVALID_INPUT = "invalid_input"
    UNKNOWN_FIELD = "unknown_field"
    MISSING_FIELD = "missing_field"
    MALFORMED_JSON = "malformed_json"
    BODY_TOO_LARGE = "body_too_large"
    DUPLICATE = "duplicate"
    CONFLICT = "conflict"
    PURPOSE_REQUIRED = "purpose_required"
    INVALID_USCC = "invalid_uscc"
    INVALID_ID_NUMBER = "invalid_id_number"
    RATE_LIMITED = "rate_limited"
    INTERNAL_ERROR = "internal_error"


class DomainError(Exception):
    """An error a user can understand and act on."""

    status = 400

    def __init__(self, code: str, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.code = str(code)
        self.message = message
        self.details = details or {}

    def as_body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details}


class InvalidInput(DomainError):
    status = 422


class PermissionDenied(DomainError):
    status = 403

    def __init__(
        self,
        message: str | None = None,
        *,
        code: str = ErrorCode.PERMISSION_DENIED,
        details: dict[str, Any] | None = None,
    ) -> None:
        # The default is translated here, when raised, not at import.
        if message is None:
            message = _("您没有执行此操作的权限。")
        super().__init__(code, message, details=details)


class NotFound(DomainError):
    status = 404

    def __init__(self, message: str | None = None, *, what: str = "") -> None:
        if message is None:
            message = _("未找到该对象。")
        super().__init__(ErrorCode.NOT_FOUND, message, details={"object": what} if what else None)


class Conflict(DomainError):
    status = 409
