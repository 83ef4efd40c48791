"""The portal's home: the enterprise's profile, the records reported about it with their dispute
marks, and its cases — never another enterprise's."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from xiufu.audit.models import CreditDataAccess
from xiufu.portal.tests.conftest import assert_page

pytestmark = pytest.mark.django_db


def _row(html: str, business_id: str) -> str:
    match = re.search(
        r"<tr[^>]*>(?:(?!</tr>).)*" + re.escape(business_id) + r".*?</tr>", html, re.S
    )
    assert match, f"no row for {business_id}"
    return match.group(0)


def test_home_shows_own_records_with_marks_and_not_another_enterprises(
    login, applicant, enterprise_a, loan_a, clean_loan_a, loan_b, drive
):
    # given an accepted case disputing loan_a (its dispute mark is placed)
    d = drive()
    d.to_accepted()
    # when A's legal representative opens the portal
    response = login(applicant).get(reverse("portal:home"))
    # then A's records are listed, the disputed one in italics with its mark
    assert response.status_code == 200
    html = assert_page(response)
    marked = _row(html, loan_a.business_id)
    assert 'class="marked"' in marked
    assert "异议标注" in marked
    assert reverse("portal:case", args=[d.case_id]) in marked
    unmarked = _row(html, clean_loan_a.business_id)
    assert "marked" not in unmarked
    assert "异议标注" not in unmarked
    # amounts with thousands separators and their currency
    assert "人民币 1,234,567.89" in html
    # B's record is not there
    assert loan_b.business_id not in html
    assert "7,654,321.00" not in html


def test_home_shows_the_profile_with_the_masked_id(login, applicant, enterprise_a):
    html = login(applicant).get(reverse("portal:home")).content.decode()
    person = enterprise_a.legal_representative
    assert enterprise_a.name in html
    assert enterprise_a.uscc in html
    assert enterprise_a.get_industry_display() in html
    assert enterprise_a.region_name in html
    assert person.masked_id_number in html
    assert person.id_number not in html


def test_reading_the_records_is_logged_as_a_self_query_from_a_page(login, applicant, loan_a):
    login(applicant).get(reverse("portal:home"))
    reads = CreditDataAccess.objects.filter(actor=applicant, content="reported_loans")
    assert reads.count() == 1
    read = reads.get()
    assert (read.purpose, read.channel) == ("self_query", "page")
    assert read.object_ids == [loan_a.pk]


def test_home_lists_the_cases_with_their_clock(login, applicant, drive):
    d = drive()
    case = d.to_accepted()
    html = login(applicant).get(reverse("portal:home")).content.decode()
    assert case.number in html
    assert "已受理" in html
    assert "clock-on_track" in html
    due = case.due_on
    assert f"{due.year}年{due.month}月{due.day}日" in html
    assert "剩余 " in html


def test_another_enterprise_sees_none_of_it(login, other_applicant, drive, loan_a):
    case = drive().case
    html = login(other_applicant).get(reverse("portal:home")).content.decode()
    assert case.number not in html
    assert loan_a.business_id not in html


def test_staff_and_strangers_are_kept_out(client, login, clerk):
    assert login(clerk).get(reverse("portal:home")).status_code == 403
    response = client.get(reverse("portal:home"))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_a_case_past_its_deadline_says_so_in_words_and_colour(login, applicant, drive):
    import datetime as dt

    from django.utils import timezone

    from xiufu.cases.models import Case

    case = drive().to_accepted()
    Case.objects.filter(pk=case.pk).update(due_on=timezone.localdate() - dt.timedelta(days=2))
    html = login(applicant).get(reverse("portal:home")).content.decode()
    assert '<span class="badge clock-breached">已超期 2 天</span>' in html
