"""Formal review on the page: the checklist form, then the one-time supplement notice."""

from __future__ import annotations

import pytest

from xiufu.cases.models import ReviewMark, SupplementNotice
from xiufu.desk.tests.html import operations_on

pytestmark = pytest.mark.django_db


def _review_post(d, verdicts: dict[str, tuple[str, str]]) -> dict:
    data: dict = {"version": d.v, "requirement": list(verdicts)}
    for code, (verdict, reason) in verdicts.items():
        data[f"verdict_{code}"] = verdict
        data[f"reason_{code}"] = reason
    return data


def test_the_checklist_has_one_row_per_mandatory_material_with_its_files(case_at, login, clerk):
    d = case_at("formal_review")
    html = login(clerk).get(f"/desk/cases/{d.case_id}/").content.decode()
    for code in d.checklist_codes():
        assert f'<input type="hidden" name="requirement" value="{code}">' in html
        for verdict in ("ok", "missing", "defective"):
            assert f'name="verdict_{code}" value="{verdict}"' in html
        assert f'name="reason_{code}"' in html
    for material in d.case.materials.all():
        assert f'href="/desk/materials/{material.pk}/"' in html
    # accepting and the one-time notice are offered; the review decides which one works
    assert {"review_materials", "request_supplement", "accept", "reject_at_intake"} <= (
        operations_on(html)
    )


def test_the_clerk_reviews_and_issues_the_one_time_supplement_notice(case_at, login, clerk):
    # given a case in formal review
    d = case_at("formal_review")
    client = login(clerk)
    codes = d.checklist_codes()
    verdicts = {code: ("ok", "") for code in codes}
    verdicts["legal_rep_id"] = ("defective", "身份证复印件缺反面，请补交正反两面。")
    # when the clerk saves the checklist
    response = client.post(f"/desk/cases/{d.case_id}/review_materials/", _review_post(d, verdicts))
    # then the marks are recorded and the page returns to the review
    assert response.status_code == 302
    assert response.url == f"/desk/cases/{d.case_id}/#review"
    marks = {m.requirement: m for m in ReviewMark.objects.filter(case_id=d.case_id)}
    assert set(marks) == set(codes)
    assert marks["legal_rep_id"].verdict == "defective"
    # when the clerk issues the notice
    response = client.post(f"/desk/cases/{d.case_id}/request_supplement/", {"version": d.v})
    # then one notice lists the defect, and the page shows it
    assert response.status_code == 302
    assert d.case.status == "awaiting_supplement"
    notice = SupplementNotice.objects.get(case_id=d.case_id)
    assert [x["requirement"] for x in notice.defects] == ["legal_rep_id"]
    page = client.get(response.url).content.decode()
    assert "已一次性告知补正。" in page
    assert "身份证复印件缺反面，请补交正反两面。" in page
    assert "第 1 轮一次性补正告知" in page


def test_a_defect_without_a_reason_is_refused_with_its_message(case_at, login, clerk):
    d = case_at("formal_review")
    verdicts = {code: ("ok", "") for code in d.checklist_codes()}
    verdicts["legal_rep_id"] = ("missing", "")
    response = login(clerk).post(
        f"/desk/cases/{d.case_id}/review_materials/", _review_post(d, verdicts)
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "缺失或不合规的材料须写明原因及应如何补正。" in html
    assert not ReviewMark.objects.filter(case_id=d.case_id).exists()
    # what the clerk chose is still there
    assert (
        'value="missing" required id="id_review_materials_verdict_legal_rep_id_1" checked' in html
    )


def test_a_missing_verdict_is_a_form_error(case_at, login, clerk):
    d = case_at("formal_review")
    verdicts = {code: ("ok", "") for code in d.checklist_codes()}
    data = _review_post(d, verdicts)
    del data["verdict_legal_rep_id"]
    response = login(clerk).post(f"/desk/cases/{d.case_id}/review_materials/", data)
    assert "请更正表单中标出的问题。" in response.content.decode()
    assert not ReviewMark.objects.filter(case_id=d.case_id).exists()


def test_accepting_places_the_marks_and_starts_the_clock(case_at, login, clerk):
    d = case_at("formal_review")
    d.review()
    response = login(clerk).post(f"/desk/cases/{d.case_id}/accept/", {"version": d.v})
    assert response.status_code == 302
    case = d.case
    assert case.status == "accepted"
    assert case.due_on is not None
    assert all(i.dispute_marked for i in case.items.all())


def test_rejecting_at_intake_needs_a_ground_of_the_pack(case_at, login, clerk):
    d = case_at("formal_review")
    client = login(clerk)
    page = client.get(f"/desk/cases/{d.case_id}/").content.decode()
    assert '<option value="not_furnished_by_us">异议记录不是本机构报送的</option>' in page
    response = client.post(
        f"/desk/cases/{d.case_id}/reject_at_intake/",
        {"version": d.v, "ground": "not_furnished_by_us", "reason": "该记录由其他机构报送。"},
    )
    assert response.status_code == 302
    assert d.case.status == "rejected_at_intake"
