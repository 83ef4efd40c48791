"""Demo cases: one or more in every state of the workflow, driven through the real actions.

Each case is told as a small story on the demo's planted errors and true negatives, by the demo
users of each role, so that every queue, clock colour and branch has something to show. The
cases are then moved back in time (their timestamps, receipt date and due date), so that one is at
risk and one is in breach whatever day the demo is loaded on; the clock checks then record those
as events, as the ticker would.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import F
from django.utils import timezone

from xiufu.accounts.models import User
from xiufu.cases import actions
from xiufu.cases.checklists import checklist_for, pack_of
from xiufu.cases.clock import clock_state, start_clock
from xiufu.cases.models import Case, CaseEvent, Material
from xiufu.evidence.keys import pdf_trust_dir
from xiufu.evidence.samples import make_identity, replace_page_content, sign, text_page
from xiufu.letters.actions import do_issue_non_malicious_explanation
from xiufu.records.selectors import RECORD_KINDS

KIND_OF_PREFIX = {"L": "loans", "G": "guarantees", "P": "public_records"}


@dataclass
class Cast:
    clerk: User
    investigator: User
    investigator2: User
    approver: User
    reporter: User
    users: dict[str, User]


def _cast() -> Cast:
    users = {u.username: u for u in User.objects.all()}
    return Cast(
        users["clerk"],
        users["investigator"],
        users["investigator2"],
        users["approver"],
        users["reporter"],
        users,
    )


def _record(business_id: str) -> Any:
    kind = KIND_OF_PREFIX[business_id.split("-")[1]]
    return kind, RECORD_KINDS[kind].reported._default_manager.get(business_id=business_id)


def _pdf(label: str) -> SimpleUploadedFile:
    body = text_page("xiufu demo material", label)
    return SimpleUploadedFile(f"{label}.pdf", body, content_type="application/pdf")


@dataclass(frozen=True)
class DemoEvidence:
    """Files that show what the evidence ledger sees: a settlement certificate signed by the demo
    bank (valid: its certificate is in the PDF trust folder), the same certificate altered after
    signing, and a bank-outage notice that a second, unrelated enterprise files again."""

    settlement: bytes
    altered_settlement: bytes
    outage_notice: bytes


def _demo_evidence() -> DemoEvidence:
    bank = make_identity("xiufu demo bank e-seal", organisation="Xiufu Demo Bank", days=3650)
    trust = pdf_trust_dir()
    trust.mkdir(parents=True, exist_ok=True)
    (trust / "demo-bank.pem").write_text(bank.cert_pem)
    settlement = sign(
        text_page(
            "Settlement certificate",
            "Loan B0000000000001-L-000004 was repaid in full before maturity.",
            "Xiufu Demo Bank, Hangzhou branch",
        ),
        bank,
    )
    altered = replace_page_content(
        sign(
            text_page(
                "Settlement certificate",
                "Loan B0000000000001-L-000005: amount outstanding 80000.00",
                "Xiufu Demo Bank, Hangzhou branch",
            ),
            bank,
        ),
        b"BT /F1 12 Tf 72 760 Td (Settlement certificate) Tj 0 -18 Td "
        b"(Loan B0000000000001-L-000005 was repaid in full.) Tj ET",
    )
    outage = text_page(
        "Notice of a core banking system outage",
        "Automatic debits due on 2026-06-30 failed for reasons on the bank's side.",
        "Xiufu Demo Bank, operations department",
    )
    return DemoEvidence(settlement, altered, outage)


class Story:
    """One demo case, moved forward by the demo's people."""

    def __init__(self, cast: Cast, case: Case, applicant: User | None) -> None:
        self.cast, self.id, self.applicant = cast, case.pk, applicant

    @property
    def case(self) -> Case:
        return Case.objects.get(pk=self.id)

    @property
    def v(self) -> int:
        return self.case.version

    def upload(self, *, skip: tuple[str, ...] = ()) -> Story:
        uploader = self.applicant or self.cast.clerk
        for item in checklist_for(self.case).items:
            if item.mandatory and item.code not in skip:
                actions.do_upload_material(
                    self.id,
                    requirement=item.code,
                    upload=_pdf(f"{self.case.number}-{item.code}"),
                    actor=uploader,
                )
        return self

    def attach(self, name: str, body: bytes) -> Story:
        """One more file, as other supporting evidence."""
        actions.do_upload_material(
            self.id,
            requirement="supporting",
            upload=SimpleUploadedFile(name, body, content_type="application/pdf"),
            actor=self.applicant or self.cast.clerk,
        )
        return self

    def submit(self) -> Story:
        actions.do_submit_case(
            self.id, expected_version=self.v, actor=self.applicant or self.cast.clerk
        )
        return self

    def review(self, defects: dict[str, str] | None = None) -> Story:
        defects = defects or {}
        if self.case.status == "submitted":
            actions.do_start_review(self.id, expected_version=self.v, actor=self.cast.clerk)
        marks = [
            {
                "requirement": item.code,
                "verdict": "missing" if item.code in defects else "ok",
                "reason": defects.get(item.code, ""),
            }
            for item in checklist_for(self.case).items
            if item.mandatory
        ]
        actions.do_review_materials(
            self.id, marks=marks, expected_version=self.v, actor=self.cast.clerk
        )
        return self

    def accept(self) -> Story:
        actions.do_accept_case(self.id, expected_version=self.v, actor=self.cast.clerk)
        return self

    def investigate(self, investigator: User | None = None) -> Story:
        actions.do_start_investigation(
            self.id, expected_version=self.v, actor=investigator or self.cast.investigator
        )
        return self

    def find(self, finding: str, reasons: str, **extra: Any) -> Story:
        case = self.case
        for item in case.items.all():
            actions.do_record_finding(
                self.id,
                item_id=item.pk,
                finding=finding,
                reasons=reasons,
                expected_version=self.v,
                actor=case.investigator,
                **extra,
            )
        actions.do_complete_investigation(self.id, expected_version=self.v, actor=case.investigator)
        return self

    def propose(
        self, action: str = "correct", changes: list[dict[str, Any]] | None = None
    ) -> Story:
        case = self.case
        proposals = [
            {"item_id": item.pk, "action": action, "changes": changes or []}
            for item in case.items.filter(finding="error_confirmed")
        ]
        actions.do_propose_correction(
            self.id, proposals=proposals, expected_version=self.v, actor=case.investigator
        )
        return self

    def approve(self) -> Story:
        actions.do_approve_correction(self.id, expected_version=self.v, actor=self.cast.approver)
        return self

    def submit_correction(self, adapter: str = "inprocess") -> Story:
        actions.do_submit_correction(
            self.id, expected_version=self.v, actor=self.cast.reporter, adapter_code=adapter
        )
        return self

    def then(self, step: Callable[[Story], object]) -> Story:
        step(self)
        return self


def _portal(cast: Cast, username: str, business_ids: list[tuple[str, str]], claim: str) -> Story:
    user = cast.users[username]
    items = []
    for business_id, category in business_ids:
        kind, record = _record(business_id)
        items.append({"record_kind": kind, "record_id": record.pk, "category": category})
    assert user.enterprise_id is not None, f"{username} is not an enterprise user"
    case = actions.do_create_case(
        enterprise_id=user.enterprise_id, claim=claim, items=items, actor=user
    )
    return Story(cast, case, user)


def _reply(story: Story, investigator: User) -> Case:
    """The written reply as staff give it: preview the letters, then issue what was previewed."""
    preview = actions.preview_reply(story.id, actor=investigator)
    return actions.do_issue_reply(
        story.id, expected_version=story.v, actor=investigator, preview_digest=preview.digest
    )


def _counter(cast: Cast, business_id: str, category: str, claim: str) -> Story:
    kind, record = _record(business_id)
    enterprise = record.enterprise
    person = enterprise.legal_representative
    case = actions.do_create_case(
        enterprise_id=enterprise.pk,
        claim=claim,
        items=[{"record_kind": kind, "record_id": record.pk, "category": category}],
        channel="counter",
        applicant={
            "capacity": "legal_representative",
            "person": {
                "name": person.name,
                "id_type": person.id_type,
                "id_number": person.id_number,
            },
        },
        actor=cast.clerk,
    )
    return Story(cast, case, None)


def _proactive(cast: Cast, business_id: str, category: str, claim: str) -> Story:
    kind, record = _record(business_id)
    case = actions.do_create_case(
        enterprise_id=record.enterprise_id,
        claim=claim,
        items=[{"record_kind": kind, "record_id": record.pk, "category": category}],
        channel="proactive",
        actor=cast.investigator,
    )
    return Story(cast, case, None)


def _accepted(story: Story) -> Story:
    return story.upload().submit().review().accept()


def _backdate(case: Case, days: int) -> None:
    """Move a case's history back by ``days``: timestamps, receipt and the due date it implies."""
    shift = dt.timedelta(days=days)
    CaseEvent.objects.filter(case=case).update(at=F("at") - shift)
    Material.objects.filter(case=case).update(uploaded_at=F("uploaded_at") - shift)
    case.created_at -= shift
    for name in ("submitted_at", "accepted_at", "replied_at", "closed_at"):
        if getattr(case, name):
            setattr(case, name, getattr(case, name) - shift)
    if case.received_on:
        case.received_on -= shift
        if case.due_on:
            start_clock(case)
    case.save()


#: Back-date a case just far enough that its clock is at risk, whatever today's date (how many
#: calendar days that takes depends on the holidays and weekends between).
AT_RISK = -1


def _backdate_until_at_risk(case: Case) -> None:
    share = pack_of(case).warning_share
    for _day in range(60):
        if clock_state(case, warning_share=share) == "at_risk":
            return
        _backdate(case, 1)
    raise RuntimeError(f"demo case {case.number} never came at risk")


def load_demo_cases() -> list[str]:
    """Create the demo cases; returns their numbers."""
    cast = _cast()
    evidence = _demo_evidence()
    stories: list[tuple[Story, int]] = []

    def add(story: Story, days_ago: int = 0) -> None:
        stories.append((story, days_ago))

    # draft: the agent of 晨光 starts an application about a true 9-day overdue (TN-03)
    add(
        _portal(
            cast,
            "chenguang-agent",
            [("B0000000000001-L-000008", "overdue_wrong")],
            "2025年3月的逾期系回款延迟所致，请求删除该逾期记录。",
        )
    )
    # submitted: 锦程 says its penalty was paid (PE-09)
    add(
        _portal(
            cast,
            "jincheng-agent",
            [("B0000000000001-P-000001", "public_record_outdated")],
            "该行政处罚罚款已于缴清，报告仍显示未履行。",
        )
        .upload()
        .submit(),
        1,
    )
    # formal review at the counter: 鼎盛's loan amount (PE-13)
    add(
        _counter(cast, "B0000000000001-L-000012", "amount_wrong", "借款金额与合同约定不符。")
        .upload()
        .submit()
        .then(lambda s: actions.do_start_review(s.id, expected_version=s.v, actor=cast.clerk)),
        1,
    )
    # awaiting supplement: 恒达's agent forgot the power of attorney (PE-06)
    add(
        _portal(
            cast,
            "hengda-agent",
            [("B0000000000001-G-000001", "guarantee_not_ours")],
            "我司从未为该借款人提供担保，疑为名称相近企业。",
        )
        .upload(skip=("power_of_attorney",))
        .submit()
        .review({"power_of_attorney": "缺少加盖公章并由法定代表人签字的授权委托证明书原件"})
        .then(
            lambda s: actions.do_request_supplement(s.id, expected_version=s.v, actor=cast.clerk)
        ),
        3,
    )
    # rejected at intake: a record this bank does not report (TN-05: the tax office's)
    add(
        _counter(cast, "B0000000000001-P-000005", "public_record_outdated", "欠税已缴纳，请删除。")
        .upload()
        .submit()
        .then(lambda s: actions.do_start_review(s.id, expected_version=s.v, actor=cast.clerk))
        .then(
            lambda s: actions.do_reject_case(
                s.id,
                ground="not_furnished_by_us",
                reason="欠税公告信息由税务机关提供，本机构不是该信息的报送机构，请向税务机关申请更正。",
                expected_version=s.v,
                actor=cast.clerk,
            )
        ),
        6,
    )
    # accepted: a proactive case from a data-quality finding (PE-12)
    add(
        _accepted(
            _proactive(
                cast,
                "B0000000000001-L-000011",
                "five_tier_class_wrong",
                "数据质量检查发现五级分类与台账不一致，主动更正。",
            )
        ),
        2,
    )
    # under investigation, at risk: 云帆's settled loan still open (PE-04)
    add(
        _accepted(
            _portal(
                cast,
                "yunfan-legal",
                [("B0000000000001-L-000004", "settled_shown_open")],
                "该笔贷款已于提前结清，报告仍显示未结清。",
            ).attach("结清证明.pdf", evidence.settlement)
        ).investigate(),
        AT_RISK,
    )
    # under investigation, in breach: 鹭岛's overdue after the bank outage (PE-02)
    add(
        _accepted(
            _counter(
                cast,
                "B0000000000001-L-000002",
                "overdue_wrong",
                "银行扣款系统故障导致未能按期扣款，并非我司违约。",
            ).attach("银行系统故障说明.pdf", evidence.outage_notice)
        ).investigate(cast.investigator2),
        24,
    )
    # findings recorded: proactive, 瑞丰's overdue amount (PE-03)
    add(
        _accepted(
            _proactive(
                cast, "B0000000000001-L-000003", "overdue_wrong", "对账发现逾期金额与台账不符。"
            )
        )
        .investigate()
        .find("error_confirmed", "台账显示逾期金额与报送不一致，报送错误。"),
        8,
    )
    # non-repair notice: 楚天 wants its true overdue erased (TN-01) — a whitewash, refused
    add(
        _accepted(
            _portal(
                cast,
                "chutian-legal",
                [("B0000000000001-L-000006", "overdue_wrong")],
                "受市场影响回款困难，请求删除逾期记录。",
            ).attach("银行系统故障说明.pdf", evidence.outage_notice)  # 鹭岛's, filed again
        )
        .investigate()
        .find(
            "not_repairable", "该笔贷款确未按期归还，台账与报送一致；信息真实准确，依法不予删除。"
        )
        .then(
            lambda s: actions.do_draft_non_repair_notice(
                s.id, expected_version=s.v, actor=cast.investigator
            )
        ),
        10,
    )
    # correction proposed: 安诚's settled loan (PE-05)
    add(
        _accepted(
            _counter(cast, "B0000000000001-L-000005", "settled_shown_open", "贷款已结清。").attach(
                "结清证明.pdf", evidence.altered_settlement
            )
        )
        .investigate()
        .find("error_confirmed", "结清凭证与台账一致，报送未更新。")
        .then(_propose_ledger_values),
        9,
    )
    # correction approved: 海韵's guarantee that is not theirs (PE-07)
    add(
        _accepted(
            _counter(
                cast, "B0000000000001-G-000002", "guarantee_not_ours", "我司未签署该担保合同。"
            )
        )
        .investigate()
        .find("error_confirmed", "担保台账显示保证人为名称相近的另一企业，报送主体错误。")
        .propose("delete")
        .approve(),
        11,
    )
    # correction submitted by hand, not yet received: 博远's guarantee amount (PE-08)
    add(
        _accepted(
            _counter(
                cast, "B0000000000001-G-000003", "guarantee_amount_wrong", "担保金额录入错误。"
            )
        )
        .investigate()
        .find("error_confirmed", "合同约定担保金额与报送不一致。")
        .then(_propose_ledger_values)
        .approve()
        .submit_correction("manual"),
        12,
    )
    # awaiting confirmation: 天启's public record (PE-10), received by the bureau
    add(
        _accepted(
            _counter(cast, "B0000000000001-P-000002", "public_record_outdated", "判决已履行完毕。")
        )
        .investigate()
        .find("error_confirmed", "法院执行结案证明显示已履行。")
        .then(_propose_ledger_values)
        .approve()
        .submit_correction("manual")
        .then(
            lambda s: actions.do_acknowledge_submission(
                s.id, expected_version=s.v, actor=cast.reporter
            )
        ),
        12,
    )
    # confirmed by the bureau: 湘江's public record (PE-11)
    add(
        _accepted(
            _counter(cast, "B0000000000001-P-000003", "public_record_outdated", "税款已缴清。")
        )
        .investigate()
        .find("error_confirmed", "完税证明与来源数据一致。")
        .then(_propose_ledger_values)
        .approve()
        .submit_correction()
        .then(lambda s: actions.do_poll_bureau()),
        13,
    )
    # rejected by the bureau: 华岳's account that is not theirs (PE-15), by hand
    add(
        _accepted(
            _counter(cast, "B0000000000001-L-000014", "loan_not_ours", "该笔贷款非我司所借。")
        )
        .investigate()
        .find("error_confirmed", "台账显示借款人为另一企业，报送主体错误。")
        .propose("delete")
        .approve()
        .submit_correction("manual")
        .then(
            lambda s: actions.do_acknowledge_submission(
                s.id, expected_version=s.v, actor=cast.reporter
            )
        )
        .then(
            lambda s: actions.do_record_bureau_feedback(
                s.id,
                accepted=False,
                reason="E414-03 待删除业务标识码不属于本报送机构，请核对机构代码。",
                expected_version=s.v,
                actor=cast.reporter,
            )
        ),
        14,
    )
    # reply issued: 楚天's penalty still in its publicity period (TN-04)
    add(
        _accepted(
            _portal(
                cast,
                "chutian-legal",
                [("B0000000000001-P-000004", "public_record_outdated")],
                "罚款已缴纳，请删除处罚记录。",
            )
        )
        .investigate()
        .find("no_error", "罚款虽已缴纳，但处罚信息仍在公示期内，报告展示与来源一致。")
        .then(
            lambda s: actions.do_draft_non_repair_notice(
                s.id, expected_version=s.v, actor=cast.investigator
            )
        )
        .then(lambda s: _reply(s, cast.investigator)),
        18,
    )
    # closed and rated: 晨光's overdue caused by the bank's outage (PE-01), fully corrected
    closed = _accepted(
        _portal(
            cast,
            "chenguang-legal",
            [("B0000000000001-L-000001", "overdue_wrong")],
            "2026年6月21日银行系统故障导致自动扣款失败，并非我司逾期。",
        )
    ).investigate()
    closed.find("error_confirmed", "核心系统故障日志证实当日扣款失败，客户账户余额充足。")
    _propose_ledger_values(closed)
    closed.approve().submit_correction()
    actions.do_poll_bureau()
    # the bank states in writing that the overdue was its own outage, not the borrower's doing
    do_issue_non_malicious_explanation(
        closed.id,
        overdues=[
            {
                "subject": "固定资产贷款（业务标识码 B0000000000001-L-000001）",
                "due_on": "2026年6月21日",
                "paid_on": "2026年6月23日",
                "amount": "当期应还本息",
                "shown_as": "2026年6月还款状态记为逾期1期",
            }
        ],
        cause={
            "kind": "本行系统故障",
            "description": "2026年6月21日本行核心系统升级，当日批量自动扣款失败；企业账户余额充足，"
            "6月23日系统恢复后补扣成功，逾期并非借款人原因。",
            "reference_title": "核心系统故障事件登记",
            "reference_number": "INC-20260621-01",
        },
        handling="已按段更正2026年6月还款状态，并经征信系统确认。",
        actor=cast.investigator,
    )
    _reply(closed, cast.investigator)
    actions.do_close_case(closed.id, expected_version=closed.v, actor=cast.clerk)
    actions.do_rate_case(
        closed.id, score=5, comment="一次告知、按时答复，很满意。", actor=closed.applicant
    )
    add(closed, 20)
    # withdrawn: 渝州 withdraws its dispute of a true overdue (TN-02)
    add(
        _accepted(
            _counter(cast, "B0000000000001-L-000007", "overdue_wrong", "请求删除逾期。")
        ).then(
            lambda s: actions.do_withdraw_case(
                s.id,
                reason="经沟通了解逾期属实，申请撤回。",
                expected_version=s.v,
                actor=cast.clerk,
            )
        ),
        7,
    )
    # reopened on new evidence: 宏远's balance (PE-14) first found without error, then new evidence
    add(
        _accepted(_counter(cast, "B0000000000001-L-000013", "amount_wrong", "贷款余额有误。"))
        .investigate()
        .find("no_error", "初查未发现差异。")
        .then(
            lambda s: actions.do_draft_non_repair_notice(
                s.id, expected_version=s.v, actor=cast.investigator
            )
        )
        .then(lambda s: _reply(s, cast.investigator))
        .then(lambda s: actions.do_close_case(s.id, expected_version=s.v, actor=cast.clerk))
        .then(
            lambda s: actions.do_reopen_case(
                s.id,
                reason="企业提交了银行回单，显示已于上月部分还款。",
                expected_version=s.v,
                actor=cast.clerk,
            )
        ),
        4,
    )

    for story, days_ago in stories:
        if days_ago == AT_RISK:
            _backdate_until_at_risk(story.case)
        elif days_ago:
            _backdate(story.case, days_ago)
    actions.do_check_clocks(today=timezone.localdate())
    return [story.case.number for story, _ in stories]


def _propose_ledger_values(story: Story) -> None:
    """Propose, field by field, the ledger's value wherever the report differs from it."""
    item = story.case.items.get()
    changes = [
        {"field": name, "new": truth}
        for name, truth in item.ledger_value.items()
        if item.reported_value.get(name) != truth
    ]
    story.propose(changes=changes)


# The planted errors the demo's own cases have already corrected (bureau confirmed): a
# reconciliation of the loaded demo no longer finds them.
CORRECTED_BY_DEMO_CASES = ("B0000000000001-L-000001", "B0000000000001-P-000003")
