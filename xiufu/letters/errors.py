"""Error codes of the letters app (returned by the API with 4xx, translated by the pages)."""

from enum import StrEnum


class LetterErrorCode(StrEnum):
    FIELDS_MISSING = "letter_fields_missing"
    NO_TEMPLATE = "letter_template_missing"
    TEMPLATE_REFUSED = "letter_template_refused"
    TEMPLATE_UNKNOWN_FIELDS = "letter_template_unknown_fields"
    TEMPLATE_TOO_LARGE = "letter_template_too_large"
    UNKNOWN_KIND = "unknown_letter_kind"
    NOT_APPLICABLE = "letter_not_applicable"
    PREVIEW_REQUIRED = "letter_preview_required"
    PREVIEW_STALE = "letter_preview_stale"
