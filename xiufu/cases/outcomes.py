"""Item outcomes and the case outcome derived from them (a case may end partly corrected)."""

from __future__ import annotations

from collections.abc import Iterable

from xiufu.cases.choices import CaseOutcome, Finding, ItemOutcome

# The outcome an item reaches at the written reply, from its finding. An error that was
# confirmed reaches "corrected" only when the bureau confirms the correction.
REPLY_OUTCOME = {
    Finding.NO_ERROR: ItemOutcome.NO_ERROR,
    Finding.UNDETERMINED: ItemOutcome.UNDETERMINED,
    Finding.NOT_REPAIRABLE: ItemOutcome.NOT_REPAIRABLE,
}


def derive_case_outcome(item_outcomes: Iterable[str]) -> str:
    outcomes = list(item_outcomes)
    if not outcomes:
        return ""
    if all(o == ItemOutcome.WITHDRAWN for o in outcomes):
        return CaseOutcome.WITHDRAWN
    if all(o == ItemOutcome.REJECTED for o in outcomes):
        return CaseOutcome.REJECTED
    corrected = sum(o == ItemOutcome.CORRECTED for o in outcomes)
    if corrected == len(outcomes):
        return CaseOutcome.CORRECTED
    if corrected:
        return CaseOutcome.PARTLY_CORRECTED
    if any(o == ItemOutcome.UNDETERMINED for o in outcomes):
        return CaseOutcome.UNDETERMINED
    return CaseOutcome.NOT_CORRECTED
