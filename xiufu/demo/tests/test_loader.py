"""The demo loader: deterministic, independent of the hash seed, audited, and able to reset over
rows that point at demo users. What the loaded demo contains is checked in test_demo_world.py."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from xiufu.accounts.models import ApiToken, EnterpriseMembership, PowerOfAttorney, RoleGrant, User
from xiufu.audit import events
from xiufu.audit.actions import record_event
from xiufu.audit.choices import AccessChannel, AccessPurpose
from xiufu.audit.models import AuditEvent, CreditDataAccess
from xiufu.core.errors import Conflict
from xiufu.demo import docs
from xiufu.demo.build import build_world
from xiufu.demo.loader import (
    RECORD_MODELS,
    database_is_empty,
    detached_fields,
    load_demo,
    planted_errors,
    reset_order,
    true_negatives,
)
from xiufu.demo.manifest import CATEGORIES
from xiufu.enterprises.models import Enterprise, Person

pytestmark = pytest.mark.django_db

# Fields that hold no story: keys, timestamps, the salted password hash, the ledger's source.
_NOT_COMPARED = {"id", "source_system"}
_VOLATILE = {"id", "password", "created_at", "registered_at", "granted_at", "date_joined", "at"}
_NATURAL_KEYS: dict[Any, str] = {
    Enterprise: "uscc",
    Person: "id_number",
    User: "username",
    EnterpriseMembership: "user__username",
}


@pytest.fixture
def summary():
    return load_demo()


def _snapshot() -> dict[str, list[str]]:
    """Every demo row as natural keys and values, without ids, timestamps or password salts."""
    tables = [Person, Enterprise, User, RoleGrant, EnterpriseMembership, PowerOfAttorney]
    tables += [model for pair in RECORD_MODELS.values() for model in pair]
    result = {}
    for model in tables:
        columns = [
            f"{f.name}__{_NATURAL_KEYS[f.related_model]}" if f.is_relation else f.name
            for f in model._meta.concrete_fields
            if f.name not in _VOLATILE
        ]
        rows = model._default_manager.values_list(*columns)
        result[model._meta.label] = sorted(repr(row) for row in rows)
    return result


def test_loading_twice_gives_identical_data_and_one_audit_event():
    # given a first load
    load_demo()
    first = _snapshot()
    # when the demo is loaded again over it
    summary = load_demo()
    # then the reset removed the first copy and the second is the same, row for row
    assert _snapshot() == first
    assert Enterprise.objects.count() == len(first["enterprises.Enterprise"])
    # and the system's load is audited once, the first load's event gone with its data
    loaded = AuditEvent.objects.filter(type=events.DEMO_LOADED.code)
    assert loaded.count() == 1
    assert loaded.get().payload == {"enterprises": summary.enterprises}
    assert loaded.get().actor is None


def _world_digest() -> str:
    world = build_world()
    return hashlib.sha256(repr((world.enterprises, world.pairs)).encode()).hexdigest()


def test_world_does_not_depend_on_hash_seed():
    # given another interpreter with another string-hash seed
    code = "import django; django.setup(); from xiufu.demo.tests.test_loader import _world_digest;"
    code += " print(_world_digest())"
    env = {"DJANGO_SETTINGS_MODULE": "config.settings", **os.environ, "PYTHONHASHSEED": "12345"}
    env.pop("XIUFU_FURNISHER_CODE", None)
    root = Path(__file__).resolve().parents[3]
    # when it builds the world
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=root, capture_output=True, text=True, check=True
    )
    # then it is the same world
    assert out.stdout.strip() == _world_digest()


def test_planted_errors_cover_the_categories():
    errors = planted_errors()
    counts = Counter(e.category for e in errors)
    assert set(counts) <= set(CATEGORIES)
    assert counts["overdue_wrong"] >= 3
    assert counts["settled_shown_outstanding"] >= 2
    assert counts["public_record_outdated"] >= 2
    assert counts["five_tier_class_wrong"] >= 1
    assert counts["amount_wrong"] >= 1
    not_ours = [e for e in errors if e.kind == "guarantees" and e.fields == ("enterprise",)]
    assert len(not_ours) >= 2
    assert len({e.key for e in errors}) == len(errors)
    assert all(e.differences for e in errors)


def test_reset_removes_rows_that_protect_demo_users_and_enterprises(summary):
    # given rows elsewhere that point at a demo user and a demo enterprise
    clerk = User.objects.get(username="clerk")
    enterprise = Enterprise.objects.first()
    token = ApiToken.objects.create(user=clerk, name="t", prefix="xf_abc", key_hash="0" * 64)
    record_event(events.API_TOKEN_ISSUED, actor=clerk, payload={"username": "clerk", "name": "t"})
    access = CreditDataAccess.objects.create(
        actor=clerk,
        enterprise=enterprise,
        content="loan_records",
        purpose=AccessPurpose.DISPUTE_INVESTIGATION,
        channel=AccessChannel.PAGE,
    )
    # when the demo is loaded again, then the reset gets past the PROTECT foreign keys
    load_demo()
    assert not ApiToken.objects.filter(pk=token.pk).exists()
    assert not CreditDataAccess.objects.filter(pk=access.pk).exists()


def test_reset_order_deletes_referencing_rows_first():
    order = reset_order()
    assert {ApiToken, AuditEvent, CreditDataAccess, User, Enterprise, Person} <= set(order)
    for position, model in enumerate(order):
        for field in model._meta.concrete_fields:
            if field.is_relation and field.related_model in order[:position]:
                pytest.fail(f"{model._meta.label}.{field.name} points at a model deleted earlier")


def test_rows_that_survive_a_reset_only_lose_nullable_references():
    deleted = set(reset_order())
    for field in detached_fields():
        assert field.null
        assert field.model not in deleted
        assert field.related_model in deleted


def test_load_without_reset_needs_an_empty_database():
    assert database_is_empty()
    load_demo(reset=False)
    assert not database_is_empty()
    with pytest.raises(Conflict):
        load_demo(reset=False)


def test_the_document_lists_every_planted_error(settings):
    settings.FURNISHER_CODE = "B0000000000001"
    text = docs.DOC_PATH.read_text(encoding="utf-8")
    assert docs.generated_section() in text, "docs/demo-data.md is stale: python -m xiufu.demo.docs"
    for key in [e.key for e in planted_errors()] + [n.key for n in true_negatives()]:
        assert key in text
