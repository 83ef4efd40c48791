"""Loading and activating rule pack versions: permission, validation, idempotence, one active."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction

from xiufu.audit.models import AuditEvent
from xiufu.core.errors import Conflict, InvalidInput, PermissionDenied
from xiufu.rules.actions import do_activate_rule_pack, do_load_rule_pack
from xiufu.rules.models import RulePackVersion
from xiufu.rules.tests.helpers import dump, shipped_data, shipped_text, variant

pytestmark = pytest.mark.django_db


def _active_versions(regime: str = "credit_dispute") -> list[str]:
    return list(
        RulePackVersion.objects.filter(regime=regime, is_active=True).values_list(
            "version", flat=True
        )
    )


@pytest.mark.parametrize("persona", ["clerk", "investigator", "approver", "auditor", "applicant"])
def test_only_compliance_admins_load_rule_packs(request, persona):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied) as exc:
        do_load_rule_pack(text=shipped_text(), actor=user)
    assert exc.value.code == "role_required"
    assert not RulePackVersion.objects.exists()


def test_load_stores_the_text_and_records_who(compliance):
    # when a compliance admin loads a pack without activating it
    row = do_load_rule_pack(text=shipped_text(), actor=compliance)
    # then it is stored as loaded, attributed, inactive, and audited
    assert (row.regime, row.version, row.is_active) == ("credit_dispute", "2026.2", False)
    assert row.content == shipped_text()
    assert row.loaded_by == compliance
    assert row.effective_from == dt.date(2013, 3, 15)
    event = AuditEvent.objects.get()
    assert event.type == "xiufu.rules.pack_loaded"
    assert event.actor == compliance
    assert event.payload == {
        "regime": "credit_dispute",
        "version": "2026.2",
        "sha256": row.sha256,
        "source": "uploaded",
    }


def test_loading_identical_content_again_returns_the_same_row(compliance):
    first = do_load_rule_pack(text=shipped_text(), actor=compliance)
    # the same content with other comments and layout is still the same content
    again = do_load_rule_pack(text="# reloaded\n" + shipped_text(), actor=compliance)
    assert again.pk == first.pk
    assert RulePackVersion.objects.count() == 1
    assert AuditEvent.objects.count() == 1


def test_identical_reload_can_activate(compliance):
    first = do_load_rule_pack(text=shipped_text(), actor=compliance)
    again = do_load_rule_pack(text=shipped_text(), actor=compliance, activate=True)
    assert again.pk == first.pk
    assert again.is_active


def test_same_version_with_different_content_is_a_duplicate(compliance):
    do_load_rule_pack(text=shipped_text(), actor=compliance)
    with pytest.raises(Conflict) as exc:
        do_load_rule_pack(text=variant(title="改过的标题"), actor=compliance)
    assert exc.value.code == "duplicate"
    assert exc.value.status == 409
    assert RulePackVersion.objects.count() == 1


def test_invalid_pack_lists_every_problem(compliance):
    data = shipped_data()
    data["deadlines"]["rules"][0]["length"] = 0
    data["findings"][2]["status"] = "maybe"
    with pytest.raises(InvalidInput) as exc:
        do_load_rule_pack(text=dump(data), actor=compliance)
    assert exc.value.code == "invalid_rule_pack"
    assert exc.value.status == 422
    assert exc.value.details["problems"] == [
        "deadlines.rules[0].length: must be positive, got 0",
        "findings[2].status: 'maybe' is not one of confirmed, secondary, unconfirmed",
    ]
    assert not RulePackVersion.objects.exists()


def test_activation_keeps_exactly_one_active_version(compliance):
    # given two versions, the first active
    first = do_load_rule_pack(text=shipped_text(), actor=compliance, activate=True)
    second = do_load_rule_pack(text=variant(version="2026.3"), actor=compliance)
    assert _active_versions() == ["2026.2"]
    # when the second is activated
    do_activate_rule_pack(second.pk, actor=compliance)
    # then it is the only active one, and the switch is audited
    assert _active_versions() == ["2026.3"]
    first.refresh_from_db()
    assert not first.is_active
    event = AuditEvent.objects.filter(type="xiufu.rules.pack_activated").first()
    assert event is not None
    assert event.payload == {
        "regime": "credit_dispute",
        "version": "2026.3",
        "previous_version": "2026.2",
    }
    # and rolling back is allowed
    do_activate_rule_pack(first.pk, actor=compliance)
    assert _active_versions() == ["2026.2"]


def test_activating_the_active_version_changes_nothing(compliance):
    row = do_load_rule_pack(text=shipped_text(), actor=compliance, activate=True)
    events = AuditEvent.objects.count()
    assert do_activate_rule_pack(row.pk, actor=compliance).is_active
    assert AuditEvent.objects.count() == events


def test_regimes_are_independent(compliance):
    do_load_rule_pack(text=shipped_text(), actor=compliance, activate=True)
    do_load_rule_pack(
        text=variant(regime="credit_dispute_overlay"), actor=compliance, activate=True
    )
    assert _active_versions() == ["2026.2"]
    assert _active_versions("credit_dispute_overlay") == ["2026.2"]


def test_a_version_not_yet_in_force_cannot_be_activated(compliance):
    row = do_load_rule_pack(
        text=variant(version="2099.1", effective_from=dt.date(2099, 1, 1)), actor=compliance
    )
    with pytest.raises(Conflict) as exc:
        do_activate_rule_pack(row.pk, actor=compliance)
    assert exc.value.code == "rule_pack_not_yet_effective"
    assert not RulePackVersion.objects.filter(is_active=True).exists()


def test_clerk_cannot_activate(compliance, clerk):
    row = do_load_rule_pack(text=shipped_text(), actor=compliance)
    with pytest.raises(PermissionDenied):
        do_activate_rule_pack(row.pk, actor=clerk)


def test_the_database_refuses_two_active_versions_of_a_regime(compliance):
    do_load_rule_pack(text=shipped_text(), actor=compliance, activate=True)
    other = do_load_rule_pack(text=variant(version="2026.3"), actor=compliance)
    with pytest.raises(IntegrityError), transaction.atomic():
        RulePackVersion.objects.filter(pk=other.pk).update(is_active=True)
