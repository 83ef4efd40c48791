"""Drives cases through the workflow with the real actions, for the tests."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from xiufu.cases import actions
from xiufu.cases.models import Case

_counter = iter(range(1, 10**9))


def pdf_bytes(tag: str = "") -> bytes:
    """A small, distinct PDF file per call (distinct hashes, no duplicate refusals)."""
    return b"%PDF-1.4\n% xiufu test " + f"{tag}-{next(_counter)}".encode() + b"\n%%EOF\n"


def pdf_upload(name: str = "material.pdf", tag: str = "") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, pdf_bytes(tag), content_type="application/pdf")


@dataclass
class Cast:
    applicant: Any
    clerk: Any
    investigator: Any
    approver: Any
    reporter: Any


class Driver:
    """Moves one case forward step by step; each step returns the fresh case."""

    def __init__(self, cast: Cast, case: Case) -> None:
        self.cast, self.case_id = cast, case.pk

    @property
    def case(self) -> Case:
        return Case.objects.get(pk=self.case_id)

    @property
    def v(self) -> int:
        return self.case.version

    @classmethod
    def open(cls, cast: Cast, records: list[tuple[str, Any, str]], **extra: Any) -> Driver:
        items = [
            {"record_kind": kind, "record_id": record.pk, "category": category}
            for kind, record, category in records
        ]
        case = actions.do_create_case(
            enterprise_id=cast.applicant.enterprise_id,
            claim="逾期记录与实际还款不符，请予更正。",
            items=items,
            actor=cast.applicant,
            **extra,
        )
        return cls(cast, case)

    def checklist_codes(self, *, mandatory_only: bool = True) -> list[str]:
        from xiufu.cases.checklists import checklist_for

        return [i.code for i in checklist_for(self.case).items if i.mandatory or not mandatory_only]

    def upload(self, requirement: str, **kwargs: Any) -> Any:
        return actions.do_upload_material(
            self.case_id,
            requirement=requirement,
            upload=pdf_upload(f"{requirement}.pdf", requirement),
            actor=self.cast.applicant,
            **kwargs,
        )

    def upload_all(self, *, skip: tuple[str, ...] = ()) -> None:
        for code in self.checklist_codes():
            if code not in skip:
                self.upload(code)

    def submit(self) -> Case:
        return actions.do_submit_case(
            self.case_id, expected_version=self.v, actor=self.cast.applicant
        )

    def review(self, verdicts: dict[str, str] | None = None) -> Case:
        verdicts = verdicts or {}
        marks = [
            {
                "requirement": code,
                "verdict": verdicts.get(code, "ok"),
                "reason": "" if verdicts.get(code, "ok") == "ok" else "请提供清晰完整的材料",
            }
            for code in self.checklist_codes()
        ]
        return actions.do_review_materials(
            self.case_id, marks=marks, expected_version=self.v, actor=self.cast.clerk
        )

    def to_review(self) -> Case:
        self.submit()
        return actions.do_start_review(self.case_id, expected_version=self.v, actor=self.cast.clerk)

    def accept(self) -> Case:
        return actions.do_accept_case(self.case_id, expected_version=self.v, actor=self.cast.clerk)

    def to_accepted(self) -> Case:
        self.upload_all()
        self.to_review()
        self.review()
        return self.accept()

    def investigate(self) -> Case:
        return actions.do_start_investigation(
            self.case_id, expected_version=self.v, actor=self.cast.investigator
        )

    def find(self, item_id: int, finding: str, **kwargs: Any) -> Case:
        kwargs.setdefault("reasons", "经核对核心系统台账与还款流水，结论如下。")
        if finding == "undetermined":
            kwargs.setdefault("verification_result", "业务档案缺失，暂无法确认。")
        return actions.do_record_finding(
            self.case_id,
            item_id=item_id,
            finding=finding,
            expected_version=self.v,
            actor=self.cast.investigator,
            **kwargs,
        )

    def find_all(self, finding: str) -> Case:
        for item in self.case.items.all():
            self.find(item.pk, finding)
        return actions.do_complete_investigation(
            self.case_id, expected_version=self.v, actor=self.cast.investigator
        )

    def propose(self, proposals: list[dict[str, Any]]) -> Case:
        return actions.do_propose_correction(
            self.case_id, proposals=proposals, expected_version=self.v, actor=self.cast.investigator
        )

    def approve(self, by: Any = None) -> Case:
        return actions.do_approve_correction(
            self.case_id, expected_version=self.v, actor=by or self.cast.approver
        )

    def submit_correction(self) -> Any:
        return actions.do_submit_correction(
            self.case_id, expected_version=self.v, actor=self.cast.reporter
        )

    def confirm(self, accepted: bool = True, reason: str = "") -> Case:
        return actions.do_record_bureau_feedback(
            self.case_id,
            accepted=accepted,
            reason=reason,
            expected_version=self.v,
            actor=self.cast.reporter,
        )

    def reply(self) -> Case:
        """Preview the reply's letters, as the pack asks, then issue them."""
        preview = actions.preview_reply(self.case_id, actor=self.cast.investigator)
        return actions.do_issue_reply(
            self.case_id,
            expected_version=self.v,
            actor=self.cast.investigator,
            preview_digest=preview.digest,
        )

    def close(self) -> Case:
        return actions.do_close_case(self.case_id, expected_version=self.v, actor=self.cast.clerk)


def stream(data: bytes) -> io.BytesIO:
    return io.BytesIO(data)
