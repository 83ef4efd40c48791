"""The help centre: public, and its avenues and deadlines come from the active rule pack."""

from __future__ import annotations

import pytest
from django.urls import reverse

from xiufu.portal.tests.conftest import assert_page
from xiufu.rules.selectors import active_pack

pytestmark = pytest.mark.django_db


def test_the_help_centre_renders_for_anonymous_users_with_the_packs_avenues(client):
    response = client.get(reverse("portal:help"))
    assert response.status_code == 200
    html = assert_page(response)
    for title in (
        "什么可以修复、什么不能修复以及原因",
        "办理流程与期限",
        "如何识别非法征信修复中介",
        "合法渠道免费",
    ):
        assert title in html
    _, pack = active_pack()
    for avenue in pack.other_avenues():
        assert avenue.label in html
        assert avenue.where in html
        assert avenue.how in html
        assert avenue.deadline_text in html
        assert str(avenue.citation) in html


def test_the_help_centre_states_the_law(client):
    html = client.get(reverse("portal:help")).content.decode()
    _, pack = active_pack()
    assert "第二十五条" in html
    assert "第二十六条" in html
    assert "洗白" in html
    assert "免费" in html
    assert pack.reply_deadline().text in html
    assert "第二百零一条、第二百零三条" in html  # how the 20 days are counted (Civil Code)
    assert pack.supplement.text in html
    for category in pack.categories:
        assert category.label in html


def test_signed_in_enterprise_users_get_a_link_to_file(login, applicant):
    html = login(applicant).get(reverse("portal:help")).content.decode()
    assert reverse("portal:case_new") in html
