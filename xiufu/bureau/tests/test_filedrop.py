"""The file-drop adapter, for institutions that upload batch files by hand: each message becomes one
JSON file named by its idempotency key, valid against the published schema; the reporter then
enters the bureau's feedback on the case page."""

from __future__ import annotations

import json

import pytest

from xiufu.bureau import outbox
from xiufu.bureau.messages import validate_message
from xiufu.bureau.models import OutboxMessage
from xiufu.bureau.tests.conftest import approved

pytestmark = pytest.mark.django_db


def test_each_message_is_written_once_as_a_valid_file_and_the_case_awaits_feedback(
    drive, settings, tmp_path
):
    settings.BUREAU_ADAPTER = "filedrop"
    settings.BUREAU_DROP_DIR = tmp_path / "drop"
    d = approved(drive)
    from xiufu.cases import actions

    actions.do_submit_correction(
        d.case_id, expected_version=d.v, actor=d.cast.reporter, adapter_code="filedrop"
    )
    run = outbox.deliver_due()
    messages = OutboxMessage.objects.filter(case_id=d.case_id)
    assert sorted(run.delivered) == sorted(m.pk for m in messages)  # the mark and the correction
    files = sorted((tmp_path / "drop").glob("*.json"))
    assert [f.stem for f in files] == sorted(str(m.message_id) for m in messages)
    for file in files:
        assert validate_message(json.loads(file.read_text("utf-8"))) == []
    correction = messages.get(operation="segment_correct")
    assert correction.receipt == f"FILE-{correction.message_id}"
    assert not list((tmp_path / "drop").glob("*.part"))
    # no feedback comes back by itself: the reporter records it
    assert outbox.poll_feedback("filedrop") == []
    assert d.case.status == "awaiting_confirmation"
    case = actions.do_record_bureau_feedback(
        d.case_id, accepted=True, expected_version=d.v, actor=d.cast.reporter
    )
    assert case.status == "bureau_confirmed"


def test_an_unwritable_drop_folder_is_retried_not_lost(drive, settings, tmp_path):
    settings.BUREAU_ADAPTER = "filedrop"
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    settings.BUREAU_DROP_DIR = blocker
    settings.BUREAU_RETRY_BASE_SECONDS = 0
    d = approved(drive)
    run = outbox.deliver_due()
    assert run.retried
    mark = OutboxMessage.objects.get(case_id=d.case_id)
    assert (mark.status, mark.attempts) == ("pending", 1)
    assert mark.last_error
