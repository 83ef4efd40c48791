"""The outbox on the case page, against a real sandbox bureau: the messages of a submission and
where each stands; when the bureau was down long enough for a submission to be parked, an alert,
and for the reporter a "重新发送" that sends it again (nobody else may)."""

from __future__ import annotations

import pytest

from xiufu.bureau.models import OutboxMessage
from xiufu.bureau.tests.conftest import (  # noqa: F401 - fixtures shared with the bureau tests
    bureau,
    confirmed,
    faults,
    stuck,
    until,
)
from xiufu.cases.choices import SubmissionStatus
from xiufu.desk.tests.html import main_of, operations_on

pytestmark = pytest.mark.django_db

OP = "retry_bureau_messages"
ALERT = "报文多次发送失败，已暂停发送"


def _page(client, d) -> str:
    return main_of(client.get(f"/desk/cases/{d.case_id}/").content.decode())


def _resend(client, d, submission):
    data = {"version": d.v, "submission_id": submission.pk}
    return client.post(f"/desk/cases/{d.case_id}/{OP}/", data)


def test_the_reporter_sees_the_parked_submission_its_messages_and_a_resend_button(
    stuck,  # noqa: F811 - the fixture imported above
    login,
    overdue_loan,
):
    # given a submission parked after three failed attempts
    d, submission = stuck
    # when the reporter opens the case
    html = _page(login(d.cast.reporter), d)
    # then the alert, with the bureau's last error
    assert ALERT in html
    assert "503" in submission.bureau_reason
    assert submission.bureau_reason in html
    # and the messages: record type, business id, status, attempts
    message = OutboxMessage.objects.get(submission=submission)
    assert message.record_type == "412"
    section = html[html.index('id="submission"') :]
    assert "<td>412</td>" in section
    assert f"<td>{overdue_loan.business_id}</td>" in section
    assert "多次发送失败，待人工处理" in section
    assert "<td>3</td>" in section
    # and the one button that resends it
    assert OP in operations_on(html)
    assert "重新发送</button>" in html
    assert f'name="submission_id" value="{submission.pk}"' in html


def test_the_reporters_resend_after_the_bureau_is_back_leads_to_the_case_confirmed(
    bureau,  # noqa: F811 - the fixture imported above
    stuck,  # noqa: F811
    login,
):
    d, submission = stuck
    client = login(d.cast.reporter)
    # given the bureau is back
    faults(bureau)
    # when the reporter presses "重新发送"
    response = _resend(client, d, submission)
    # then the submission is sent again, and the page says so
    assert response.status_code == 302
    assert response.url.endswith("#submission")
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.SUBMITTED
    html = _page(client, d)
    assert "报文已重新加入发送队列。" in html
    assert ALERT not in html
    assert OP not in operations_on(html)
    # and once delivered and answered, the case is confirmed, the message accepted with a receipt
    until(lambda: confirmed(d))
    message = OutboxMessage.objects.get(submission=submission)
    assert (message.status, message.attempts) == ("accepted", 1)
    html = _page(client, d)
    assert "征信系统已接受" in html
    assert message.receipt in html


def test_a_clerk_sees_the_alert_but_no_button_and_a_forged_resend_is_refused(
    stuck,  # noqa: F811 - the fixture imported above
    login,
    clerk,
):
    d, submission = stuck
    client = login(clerk)
    # the clerk is told the submission is stuck, but offered nothing
    html = _page(client, d)
    assert ALERT in html
    assert OP not in operations_on(html)
    assert "重新发送</button>" not in html
    # a forged post is refused with the page's message, and nothing is written
    response = _resend(client, d, submission)
    assert response.status_code == 200
    assert "此操作需要以下角色之一：报送员。" in response.content.decode()
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.PARKED
    assert OutboxMessage.objects.get(submission=submission).status == "parked"


def test_resending_what_is_no_longer_parked_is_refused_with_nothing_written(
    bureau,  # noqa: F811 - the fixture imported above
    stuck,  # noqa: F811
    login,
):
    d, submission = stuck
    client = login(d.cast.reporter)
    faults(bureau)
    assert _resend(client, d, submission).status_code == 302
    # when the reporter (on a page opened before) presses it again
    response = _resend(client, d, submission)
    # then the page explains, and the message was not reset a second time
    assert response.status_code == 200
    assert "该报送没有发送失败的报文，无需重发。" in response.content.decode()
    assert OutboxMessage.objects.get(submission=submission).status == "pending"


def test_a_submission_of_another_case_is_not_found_here(stuck, login, drive):  # noqa: F811
    d, submission = stuck
    other = drive()
    response = _resend(login(d.cast.reporter), other, submission)
    assert response.status_code == 404
    submission.refresh_from_db()
    assert submission.status == SubmissionStatus.PARKED


def test_dispute_marks_parked_while_the_bureau_was_down_are_resent_by_the_reporter(
    bureau,  # noqa: F811 - the fixture imported above
    drive,
    login,
    clerk,
    settings,
):
    from xiufu.bureau import outbox
    from xiufu.bureau.tests.conftest import seeded

    seeded(bureau)
    faults(bureau, down=True)
    d = drive()
    d.to_accepted()  # the acceptance places the mark: its message cannot be delivered
    for _attempt in range(settings.BUREAU_MAX_ATTEMPTS):
        outbox.deliver_due()
    (mark,) = OutboxMessage.objects.filter(case_id=d.case_id, operation="dispute_mark_add")
    assert mark.status == "parked"
    # the clerk sees the alert but no button; the reporter resends
    clerk_page = _page(login(clerk), d)
    assert "条异议标注报文多次发送失败" in clerk_page
    assert "retry_parked_marks" not in operations_on(clerk_page)
    refused = login(clerk).post(f"/desk/cases/{d.case_id}/retry_parked_marks/", {"version": d.v})
    assert refused.status_code in (200, 403)
    mark.refresh_from_db()
    assert mark.status == "parked"
    reporter = login(d.cast.reporter)
    assert "retry_parked_marks" in operations_on(_page(reporter, d))
    faults(bureau)
    reporter.post(f"/desk/cases/{d.case_id}/retry_parked_marks/", {"version": d.v})
    mark.refresh_from_db()
    assert mark.status == "pending"

    def landed() -> bool:
        outbox.deliver_due()
        outbox.poll_feedback()
        mark.refresh_from_db()
        return mark.status == "accepted"

    until(landed)
    assert "条异议标注报文多次发送失败" not in _page(reporter, d)
