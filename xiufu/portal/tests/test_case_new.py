"""Filing a dispute: the records chosen, each with a fitting category, the remedy and a reason."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from xiufu.cases.models import Case
from xiufu.portal.tests.conftest import assert_page

pytestmark = pytest.mark.django_db
URL = reverse("portal:case_new")


def test_the_form_offers_a_checkbox_per_record_and_only_fitting_categories(
    login, applicant, loan_a, loan_b
):
    response = login(applicant).get(URL)
    assert response.status_code == 200
    html = assert_page(response)
    key = f"loans-{loan_a.pk}"
    assert f'name="pick-{key}"' in html
    assert f'name="category-{key}" value="overdue_wrong"' in html
    assert f'name="category-{key}" value="guarantee_not_ours"' not in html
    # the plain-language description of the pack's category is shown beside it
    assert "报告中的逾期金额、逾期天数或还款状态与实际还款情况不符" in html
    assert f"pick-loans-{loan_b.pk}" not in html


def test_a_record_link_from_home_preselects_it(login, applicant, loan_a):
    html = login(applicant).get(URL, {"record": f"loans-{loan_a.pk}"}).content.decode()
    checkbox = re.search(rf'<input type="checkbox" name="pick-loans-{loan_a.pk}"[^>]*>', html)
    assert checkbox
    assert "checked" in checkbox.group(0)


def test_submitting_creates_a_draft_case_with_the_chosen_categories(
    login, applicant, loan_a, clean_loan_a
):
    # given two records, each with its own category, remedy and reason
    a, b = f"loans-{loan_a.pk}", f"loans-{clean_loan_a.pk}"
    data = {
        "claim": "两笔贷款信息有误，请核查更正。",
        f"pick-{a}": "on",
        f"category-{a}": "overdue_wrong",
        f"remedy-{a}": "correct",
        f"item_claim-{a}": "已按时还款，不应记为逾期。",
        f"pick-{b}": "on",
        f"category-{b}": "amount_wrong",
        f"remedy-{b}": "correct",
    }
    # when the form is posted
    response = login(applicant).post(URL, data)
    # then a draft portal case exists and the page goes to it
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:case", args=[case.pk])
    assert (case.status, case.channel, case.applicant_type) == (
        "draft",
        "portal",
        "legal_representative",
    )
    items = {i.record_id: i for i in case.items.all()}
    assert items[loan_a.pk].category == "overdue_wrong"
    assert items[loan_a.pk].claim == "已按时还款，不应记为逾期。"
    assert items[clean_loan_a.pk].category == "amount_wrong"


def test_a_category_that_does_not_fit_the_record_is_refused(login, applicant, loan_a):
    key = f"loans-{loan_a.pk}"
    data = {
        "claim": "担保不是我们的。",
        f"pick-{key}": "on",
        f"category-{key}": "guarantee_not_ours",
        f"remedy-{key}": "delete",
    }
    response = login(applicant).post(URL, data)
    assert response.status_code == 200
    html = assert_page(response)
    assert "所选异议类别不适用于这条记录" in html
    assert "申请未保存" in html
    assert not Case.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"claim": "有误"}, "请至少选择一条有异议的记录。"),
        ({"pick-KEY": "on", "category-KEY": "overdue_wrong"}, "请填写申请事项与理由。"),
        ({"claim": "有误", "pick-KEY": "on"}, "请为这条记录选择异议类别。"),
        (
            {"claim": "有误", "pick-KEY": "on", "category-KEY": "overdue_wrong", "remedy-KEY": "x"},
            "请选择请求更正还是删除。",
        ),
    ],
)
def test_bad_input_is_explained_and_nothing_is_created(login, applicant, loan_a, data, message):
    key = f"loans-{loan_a.pk}"
    data = {k.replace("KEY", key): v for k, v in data.items()}
    response = login(applicant).post(URL, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Case.objects.exists()


def test_another_enterprises_record_cannot_be_slipped_in(login, applicant, loan_b):
    key = f"loans-{loan_b.pk}"
    data = {"claim": "x", f"pick-{key}": "on", f"category-{key}": "overdue_wrong"}
    response = login(applicant).post(URL, data)
    assert "请至少选择一条有异议的记录。" in response.content.decode()
    assert not Case.objects.exists()


def test_an_identity_field_can_be_disputed(login, applicant, enterprise_a):
    data = {
        "claim": "企业已更名，报告仍显示旧名称。",
        "pick-identity": "on",
        "identity_field-identity": "name",
        "category-identity": "identity_info_wrong",
        "remedy-identity": "correct",
    }
    response = login(applicant).post(URL, data)
    assert response.status_code == 302
    item = Case.objects.get().items.get()
    assert (item.record_kind, item.identity_field, item.category) == (
        "identity",
        "name",
        "identity_info_wrong",
    )


def test_an_identity_dispute_needs_the_field(login, applicant, enterprise_a):
    data = {
        "claim": "x",
        "pick-identity": "on",
        "category-identity": "identity_info_wrong",
        "remedy-identity": "correct",
    }
    response = login(applicant).post(URL, data)
    assert "请选择有异议的身份信息项。" in response.content.decode()
    assert not Case.objects.exists()
