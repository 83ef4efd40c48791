"""The one call the case actions make: issue the letter a transition calls for, inside that
transition's transaction (a failure rolls the whole transition back)."""

from __future__ import annotations

from typing import Any

from xiufu.letters import actions, context
from xiufu.letters.models import Letter


def issue_for_case(case: Any, kind: str, *, actor: Any, **extra: Any) -> Letter:
    data, rule_ids = context.build(kind, case, **extra)
    return actions.issue_letter(case, kind, data, actor=actor, rule_ids=rule_ids)
