"""Personas shared by the tests: staff in every role, enterprise users of two enterprises, and an
outsider. Tests read as given / when / then."""

from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
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
def cast(applicant, clerk, investigator, approver, reporter):
    """The people of one case, for the case driver (xiufu/cases/tests/driver.py)."""
    from xiufu.cases.tests.driver import Cast

    return Cast(applicant, clerk, investigator, approver, reporter)


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


# --- Real browser: Debian's Chromium driven by Playwright (never a downloaded browser) ---------

CHROMIUM_ARGS = [
    "--no-sandbox",  # the suite runs as root in CI
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ARTEFACTS = Path(__file__).resolve().parent.parent / "artefacts" / "screenshots"


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright, for one test module at a time: the sync API keeps an
    event loop running in the test thread while it is open, which libraries that call
    ``asyncio.run`` (pyHanko) in later, unrelated tests must not find."""
    chromium = shutil.which("chromium")
    if chromium is None:
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is not installed (scripts/test installs it)")
        pytest.skip("chromium not installed: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop in the test thread; the test's own ORM calls are
    # still synchronous, so Django's async-safety guard must stand aside (tests only).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def browse(browser, live_server):
    """``browse(user)`` → a Playwright page signed in as ``user`` (or anonymous), at 1280 px."""
    contexts = []

    def _open(user=None, *, width: int = 1280, height: int = 900):
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": width, "height": height}, locale="zh-CN"
        )
        contexts.append(context)
        if user is not None:
            client = Client()
            client.force_login(user)
            cookie = client.cookies[settings.SESSION_COOKIE_NAME]
            host = live_server.url.split("://", 1)[1].split(":")[0]
            context.add_cookies(
                [{"name": cookie.key, "value": cookie.value, "domain": host, "path": "/"}]
            )
        page = context.new_page()
        page.set_default_timeout(15_000)
        return page

    yield _open
    for context in contexts:
        context.close()


def screenshot(page, name: str, *, full_page: bool = True) -> Path:
    """Save a screenshot of a key page into artefacts/screenshots (the best go into docs/)."""
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


@pytest.fixture
def fresh_database_url(tmp_path, django_db_blocker):
    """An empty database of the same engine the suite runs on."""
    if connection.vendor != "postgresql":
        yield f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
        return
    name = f"xiufu_cli_{uuid.uuid4().hex[:10]}"
    settings_dict = connection.settings_dict
    with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
    user, host, port = settings_dict["USER"], settings_dict["HOST"], settings_dict["PORT"]
    yield f"postgres://{user}@{host}:{port}/{name}"
    with django_db_blocker.unblock(), connection._nodb_cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
