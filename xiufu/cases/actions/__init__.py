"""Every write on a case: one ``do_<verb>_<noun>`` function per action, used by the API, the
pages, the CLI and the tasks alike. Each checks permission, runs its guards and records its event
in one transaction (see transitions.py)."""

from xiufu.cases.actions.clock import (
    do_check_clocks,
    do_pause_clock,
    do_recalculate_clocks,
    do_resume_clock,
)
from xiufu.cases.actions.closing import (
    do_close_case,
    do_issue_reply,
    do_rate_case,
    do_reopen_case,
    do_withdraw_case,
    preview_reply,
)
from xiufu.cases.actions.correction import (
    do_acknowledge_submission,
    do_approve_correction,
    do_poll_bureau,
    do_propose_correction,
    do_record_bureau_feedback,
    do_return_correction,
    do_rework_correction,
    do_submit_correction,
)
from xiufu.cases.actions.intake import (
    do_accept_case,
    do_add_item,
    do_create_case,
    do_reject_case,
    do_remove_item,
    do_request_supplement,
    do_review_materials,
    do_start_review,
    do_submit_case,
    do_submit_supplement,
    do_upload_material,
)
from xiufu.cases.actions.investigation import (
    do_answer_coordination_task,
    do_complete_investigation,
    do_create_coordination_task,
    do_draft_non_repair_notice,
    do_record_finding,
    do_start_investigation,
)

__all__ = [
    "do_accept_case",
    "do_acknowledge_submission",
    "do_add_item",
    "do_answer_coordination_task",
    "do_approve_correction",
    "do_check_clocks",
    "do_close_case",
    "do_complete_investigation",
    "do_create_case",
    "do_create_coordination_task",
    "do_draft_non_repair_notice",
    "do_issue_reply",
    "do_pause_clock",
    "do_poll_bureau",
    "do_propose_correction",
    "do_rate_case",
    "do_recalculate_clocks",
    "do_record_bureau_feedback",
    "do_record_finding",
    "do_reject_case",
    "do_remove_item",
    "do_reopen_case",
    "do_request_supplement",
    "do_resume_clock",
    "do_return_correction",
    "do_review_materials",
    "do_rework_correction",
    "do_start_investigation",
    "do_start_review",
    "do_submit_case",
    "do_submit_correction",
    "do_submit_supplement",
    "do_upload_material",
    "do_withdraw_case",
    "preview_reply",
]
