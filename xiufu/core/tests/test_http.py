"""What every response carries, and what every request is refused for."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.test import Client

from xiufu.core import health

pytestmark = pytest.mark.django_db


def test_healthz_answers_200_when_ready():
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": True, "migrations_applied": True}


@pytest.mark.django_db(transaction=True)
def test_healthz_answers_503_while_migrations_are_pending(monkeypatch):
    monkeypatch.setattr(health, "_migrations_confirmed", False)
    call_command("migrate", "audit", "zero", verbosity=0)
    try:
        response = Client().get("/healthz")
        assert response.status_code == 503
        assert response.json()["migrations_applied"] is False
    finally:
        call_command("migrate", verbosity=0)


def test_oversized_bodies_are_refused_before_they_are_read(settings):
    response = Client().post(
        "/api/v1/enterprises",
        b"x" * (settings.MAX_REQUEST_BODY_BYTES + 1),
        content_type="application/json",
    )
    assert response.status_code == 413
    assert response.json()["code"] == "body_too_large"


def test_every_page_has_a_content_security_policy():
    for url in ("/accounts/login/", "/healthz", "/api/v1/docs"):
        policy = Client().get(url).headers["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy


def test_openapi_schema_is_published():
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["info"]["title"] == "xiufu API"
    assert "/api/v1/enterprises" in schema["paths"]
    docs = Client().get("/api/v1/docs")
    assert docs.status_code == 200
    assert "cdn" not in docs.content.decode().lower()  # served from our own static files


def test_login_page_is_chinese_and_labelled():
    page = Client().get("/accounts/login/").content.decode()
    assert '<html lang="zh-hans">' in page
    assert '<label for="id_username">用户名</label>' in page
    assert 'name="csrfmiddlewaretoken"' in page


def test_api_answers_chinese_as_utf8_text():
    response = Client().get("/api/v1/me")
    assert "请先登录".encode() in response.content
    assert response["Content-Type"].startswith("application/json")
