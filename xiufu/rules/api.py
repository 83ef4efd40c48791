from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status

from xiufu.core.api import actor
from xiufu.core.schemas import ErrorBody
from xiufu.rules import actions, selectors
from xiufu.rules.schemas import ActivePackOut, ChecklistOut, RulePackIn, RulePackOut

router = Router(tags=["rule packs"])
ERRORS = {401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody}
# Repeated parameter: ?categories=overdue_wrong&categories=settled_shown_open
CATEGORIES = Query([], max_length=20)
REGIME = Query(selectors.DEFAULT_REGIME, pattern=r"^[a-z][a-z0-9_]*$", max_length=60)


@router.get("/rule-packs", response=list[RulePackOut])
def list_rule_packs(
    request: HttpRequest, regime: str = Query("", pattern=r"^[a-z0-9_]*$", max_length=60)
) -> object:
    """Every loaded rule pack version, with which one is active."""
    return list(selectors.rule_pack_versions(regime=regime or None))


@router.get("/rule-packs/active", response={200: ActivePackOut, **ERRORS})
def active_rule_pack(request: HttpRequest, regime: str = REGIME) -> object:
    """The active version of a regime with its dispute categories in plain language."""
    row, pack = selectors.active_pack(regime)
    return {
        "id": row.pk,
        "regime": pack.regime,
        "version": pack.version,
        "title": pack.title,
        "effective_from": pack.effective_from,
        "sha256": pack.sha256,
        "categories": pack.categories,
        "applicant_types": pack.applicant_types,
        "reply_deadline": pack.reply_deadline(),
    }


@router.get("/rule-packs/checklist", response={200: ChecklistOut, **ERRORS})
def material_checklist(
    request: HttpRequest,
    applicant_type: str = Query(..., max_length=40),
    categories: list[str] = CATEGORIES,
    regime: str = REGIME,
) -> object:
    """The exact materials for these dispute categories and this applicant type."""
    return selectors.checklist(categories=categories, applicant_type=applicant_type, regime=regime)


@router.post("/rule-packs", response={201: RulePackOut, **ERRORS})
def load_rule_pack(request: HttpRequest, payload: RulePackIn) -> Status:
    """Load a rule pack version (compliance admins); loading identical content is idempotent."""
    row = actions.do_load_rule_pack(
        text=payload.text, activate=payload.activate, actor=actor(request)
    )
    return Status(201, row)


@router.post("/rule-packs/{version_id}/activate", response={200: RulePackOut, **ERRORS})
def activate_rule_pack(request: HttpRequest, version_id: int) -> object:
    """Make this version the active one of its regime; running cases keep their version."""
    return actions.do_activate_rule_pack(version_id, actor=actor(request))
