"""Searching cases by USCC, enterprise name or case number."""

from __future__ import annotations

import pytest

from xiufu import factories as f
from xiufu.cases.tests.driver import Cast, Driver

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_cases(case_at, cast, enterprise_b):
    """An accepted case of enterprise A and a draft of enterprise B."""
    a = case_at("accepted")
    other = f.enterprise_user(enterprise_b, username="b-legal")
    loan = f.loan(enterprise_b)
    b = Driver.open(
        Cast(other, cast.clerk, cast.investigator, cast.approver, cast.reporter),
        [("loans", loan, "overdue_wrong")],
    )
    return a.case, b.case


def _found(client, **params) -> list[str]:
    response = client.get("/desk/search/", params)
    assert response.status_code == 200
    return [row.case.number for row in response.context.get("rows") or []]


@pytest.mark.parametrize("how", ["uscc", "name", "number"])
def test_search_by_uscc_name_or_number(how, two_cases, login, reporter):
    a, _b = two_cases
    query = {
        "uscc": a.enterprise.uscc,
        "name": a.enterprise.name[2:5],  # part of the name is enough
        "number": a.number.lower(),
    }[how]
    assert _found(login(reporter), q=query) == [a.number]


def test_search_by_state_and_the_row_shows_status_and_deadline(two_cases, login, clerk):
    a, b = two_cases
    client = login(clerk)
    assert _found(client, status="draft") == [b.number]
    html = client.get("/desk/search/", {"q": a.number}).content.decode()
    assert "已受理" in html
    assert a.due_on.isoformat() in html
    assert "clock-on_track" in html


def test_nothing_is_searched_without_a_query(two_cases, login, clerk):
    response = login(clerk).get("/desk/search/")
    assert response.context["page"] is None
    assert _found(login(clerk), q="不存在的企业") == []


def test_htmx_gets_only_the_results(two_cases, login, clerk):
    a, _b = two_cases
    response = login(clerk).get("/desk/search/", {"q": a.number}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert a.number in html
    assert "<html" not in html
