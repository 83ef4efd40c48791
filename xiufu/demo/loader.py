"""Load the demo data: the demo bank 修复示范银行, its enterprises, records and planted errors.

The world is built in memory first (``xiufu.demo.build``), deterministically from a fixed seed
and relative to a fixed anchor date, then written in one transaction with one ``bulk_create``
per table. Only the powers of attorney are dated relative to today, so that the demo agents can
sign in whenever the demo is loaded. See docs/demo-data.md for the story.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.db import models, transaction
from django.utils import timezone

from xiufu.accounts.choices import Capacity, UserKind
from xiufu.accounts.models import (
    ApiToken,
    EnterpriseMembership,
    PowerOfAttorney,
    RoleGrant,
    User,
)
from xiufu.audit import events
from xiufu.audit.actions import record_event
from xiufu.audit.models import AuditEvent, CreditDataAccess
from xiufu.cases.models import CaseSequence
from xiufu.core.errors import Conflict, ErrorCode
from xiufu.demo.accounts import DEMO_PASSWORD, EXPIRED_AGENT, DemoAccount, accounts_of
from xiufu.demo.build import build_world
from xiufu.demo.manifest import PlantedError, TrueNegative
from xiufu.demo.world import ANCHOR_DATE, World
from xiufu.enterprises.choices import EnterpriseStatus, IdType
from xiufu.enterprises.models import Enterprise, Person
from xiufu.evidence.ledger import do_publish_checkpoint
from xiufu.records.models import (
    GuaranteeRecord,
    LedgerGuarantee,
    LedgerLoan,
    LedgerPublicRecord,
    LoanRecord,
    PublicRecord,
)

__all__ = [
    "ANCHOR_DATE",
    "DEMO_PASSWORD",
    "DemoAccount",
    "DemoSummary",
    "PlantedError",
    "TrueNegative",
    "database_is_empty",
    "demo_accounts",
    "detached_fields",
    "load_demo",
    "planted_errors",
    "reset_domain_data",
    "reset_order",
    "true_negatives",
]

# Reported model and ledger model of each record kind.
RECORD_MODELS: dict[str, tuple[type[models.Model], type[models.Model]]] = {
    "loans": (LoanRecord, LedgerLoan),
    "guarantees": (GuaranteeRecord, LedgerGuarantee),
    "public_records": (PublicRecord, LedgerPublicRecord),
}
# Where a public record's source data comes from, by kind.
_PUBLIC_SOURCES = {
    "tax_arrears": "tax_authority",
    "civil_judgment": "court",
    "enforcement": "court",
    "administrative_penalty": "market_regulation",
    "abnormal_operations": "market_regulation",
}
# The domain tables a reset always empties (the brief of the demo data, docs/demo-data.md).
_RESET: tuple[type[models.Model], ...] = (
    User,
    RoleGrant,
    EnterpriseMembership,
    PowerOfAttorney,
    ApiToken,
    Person,
    Enterprise,
    LoanRecord,
    GuaranteeRecord,
    PublicRecord,
    LedgerLoan,
    LedgerGuarantee,
    LedgerPublicRecord,
    AuditEvent,
    CreditDataAccess,
    CaseSequence,
)
# Powers of attorney, relative to today: a valid one runs a year from a month ago; the lapsed
# one ended a month ago.
_POA_VALID = (dt.timedelta(days=-30), dt.timedelta(days=335))
_POA_EXPIRED = (dt.timedelta(days=-395), dt.timedelta(days=-30))


@dataclass(frozen=True)
class DemoSummary:
    """What ``load_demo`` created."""

    enterprises: int
    loans: int
    guarantees: int
    public_records: int
    accounts: list[DemoAccount]
    planted_errors: int
    cases: int = 0


def database_is_empty() -> bool:
    """True when there are neither users nor enterprises: a fresh install."""
    return not User.objects.exists() and not Enterprise.objects.exists()


def demo_accounts() -> list[DemoAccount]:
    """The fixed list of demo accounts, whether or not the demo is loaded."""
    return accounts_of(build_world())


def planted_errors() -> list[PlantedError]:
    """The manifest of planted errors; computed without the database, equal to what loads."""
    return list(build_world().planted)


def true_negatives() -> list[TrueNegative]:
    """Adverse records that are correct and must survive any dispute."""
    return list(build_world().true_negatives)


def load_demo(*, reset: bool = True) -> DemoSummary:
    """Load the demo data in one transaction and record a ``xiufu.demo.loaded`` audit event.

    With ``reset`` every user, person, enterprise, record, audit and access-log row (and every
    row that cannot exist without them, see ``reset_order``) is deleted first. Without it the
    database must be empty.
    """
    world = build_world()
    with transaction.atomic():
        if reset:
            reset_domain_data()
        elif not database_is_empty():
            raise Conflict(ErrorCode.CONFLICT, "数据库中已有数据，只能在重置后载入演示数据。")
        people, enterprises = _save_enterprises(world)
        _save_records(world, enterprises)
        accounts = accounts_of(world)
        _save_accounts(world, accounts, people, enterprises)
        record_event(events.DEMO_LOADED, actor=None, payload={"enterprises": len(enterprises)})
        from xiufu.bureau.adapters import goes_through_outbox
        from xiufu.bureau.outbox import enqueue_reports
        from xiufu.demo.cases import load_demo_cases

        # A bureau behind the outbox (the sandbox) learns the records as the furnisher's regular
        # reporting sends them (the worker delivers them in the background): before the cases,
        # so that their dispute marks land on known records, and again after them, as the next
        # month's report would carry the corrections the demo's history made.
        to_bureau = goes_through_outbox()
        if to_bureau:
            enqueue_reports()
        cases = load_demo_cases()
        if to_bureau:
            from xiufu.cases.models import DisputedItem

            disputed = {i.business_id or i.case.enterprise.uscc for i in DisputedItem.objects.all()}
            enqueue_reports(business_ids=disputed)
    # Fix the demo's materials under a signed, timestamped checkpoint now, so that their
    # receipts can be downloaded at once (the log itself is never reset).
    do_publish_checkpoint()
    return DemoSummary(
        enterprises=len(world.enterprises),
        loans=sum(1 for p in world.pairs if p.kind == "loans"),
        guarantees=sum(1 for p in world.pairs if p.kind == "guarantees"),
        public_records=sum(1 for p in world.pairs if p.kind == "public_records"),
        accounts=accounts,
        planted_errors=len(world.planted),
        cases=len(cases),
    )


def reset_order() -> list[type[models.Model]]:
    """The models whose rows a reset deletes, each before the models it points at.

    The domain tables (``_RESET``) plus every project model that cannot exist without one of
    their rows (a non-null foreign key, e.g. cases, calendar overrides): found from the foreign
    keys, so that a reset keeps working when a new app adds rows that PROTECT a user or an
    enterprise.
    """
    project = _project_models()
    to_delete = set(_RESET)
    while grown := {
        m
        for m in project
        if m not in to_delete and any(not f.null for f in _relations(m, to_delete))
    }:
        to_delete |= grown
    ordered: list[type[models.Model]] = []
    while to_delete:
        # A model is ready when no model still to be deleted points at it.
        ready = [m for m in to_delete if not any(_relations(o, {m}) for o in to_delete - {m})]
        if not ready:
            raise RuntimeError(
                f"foreign-key cycle among {sorted(m._meta.label for m in to_delete)}"
            )
        ordered += sorted(ready, key=lambda m: m._meta.label)
        to_delete -= set(ready)
    return ordered


def detached_fields() -> list[models.ForeignKey[Any, Any]]:
    """Nullable foreign keys of surviving models that point at deleted rows (e.g. who loaded a
    rule pack): a reset sets them to null instead of deleting configuration."""
    deleted = set(reset_order())
    return [
        field
        for model in _project_models()
        if model not in deleted
        for field in _relations(model, deleted)
    ]


def _project_models() -> list[type[models.Model]]:
    return [m for m in apps.get_models() if m._meta.app_config.name.startswith("xiufu.")]


def _relations(
    model: type[models.Model], targets: set[type[models.Model]]
) -> list[models.ForeignKey[Any, Any]]:
    return [
        f
        for f in model._meta.concrete_fields
        if isinstance(f, models.ForeignKey)
        and f.related_model in targets
        and f.related_model is not model
    ]


def reset_domain_data() -> None:
    """Delete all domain data, referencing rows first. Runs inside the caller's transaction."""
    for field in detached_fields():
        field.model._default_manager.filter(**{f"{field.name}__isnull": False}).update(
            **{field.name: None}
        )
    for model in reset_order():
        model._default_manager.all().delete()


def _save_enterprises(world: World) -> tuple[dict[str, Person], dict[str, Enterprise]]:
    seeds = [e.legal_representative for e in world.enterprises] + list(world.agents.values())
    people = Person.objects.bulk_create(
        Person(name=p.name, id_type=IdType.RESIDENT_ID, id_number=p.id_number, phone=p.phone)
        for p in seeds
    )
    by_id_number = {p.id_number: p for p in people}
    enterprises = Enterprise.objects.bulk_create(
        Enterprise(
            uscc=e.uscc,
            name=e.name,
            industry=e.industry,
            region_code=e.region.code,
            region_name=e.region.full_name,
            address=e.address,
            established_on=e.established_on,
            registered_capital=e.registered_capital,
            status=EnterpriseStatus.ACTIVE,
            legal_representative=by_id_number[e.legal_representative.id_number],
        )
        for e in world.enterprises
    )
    return by_id_number, {e.uscc: e for e in enterprises}


def _row(
    model: type[models.Model], fields: dict[str, Any], enterprises: dict[str, Enterprise]
) -> Any:
    return model(**{**fields, "enterprise": enterprises[fields["enterprise"]]})


def _save_records(world: World, enterprises: dict[str, Enterprise]) -> None:
    for kind, (reported_model, ledger_model) in RECORD_MODELS.items():
        pairs = [p for p in world.pairs if p.kind == kind]
        reported_model._default_manager.bulk_create(
            _row(reported_model, p.reported, enterprises) for p in pairs
        )
        ledger_rows = [_row(ledger_model, p.ledger, enterprises) for p in pairs]
        if kind == "public_records":
            for row, pair in zip(ledger_rows, pairs, strict=True):
                row.source_system = _PUBLIC_SOURCES[pair.ledger["kind"]]
        ledger_model._default_manager.bulk_create(ledger_rows)


def _save_accounts(
    world: World,
    accounts: list[DemoAccount],
    people: dict[str, Person],
    enterprises: dict[str, Enterprise],
) -> None:
    # Hash once: argon2 is deliberately slow, and every demo account shares the password.
    encoded = make_password(DEMO_PASSWORD)
    users = User.objects.bulk_create(
        User(username=a.username, display_name=a.display_name, kind=a.kind, password=encoded)
        for a in accounts
    )
    by_username = {u.username: u for u in users}
    RoleGrant.objects.bulk_create(
        RoleGrant(user=by_username[a.username], role=a.role)
        for a in accounts
        if a.kind == UserKind.STAFF
    )
    memberships = EnterpriseMembership.objects.bulk_create(
        EnterpriseMembership(
            user=by_username[a.username],
            enterprise=enterprises[a.enterprise_uscc],
            person=(
                people[world.agents[a.username].id_number]
                if a.role == Capacity.AGENT
                else enterprises[a.enterprise_uscc].legal_representative
            ),
            capacity=a.role,
        )
        for a in accounts
        if a.kind == UserKind.ENTERPRISE
    )
    _save_powers_of_attorney(memberships, registered_by=by_username["clerk"])


def _save_powers_of_attorney(
    memberships: list[EnterpriseMembership], *, registered_by: User
) -> None:
    today = timezone.localdate()
    agents = [m for m in memberships if m.capacity == Capacity.AGENT]
    poas = []
    for number, membership in enumerate(agents, start=1):
        start, end = _POA_EXPIRED if membership.user.username == EXPIRED_AGENT else _POA_VALID
        poas.append(
            PowerOfAttorney(
                membership=membership,
                reference=f"XFWT{number:04d}",
                valid_from=today + start,
                valid_until=today + end,
                registered_by=registered_by,
            )
        )
    PowerOfAttorney.objects.bulk_create(poas)
