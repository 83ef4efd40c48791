"""factory_boy factories and identifier generators for tests (never used by the product)."""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import Decimal

import factory
from django.utils import timezone

from xiufu.accounts.choices import Capacity, UserKind
from xiufu.accounts.models import EnterpriseMembership, PowerOfAttorney, RoleGrant, User
from xiufu.core.identifiers import USCC_ALPHABET, ric_check_character, uscc_check_character
from xiufu.enterprises.models import Enterprise, Person
from xiufu.records.models import LedgerLoan, LoanRecord

TEST_PASSWORD = "Correct-Horse-Battery-9"  # noqa: S105 - test-only
_serial = itertools.count(1)


def make_uscc(n: int, *, region: str = "330106") -> str:
    body = ""
    for _ in range(9):
        n, digit = divmod(n, 31)
        body = USCC_ALPHABET[digit] + body
    first17 = "91" + region + body
    return first17 + uscc_check_character(first17)


def make_resident_id(n: int, *, region: str = "330106", birth: str = "19800101") -> str:
    first17 = region + birth + f"{n % 1000:03d}"
    return first17 + ric_check_character(first17)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"张{n}")
    id_type = "resident_id"
    id_number = factory.Sequence(
        lambda n: make_resident_id(n, birth=f"19{70 + n // 1000 % 30}0101")
    )


class EnterpriseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Enterprise

    uscc = factory.Sequence(lambda n: make_uscc(100000 + n))
    name = factory.Sequence(lambda n: f"测试{n}号科技有限公司")
    industry = "I"
    region_code = "330106"
    region_name = "浙江省杭州市西湖区"
    legal_representative = factory.SubFactory(PersonFactory)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"员工{n}")
    kind = UserKind.STAFF
    password = factory.django.Password(TEST_PASSWORD)


def staff(*roles: str, username: str | None = None) -> User:
    user: User = UserFactory.create(username=username or f"staff{next(_serial)}")
    RoleGrant.objects.bulk_create([RoleGrant(user=user, role=r) for r in roles])
    return User.objects.get(pk=user.pk)  # fresh instance: no cached roles


def enterprise_user(
    enterprise: Enterprise,
    *,
    capacity: str = Capacity.LEGAL_REPRESENTATIVE,
    poa_days: int | None = 365,
    username: str | None = None,
) -> User:
    """A user bound to the enterprise; an agent gets a power of attorney valid ``poa_days``
    from today (negative: one that has already lapsed)."""
    user: User = UserFactory.create(
        username=username or f"ent{next(_serial)}", kind=UserKind.ENTERPRISE
    )
    person: Person = (
        enterprise.legal_representative
        if capacity == Capacity.LEGAL_REPRESENTATIVE
        else PersonFactory.create()
    )
    membership = EnterpriseMembership.objects.create(
        user=user, enterprise=enterprise, person=person, capacity=capacity
    )
    if capacity == Capacity.AGENT and poa_days is not None:
        today = timezone.localdate()
        start = today - dt.timedelta(days=400) if poa_days < 0 else today - dt.timedelta(days=1)
        PowerOfAttorney.objects.create(
            membership=membership, valid_from=start, valid_until=today + dt.timedelta(days=poa_days)
        )
    return User.objects.get(pk=user.pk)


def loan(enterprise: Enterprise, **overrides: object) -> LoanRecord:
    """A reported loan with an identical ledger copy."""
    n = next(_serial)
    fields: dict[str, object] = {
        "enterprise": enterprise,
        "business_id": f"B0000000000001-L-T{n:06d}",
        "contract_number": f"HT-{n:06d}",
        "loan_type": "working_capital",
        "currency": "CNY",
        "principal": Decimal("1000000.00"),
        "balance": Decimal("600000.00"),
        "open_date": dt.date(2025, 1, 10),
        "maturity_date": dt.date(2027, 1, 10),
        "status": "normal",
        "five_tier_class": "normal",
        "overdue_amount": Decimal("0.00"),
        "overdue_principal": Decimal("0.00"),
        "overdue_days": 0,
        "repayment_history": [{"month": "2026-10", "status": "N"}],
        "reporting_date": dt.date(2026, 11, 1),
    }
    fields.update(overrides)
    LedgerLoan.objects.create(**fields)
    return LoanRecord.objects.create(**fields)
