"""The help centre's facts that come from the active rule pack, so that text and pack agree."""

from __future__ import annotations

from typing import Any

from xiufu.core.errors import DomainError
from xiufu.rules.engine.model import START_EVENTS
from xiufu.rules.selectors import active_pack


def help_centre() -> dict[str, Any]:
    """The parts of the help centre that come from the active rule pack, so text and pack agree."""
    try:
        _row, pack = active_pack()
    except DomainError:
        return {"pack": None}
    return {
        "pack": pack,
        "categories": pack.categories,
        "reply": pack.reply_deadline(),
        "reply_start": START_EVENTS.get(pack.reply_deadline().start_event, ""),
        "counting": pack.rule(pack.reply_deadline().counting_rule_id),
        "not_repairable": _finding(pack, "not_repairable"),
        "undetermined": _finding(pack, "undetermined"),
        "supplement": pack.supplement,
        "avenues": pack.other_avenues(),
        "public_remedy": next(
            (c.remedy for c in pack.categories if c.code == "public_record_outdated"), None
        ),
        "power_of_attorney": next(
            (m for m in pack.materials if m.code == "power_of_attorney"), None
        ),
    }


def _finding(pack: Any, code: str) -> Any:
    return next((f for f in pack.findings if f.code == code), None)
