"""The case's view of its rule pack: the version it started with, and its checklist."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from xiufu.cases.choices import Channel
from xiufu.cases.models import Case


def pack_of(case: Case) -> Any:
    """The parsed rule pack this case runs under (the version it started with); no query when
    the case was loaded with its ``rule_pack`` (the selectors do)."""
    from xiufu.rules.selectors import pack_version, parsed_pack

    if "rule_pack" in case._state.fields_cache:
        return parsed_pack(case.rule_pack)
    return pack_version(case.rule_pack_id)


@dataclass(frozen=True)
class _NoChecklist:
    """A proactive case has no applicant and so no materials to review."""

    items: tuple[Any, ...] = ()
    rule_ids: tuple[str, ...] = ()


def checklist_for(case: Case) -> Any:
    if case.channel == Channel.PROACTIVE or not case.applicant_type:
        return _NoChecklist()
    categories = sorted(set(case.items.values_list("category", flat=True)))
    return pack_of(case).checklist(categories, case.applicant_type)
