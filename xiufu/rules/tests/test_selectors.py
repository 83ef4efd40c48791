"""active_pack bootstraps a fresh installation; a case keeps the version it started with."""

from __future__ import annotations

import datetime as dt

import pytest

from xiufu.audit.models import AuditEvent
from xiufu.core.errors import Conflict, InvalidInput, NotFound
from xiufu.enterprises.choices import IdType
from xiufu.rules import selectors
from xiufu.rules.actions import do_activate_rule_pack, do_load_rule_pack
from xiufu.rules.models import RulePackVersion
from xiufu.rules.tests.helpers import shipped_text, variant

pytestmark = pytest.mark.django_db


def test_a_fresh_installation_gets_the_newest_shipped_pack():
    # given no rule pack in the database
    assert not RulePackVersion.objects.exists()
    # when the active pack is asked for
    row, pack = selectors.active_pack()
    # then the shipped pack is installed by the system and active
    assert (row.regime, row.version, row.is_active) == ("credit_dispute", "2026.2", True)
    assert row.loaded_by is None
    assert row.sha256 == pack.sha256
    assert row.content == shipped_text()
    events = list(AuditEvent.objects.order_by("id").values_list("type", "actor", "payload"))
    assert [e[0] for e in events] == ["xiufu.rules.pack_loaded", "xiufu.rules.pack_activated"]
    assert all(actor is None for _, actor, _ in events)
    assert events[0][2]["source"] == "shipped"
    # and asking again installs nothing more
    again, _ = selectors.active_pack()
    assert again.pk == row.pk
    assert RulePackVersion.objects.count() == 1
    assert AuditEvent.objects.count() == 2


def test_an_unknown_regime_is_not_found():
    with pytest.raises(NotFound):
        selectors.active_pack("no_such_regime")


def test_loaded_but_nothing_active_is_a_conflict_not_a_silent_install(compliance):
    # given an admin loaded a version without activating it, before anyone asked
    do_load_rule_pack(text=shipped_text(), actor=compliance)
    # then there is no active pack, and the system does not pick one by itself
    with pytest.raises(Conflict) as exc:
        selectors.active_pack()
    assert exc.value.code == "no_active_rule_pack"


def test_a_running_case_keeps_its_version(compliance):
    # given a case started on the shipped version
    started_on, _ = selectors.active_pack()
    # when a new version is loaded and activated
    newer = do_load_rule_pack(
        text=variant(version="2026.3", title="新版规则包"), actor=compliance, activate=True
    )
    # then new cases get the new version and the running case still reads its own
    assert selectors.active_pack()[0].pk == newer.pk
    assert selectors.pack_version(started_on.pk).version == "2026.2"
    assert selectors.pack_version(newer.pk).title == "新版规则包"


def test_pack_version_of_a_missing_row():
    with pytest.raises(NotFound):
        selectors.pack_version(424242)


def test_altered_stored_content_is_detected():
    row, _ = selectors.active_pack()
    selectors._PARSED.clear()
    RulePackVersion.objects.filter(pk=row.pk).update(
        content=shipped_text().replace("length: 20", "length: 200")
    )
    with pytest.raises(selectors.RulePackIntegrityError):
        selectors.pack_version(row.pk)
    selectors._PARSED.clear()


def test_checklist_selector_turns_unknown_codes_into_invalid_input():
    checklist = selectors.checklist(categories=["overdue_wrong"], applicant_type="agent")
    assert checklist.pack_version == "2026.2"
    with pytest.raises(InvalidInput) as exc:
        selectors.checklist(categories=["nonsense"], applicant_type="agent")
    assert exc.value.code == "unknown_category"
    assert "overdue_wrong" in exc.value.details["choices"]
    with pytest.raises(InvalidInput) as exc:
        selectors.checklist(categories=[], applicant_type="cousin")
    assert exc.value.code == "unknown_applicant_type"


def test_accepted_id_types_are_the_id_types_the_counter_knows():
    _, pack = selectors.active_pack()
    for material in pack.materials:
        assert set(material.accepted_id_types) <= set(IdType.values), material.code


def test_future_packs_are_not_installed_by_the_system(monkeypatch):
    # given the only shipped pack comes into force tomorrow
    from django.utils import timezone

    monkeypatch.setattr(timezone, "localdate", lambda *a: dt.date(2013, 3, 14))
    with pytest.raises(NotFound):
        selectors.active_pack()
    assert not RulePackVersion.objects.exists()


def test_activate_unknown_version(compliance):
    with pytest.raises(NotFound):
        do_activate_rule_pack(99999, actor=compliance)
