"""Personas shared by the tests: staff in every role, enterprise users of two enterprises, and an
outsider. Tests read as given / when / then."""

from __future__ import annotations

import pytest
from django.test import Client

from xiufu import factories as f
from xiufu.accounts.choices import Capacity, Role


@pytest.fixture
def enterprise_a(db):
    return f.EnterpriseFactory(name="杭州甲科技有限公司")


@pytest.fixture
def enterprise_b(db):
    return f.EnterpriseFactory(name="苏州乙贸易有限公司")


@pytest.fixture
def applicant(enterprise_a):
    """The legal representative of enterprise A."""
    return f.enterprise_user(enterprise_a, username="applicant")


@pytest.fixture
def agent(enterprise_a):
    """An agent of enterprise A under a valid power of attorney."""
    return f.enterprise_user(enterprise_a, capacity=Capacity.AGENT, username="agent")


@pytest.fixture
def other_applicant(enterprise_b):
    """The legal representative of enterprise B: must never see A's data."""
    return f.enterprise_user(enterprise_b, username="other")


@pytest.fixture
def clerk(db):
    return f.staff(Role.INTAKE_CLERK, username="clerk")


@pytest.fixture
def investigator(db):
    return f.staff(Role.INVESTIGATOR, username="investigator")


@pytest.fixture
def approver(db):
    return f.staff(Role.APPROVER, username="approver")


@pytest.fixture
def reporter(db):
    return f.staff(Role.REPORTER, username="reporter")


@pytest.fixture
def compliance(db):
    return f.staff(Role.COMPLIANCE_ADMIN, username="compliance")


@pytest.fixture
def auditor(db):
    return f.staff(Role.AUDITOR, username="auditor")


@pytest.fixture
def outsider(db):
    """A member of staff with no role at all."""
    return f.staff(username="outsider")


@pytest.fixture
def login():
    """``login(user)`` → a test client signed in as that user."""

    def _login(user) -> Client:
        client = Client()
        client.force_login(user)
        return client

    return _login


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    # Speed knob only: argon2 is deliberately slow; the hasher choice is tested separately.
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.MD5PasswordHasher",
        "django.contrib.auth.hashers.Argon2PasswordHasher",
    ]
