"""Django-facing wrappers of the identifier checks in xiufu.core.identifiers."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from xiufu.core.identifiers import IdentifierError, validate_resident_id, validate_uscc


def uscc_validator(value: str) -> None:
    try:
        validate_uscc(value)
    except IdentifierError as exc:
        raise ValidationError(exc.message, code=f"uscc_{exc.reason}") from None


def resident_id_validator(value: str) -> None:
    try:
        validate_resident_id(value)
    except IdentifierError as exc:
        raise ValidationError(exc.message, code=f"id_number_{exc.reason}") from None
