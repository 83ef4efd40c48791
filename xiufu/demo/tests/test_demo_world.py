"""The demo as loaded, read only: counts, valid identifiers, the right accounts, every case state,
and above all a reconciliation of reported against ledger that finds exactly the planted errors.
One load serves the whole module (``loaded_demo`` in conftest.py)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest
from django.contrib.auth.password_validation import validate_password
from django.db import models

from xiufu.accounts.auth import user_may_sign_in
from xiufu.accounts.choices import Capacity, Role, UserKind
from xiufu.accounts.models import EnterpriseMembership, PowerOfAttorney, RoleGrant, User
from xiufu.core.identifiers import validate_resident_id, validate_uscc
from xiufu.demo.loader import (
    DEMO_PASSWORD,
    RECORD_MODELS,
    demo_accounts,
    planted_errors,
    true_negatives,
)
from xiufu.demo.manifest import FieldDifference, difference, is_adverse
from xiufu.demo.world import REPORTING_DATE
from xiufu.enterprises.models import Enterprise, Person
from xiufu.records.choices import AccountStatus, RepaymentStatus
from xiufu.records.models import GuaranteeRecord, LedgerLoan, LoanRecord, PublicRecord

pytestmark = pytest.mark.django_db

# Fields that hold no story: keys and the ledger's source.
_NOT_COMPARED = {"id", "source_system"}


@pytest.fixture
def summary(loaded_demo):
    return loaded_demo


def _value(row: models.Model, field: models.Field) -> Any:
    # The only relation on a record is its enterprise; compare it by USCC.
    return getattr(row, field.name).uscc if field.is_relation else getattr(row, field.attname)


def _by_business_id(model: type[models.Model]) -> dict[str, Any]:
    rows: list[Any] = list(model._default_manager.select_related("enterprise"))
    return {row.business_id: row for row in rows}


def _reconcile() -> dict[tuple[str, str, str], FieldDifference]:
    """Compare every reported row with its ledger row, field by field, as an auditor would."""
    names = dict(Enterprise.objects.values_list("uscc", "name"))
    found = {}
    for kind, (reported_model, ledger_model) in RECORD_MODELS.items():
        fields = [f for f in reported_model._meta.concrete_fields if f.name not in _NOT_COMPARED]
        ledger_fields = {f.name for f in ledger_model._meta.concrete_fields} - _NOT_COMPARED
        assert {f.name for f in fields} == ledger_fields
        reported = _by_business_id(reported_model)
        ledger = _by_business_id(ledger_model)
        assert reported.keys() == ledger.keys(), kind
        for business_id, row in reported.items():
            for field in fields:
                ours, truth = _value(row, field), _value(ledger[business_id], field)
                if ours != truth:
                    found[(kind, business_id, field.name)] = difference(
                        kind, field.name, ours, truth, names
                    )
    return found


def test_counts(summary):
    assert summary.enterprises >= 60
    assert Enterprise.objects.count() == summary.enterprises
    assert summary.planted_errors == len(planted_errors()) >= 12
    per_enterprise = Counter(r.enterprise_id for r in LoanRecord.objects.all())
    assert set(per_enterprise.values()) <= {1, 2, 3, 4}
    assert len(per_enterprise) == summary.enterprises
    guarantors = {r.enterprise_id for r in GuaranteeRecord.objects.all()}
    assert 0.35 <= len(guarantors) / summary.enterprises <= 0.65
    with_public = {r.enterprise_id for r in PublicRecord.objects.all()}
    assert 0.15 <= len(with_public) / summary.enterprises <= 0.25


def test_identifiers_are_valid_and_unique(summary):
    enterprises = list(Enterprise.objects.all())
    for enterprise in enterprises:
        assert validate_uscc(enterprise.uscc) == enterprise.uscc
        assert enterprise.uscc[2:8] == enterprise.region_code
    for person in Person.objects.all():
        assert validate_resident_id(person.id_number) == person.id_number
        born = dt.date(int(person.id_number[6:10]), 1, 1)
        assert dt.date(1960, 1, 1) <= born <= dt.date(1995, 12, 31)
    assert len({e.name for e in enterprises}) == len(enterprises)


def test_every_staff_role_has_an_account(summary):
    grants = Counter(RoleGrant.objects.values_list("role", flat=True))
    assert set(grants) == set(Role.values)
    assert grants[Role.INVESTIGATOR] >= 2  # maker-checker needs someone else to approve


def test_each_enterprise_user_is_bound_to_exactly_one_enterprise(summary):
    users = User.objects.filter(kind=UserKind.ENTERPRISE)
    enterprises = set()
    for user in users:
        memberships = list(EnterpriseMembership.objects.filter(user=user))
        assert len(memberships) == 1
        membership = memberships[0]
        enterprises.add(membership.enterprise_id)
        if membership.capacity == Capacity.LEGAL_REPRESENTATIVE:
            assert membership.person_id == membership.enterprise.legal_representative_id
        else:
            assert membership.person_id != membership.enterprise.legal_representative_id
    assert len(enterprises) >= 2


def test_reconciliation_finds_exactly_the_planted_errors(summary):
    # given the loaded demo, when reported rows are compared with the ledger field by field
    found = _reconcile()
    # then the differences are exactly the manifest, value for value
    from xiufu.demo.cases import CORRECTED_BY_DEMO_CASES

    expected = {
        (error.kind, error.business_id, d.field): d
        for error in planted_errors()
        if error.business_id not in CORRECTED_BY_DEMO_CASES
        for d in error.differences
    }
    assert found == expected


def _rows(kind: str) -> dict[str, dict[str, Any]]:
    reported_model, _ = RECORD_MODELS[kind]
    return {row["business_id"]: row for row in reported_model._default_manager.values()}


def test_true_negatives_are_correct_and_adverse(summary):
    found = _reconcile()
    negatives = true_negatives()
    assert len(negatives) >= 3
    for negative in negatives:
        assert not [key for key in found if key[1] == negative.business_id]
        assert is_adverse(
            negative.kind, _rows(negative.kind)[negative.business_id], on=REPORTING_DATE
        )


def test_every_adverse_record_is_planted_or_a_true_negative(summary):
    planted = {e.business_id for e in planted_errors()}
    negatives = {n.business_id for n in true_negatives()}
    for kind in RECORD_MODELS:
        adverse = {
            business_id
            for business_id, row in _rows(kind).items()
            if is_adverse(kind, row, on=REPORTING_DATE)
        }
        assert adverse - planted == {b for b in negatives if b in _rows(kind)}


def test_loan_facts_agree_with_each_other(summary):
    for loan in LedgerLoan.objects.all():
        months = [m["month"] for m in loan.repayment_history]
        statuses = [m["status"] for m in loan.repayment_history]
        assert 1 <= len(months) <= 24
        assert months == sorted(set(months))
        assert set(statuses) <= set(RepaymentStatus.values)
        assert loan.balance <= loan.principal
        if loan.status == AccountStatus.SETTLED:
            assert statuses[-1] == "C"
            assert loan.balance == 0
            assert loan.close_date is not None
            assert months[-1] == f"{loan.close_date:%Y-%m}"
        else:
            assert months[-1] == f"{REPORTING_DATE:%Y-%m}"
            assert loan.close_date is None
            assert loan.maturity_date > REPORTING_DATE or loan.overdue_days > 0
        if loan.overdue_days:
            assert statuses[-1] == str(min(7, -(-loan.overdue_days // 30)))
            assert loan.status == AccountStatus.OVERDUE
            assert 0 < loan.overdue_principal <= loan.overdue_amount


def test_records_fit_their_enterprises(summary):
    for loan in LoanRecord.objects.select_related("enterprise"):
        assert loan.enterprise.established_on is not None
        assert loan.open_date >= loan.enterprise.established_on
    loan_ids = set(LoanRecord.objects.values_list("business_id", flat=True))
    usccs = set(Enterprise.objects.values_list("uscc", flat=True))
    for guarantee in GuaranteeRecord.objects.select_related("enterprise"):
        assert guarantee.guaranteed_loan_business_id in loan_ids
        assert guarantee.borrower_uscc in usccs
        assert guarantee.borrower_uscc != guarantee.enterprise.uscc
        assert guarantee.liability_balance <= guarantee.guaranteed_amount


def test_powers_of_attorney_let_only_the_valid_agents_act(summary):
    expired = [a for a in summary.accounts if not a.may_sign_in]
    assert [a.username for a in expired] == ["chutian-agent-expired"]
    for account in summary.accounts:
        user = User.objects.get(username=account.username)
        assert user.check_password(DEMO_PASSWORD)
        assert user_may_sign_in(user) is account.may_sign_in
        if account.kind == UserKind.ENTERPRISE:
            membership = EnterpriseMembership.objects.get(user=user)
            assert membership.may_act() is account.may_sign_in
    agents = EnterpriseMembership.objects.filter(capacity=Capacity.AGENT)
    assert agents.count() >= 2
    assert all(PowerOfAttorney.objects.filter(membership=m).count() == 1 for m in agents)


def test_demo_password_passes_the_validators(summary):
    for user in User.objects.all():
        validate_password(DEMO_PASSWORD, user)


def test_demo_accounts_are_the_loaded_accounts(summary):
    assert demo_accounts() == summary.accounts
    usernames = set(User.objects.values_list("username", flat=True))
    assert usernames == {a.username for a in summary.accounts}


def test_demo_cases_cover_every_state_with_one_at_risk_and_one_in_breach(summary):
    from xiufu.cases.choices import CaseStatus
    from xiufu.cases.deadlines import deadline_rows
    from xiufu.cases.models import Case

    states = set(Case.objects.values_list("status", flat=True))
    assert states == set(CaseStatus.values)
    clock_states = {row.state for row in deadline_rows()}
    assert {"at_risk", "breached"} <= clock_states
    assert Case.objects.filter(breached_at__isnull=False).exists()
    assert Case.objects.filter(rating__isnull=False).exists()
