from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import ConfigDict


class StrictSchema(Schema):
    """Request bodies: unknown fields are an error, never silently dropped."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ErrorBody(Schema):
    """The one error body of the API."""

    code: str
    message: str
    details: dict[str, Any]
