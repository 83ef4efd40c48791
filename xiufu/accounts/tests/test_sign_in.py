"""Signing in: argon2 hashes, locked after repeated failures, lapsed agents refused."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import make_password
from django.test import Client

from xiufu.accounts.choices import Capacity
from xiufu.factories import TEST_PASSWORD, enterprise_user

pytestmark = pytest.mark.django_db


def _login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_passwords_are_hashed_with_argon2():
    from config import settings as product_settings

    assert product_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_argon2_hash_is_what_gets_stored(settings, clerk):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    clerk.set_password(TEST_PASSWORD)
    assert clerk.password.startswith("argon2$argon2id$")
    assert make_password("x").startswith("argon2")


def test_staff_signs_in_with_the_right_password(clerk):
    response = _login(Client(), "clerk", TEST_PASSWORD)
    assert response.status_code == 302


def test_wrong_password_is_told_in_chinese(clerk):
    response = _login(Client(), "clerk", "wrong-password")
    assert response.status_code == 200
    assert "用户名或密码错误" in response.content.decode()


def test_repeated_failures_lock_the_account_even_with_the_right_password(settings, clerk):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        _login(client, "clerk", "wrong-password")
    locked = _login(client, "clerk", TEST_PASSWORD)
    assert locked.status_code == 429
    assert "暂时锁定" in locked.content.decode()


def test_agent_with_a_lapsed_power_of_attorney_cannot_sign_in(enterprise_a):
    enterprise_user(enterprise_a, capacity=Capacity.AGENT, poa_days=-10, username="lapsed")
    response = _login(Client(), "lapsed", TEST_PASSWORD)
    assert response.status_code == 200
    assert "授权委托书" in response.content.decode()


def test_agent_with_a_valid_power_of_attorney_signs_in(agent):
    assert _login(Client(), "agent", TEST_PASSWORD).status_code == 302


def test_lapsed_agent_session_no_longer_works_in_the_api(login, agent):
    client = login(agent)
    assert client.get("/api/v1/me").status_code == 200
    agent_membership = agent.membership
    agent_membership.powers_of_attorney.update(revoked=True)
    assert client.get("/api/v1/me").status_code == 401
