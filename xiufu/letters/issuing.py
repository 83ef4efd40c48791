"""The calls the case actions make: issue the letters a transition calls for, inside that
transition's transaction (a failure rolls the whole transition back).

Where the case's rule pack asks for it (``letters.preview_before_issue``), the letters are drafted
first and shown to the member of staff; issuing then needs the digest of what they saw. If the case
changed since (a finding, a proposal, the active template), the digest no longer matches and the
action is refused: nothing goes out that nobody has read.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from xiufu.cases.checklists import pack_of
from xiufu.core.errors import Conflict, InvalidInput
from xiufu.letters import actions, context
from xiufu.letters.errors import LetterErrorCode
from xiufu.letters.models import Letter, LetterKind


@dataclass(frozen=True)
class Draft:
    """A letter as it would be issued now, without its number, date and code."""

    kind: str
    context: dict[str, Any]
    rule_ids: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return str(LetterKind(self.kind).label)

    @property
    def summary(self) -> list[dict[str, str]]:
        """Per item: what it is about, the conclusion, the reasons (for a page beside the PDF)."""
        return [
            {
                "subject": str(item.get("subject", "")),
                "conclusion": str(item.get("outcome") or item.get("finding") or ""),
                "reasons": str(item.get("reasons", "")),
            }
            for item in self.context.get("items", [])
        ]


def draft(case: Any, kind: str, **extra: Any) -> Draft:
    data, rule_ids = context.build(kind, case, **extra)
    return Draft(kind, data, rule_ids)


def digest(drafts: list[Draft]) -> str:
    """What the person previewed: the letters' data and the template versions that lay them out."""
    content = [
        [d.kind, actions.active_template(d.kind).sha256, d.context]
        for d in sorted(drafts, key=lambda d: d.kind)
    ]
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()


def preview_rule_ids(case: Any, kinds: list[str]) -> list[str]:
    """The pack rules that make staff preview these letters before issuing (empty: no preview)."""
    pack = pack_of(case)
    return sorted({rule.id for kind in kinds if (rule := pack.preview_rule(kind)) is not None})


def check_previewed(case: Any, drafts: list[Draft], previewed: str | None) -> list[str]:
    """Refuse to issue letters the pack wants previewed unless ``previewed`` is the digest of
    exactly these drafts; returns the preview rule ids that applied."""
    rule_ids = preview_rule_ids(case, [d.kind for d in drafts])
    if not rule_ids:
        return []
    labels = "、".join(d.label for d in drafts)
    if not previewed:
        raise InvalidInput(
            LetterErrorCode.PREVIEW_REQUIRED,
            _("按规则包要求，%(letters)s须先预览全文再出具。") % {"letters": labels},
            details={"kinds": [d.kind for d in drafts], "rule_ids": rule_ids},
        )
    if previewed.strip().lower() != digest(drafts):
        raise Conflict(
            LetterErrorCode.PREVIEW_STALE,
            _("预览之后案件内容或文书模板已有变化，请重新预览%(letters)s后再出具。")
            % {"letters": labels},
            details={"kinds": [d.kind for d in drafts], "rule_ids": rule_ids},
        )
    return rule_ids


def issue_drafts(
    case: Any, drafts: list[Draft], *, actor: Any, previewed: str | None = None
) -> list[Letter]:
    """Issue the drafted letters (checking the preview where the pack asks for one)."""
    preview_ids = check_previewed(case, drafts, previewed)
    return [
        actions.issue_letter(
            case, d.kind, d.context, actor=actor, rule_ids=d.rule_ids + preview_ids
        )
        for d in drafts
    ]


def issue_for_case(case: Any, kind: str, *, actor: Any, **extra: Any) -> Letter:
    return issue_drafts(case, [draft(case, kind, **extra)], actor=actor)[0]


def preview_pdf(draft: Draft) -> bytes:
    """The PDF of a draft with the active template, marked as a preview: nothing is stored,
    numbered or logged."""
    data = {
        **draft.context,
        "letter": actions.letter_part(
            draft.kind,
            number=_("（预览，出具时编号）"),
            day=timezone.localdate(),
            code=actions.PREVIEW_CODE,
        ),
    }
    _docx, pdf = actions.render_letter(
        actions.active_template(draft.kind), data, code=actions.PREVIEW_CODE
    )
    return pdf
