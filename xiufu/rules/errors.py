"""Error codes of the rules app (returned by the API with 4xx, translated by the UI)."""

from enum import StrEnum


class RulesErrorCode(StrEnum):
    INVALID_RULE_PACK = "invalid_rule_pack"
    UNKNOWN_CATEGORY = "unknown_category"
    UNKNOWN_APPLICANT_TYPE = "unknown_applicant_type"
    NO_ACTIVE_RULE_PACK = "no_active_rule_pack"
    NOT_YET_EFFECTIVE = "rule_pack_not_yet_effective"
