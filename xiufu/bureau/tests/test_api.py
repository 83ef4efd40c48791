"""The bureau API against a real sandbox bureau: staff list a case's messages (enterprise users
never see them), and the reporter resends a parked submission; everyone else is refused with a
stable code, and nothing changes."""

from __future__ import annotations

import pytest

from xiufu.bureau.models import OutboxMessage
from xiufu.bureau.tests.conftest import confirmed, faults, until
from xiufu.cases.choices import SubmissionStatus

pytestmark = pytest.mark.django_db


def _messages(client, case_id: int, status: int = 200):
    response = client.get(f"/api/v1/cases/{case_id}/bureau-messages")
    assert response.status_code == status, response.content.decode()
    return response.json()


def _retry(client, submission_id: int, status: int) -> dict:
    response = client.post(f"/api/v1/bureau/submissions/{submission_id}/retry")
    assert response.status_code == status, response.content.decode()
    return response.json()


def test_staff_list_the_messages_of_a_case(stuck, login, clerk, overdue_loan):
    # given a parked submission
    d, submission = stuck
    # when a clerk lists the case's bureau messages
    body = _messages(login(clerk), d.case_id)
    # then each message: what it is, where it stands, its attempts and last error
    (shown,) = [m for m in body if m["submission_id"] == submission.pk]
    message = OutboxMessage.objects.get(submission=submission)
    assert shown["id"] == message.pk
    assert shown["message_id"] == str(message.message_id)
    assert (shown["record_type"], shown["operation"], shown["record_kind"]) == (
        "412",
        "segment_correct",
        "loan",
    )
    assert shown["business_id"] == overdue_loan.business_id
    assert (shown["status"], shown["status_label"]) == ("parked", "多次发送失败，待人工处理")
    assert shown["attempts"] == 3
    assert "503" in shown["last_error"]
    assert (shown["receipt"], shown["error_code"], shown["delivered_at"]) == ("", "", None)
    assert "payload" not in shown
    assert [m["id"] for m in body] == sorted(m["id"] for m in body)


def test_the_reporter_resends_a_parked_submission_and_the_case_is_confirmed(bureau, stuck, login):
    d, submission = stuck
    client = login(d.cast.reporter)
    # given the bureau is back
    faults(bureau)
    # when the reporter resends
    assert _retry(client, submission.pk, 200) == {"resent": 2}  # with the parked dispute mark
    # then the message waits to be sent again, and is confirmed once delivered and answered
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED
    until(lambda: confirmed(d))
    (shown,) = [m for m in _messages(client, d.case_id) if m["submission_id"] == submission.pk]
    assert (shown["status"], shown["attempts"], shown["last_error"]) == ("accepted", 1, "")
    assert shown["receipt"].startswith("SBX-")
    assert shown["delivered_at"] is not None
    assert shown["feedback_at"] is not None
    # and resending again is a conflict
    body = _retry(client, submission.pk, 409)
    assert body["code"] == "submission_not_parked"
    assert body["message"] == "该报送没有发送失败的报文，无需重发。"


def test_only_a_reporter_may_resend(stuck, login, clerk, applicant):
    _d, submission = stuck
    for user in (clerk, applicant):
        body = _retry(login(user), submission.pk, 403)
        assert body["code"] == "role_required", user.username
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.PARKED
    assert OutboxMessage.objects.get(submission=submission).status == "parked"


def test_an_unknown_submission_is_not_found(login, reporter):
    body = _retry(login(reporter), 999_999, 404)
    assert (body["code"], body["details"]) == ("not_found", {"object": "submission"})


def test_enterprise_users_and_strangers_do_not_see_the_messages(
    stuck, login, applicant, other_applicant, outsider
):
    d, _submission = stuck
    # the case's own applicant: the messages are internal
    for user in (applicant, other_applicant, outsider):
        body = _messages(login(user), d.case_id, 404)
        assert body["code"] == "not_found", user.username
    assert _messages(login(d.cast.reporter), 999_999, 404)["details"] == {"object": "case"}
