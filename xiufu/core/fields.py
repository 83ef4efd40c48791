"""Pydantic field types for the API that validate Chinese identifiers with precise errors."""

from __future__ import annotations

from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from xiufu.core.identifiers import IdentifierError, validate_resident_id, validate_uscc


def _uscc(value: str) -> str:
    try:
        return validate_uscc(value)
    except IdentifierError as exc:
        raise PydanticCustomError(
            "invalid_uscc", "{message}", {"reason": exc.reason, "message": exc.message}
        ) from None


def _resident_id(value: str) -> str:
    try:
        return validate_resident_id(value)
    except IdentifierError as exc:
        raise PydanticCustomError(
            "invalid_id_number", "{message}", {"reason": exc.reason, "message": exc.message}
        ) from None


Uscc = Annotated[str, AfterValidator(_uscc)]
ResidentId = Annotated[str, AfterValidator(_resident_id)]
