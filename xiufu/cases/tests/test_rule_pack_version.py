"""A running case keeps the rule-pack version it started with; decisions record it."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine

from xiufu.rules.actions import do_activate_rule_pack, do_load_rule_pack
from xiufu.rules.tests.helpers import dump, shipped_data

pytestmark = pytest.mark.django_db

SHANGHAI = dt.timezone(dt.timedelta(hours=8))


def _pack_with_reply_days(days: int) -> str:
    data = shipped_data()
    data["version"] = "2026.3"
    for rule in data["deadlines"]["rules"]:
        if rule["code"] == "reply":
            rule["length"] = days
    return dump(data)


def test_running_case_keeps_its_version_new_cases_take_the_new_one(drive, compliance):
    with time_machine.travel(dt.datetime(2025, 6, 2, 10, tzinfo=SHANGHAI)):
        old = drive()
        row = do_load_rule_pack(text=_pack_with_reply_days(15), actor=compliance)
        do_activate_rule_pack(row.pk, actor=compliance)
        new = drive()
        old_case, new_case = old.to_accepted(), new.to_accepted()
    assert old_case.rule_pack.version == "2026.2"
    assert new_case.rule_pack.version == "2026.3"
    # received 2025-06-02: 20 days → 06-22 (Sunday) → 06-23; 15 days → 06-17
    assert old_case.due_on == dt.date(2025, 6, 23)
    assert new_case.due_on == dt.date(2025, 6, 17)
    assert old_case.events.get(event="accept").pack_version == "2026.2"
