"""The compliance admin's view of letter templates: versions per kind, the fields each kind
provides, and a preview of a version filled with a real case's data."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from xiufu.accounts.permissions import Perm, require
from xiufu.cases.models import Case
from xiufu.core.errors import NotFound
from xiufu.letters import actions, context
from xiufu.letters.fields import SCHEMAS, field_labels
from xiufu.letters.models import LetterKind, LetterTemplate


def overview(actor: Any) -> dict[str, Any]:
    require(actor, Perm.MANAGE_LETTER_TEMPLATES)
    actions.install_shipped_templates()
    versions: dict[str, list[LetterTemplate]] = {}
    for template in LetterTemplate.objects.order_by("kind", "-version"):
        versions.setdefault(template.kind, []).append(template)
    example = Case.objects.order_by("-pk").values_list("number", flat=True).first() or ""
    return {
        "kinds": [
            {
                "kind": kind.value,
                "label": kind.label,
                "versions": versions.get(kind.value, []),
                "fields": sorted(field_labels(SCHEMAS[kind.value]).items()),
            }
            for kind in LetterKind
        ],
        "example_case": example,
    }


def preview(actor: Any, template_id: int, case_number: str) -> bytes:
    """The PDF of ``template_id`` filled with the case's data, numbered "（样稿）": nothing is
    stored, numbered or logged. Data the case lacks for a field is reported, as on issuing."""
    require(actor, Perm.MANAGE_LETTER_TEMPLATES)
    template = LetterTemplate.objects.filter(pk=template_id).first()
    if template is None:
        raise NotFound(_("未找到该模板版本。"), what="letter_template")
    case = Case.objects.filter(number=case_number.strip()).first()
    if case is None:
        raise NotFound(_("未找到该案件。"), what="case")
    data, _rule_ids = context.build(template.kind, case)
    data["letter"] = actions.letter_part(
        template.kind,
        number=_("（样稿，未编号）"),
        day=case.created_at.date(),
        code=actions.PREVIEW_CODE,
    )
    _docx, pdf = actions.render_letter(template, data, code=actions.PREVIEW_CODE)
    return pdf
