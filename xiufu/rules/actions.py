"""Writes on rule pack versions: load, activate, and the system's install of a shipped pack."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from xiufu.accounts.permissions import Perm, require
from xiufu.audit.actions import record_event
from xiufu.core.errors import Conflict, ErrorCode, InvalidInput, NotFound
from xiufu.rules import events
from xiufu.rules.engine import PackError, RulePack, load_pack, load_shipped, shipped_versions
from xiufu.rules.errors import RulesErrorCode
from xiufu.rules.models import RulePackVersion
from xiufu.rules.selectors import parsed_pack

SHIPPED = "shipped"
UPLOADED = "uploaded"


def do_load_rule_pack(*, text: str, actor: Any, activate: bool = False) -> RulePackVersion:
    """Load a rule pack version (compliance admins), optionally activating it.

    Loading the same content again returns the version already stored (and activates it if asked);
    the same regime and version with different content is refused: publish a new version number.
    """
    require(actor, Perm.MANAGE_RULE_PACKS)
    pack = _validated(text)
    with transaction.atomic():
        row = _store(pack, text, actor=actor, source=UPLOADED)
        if activate:
            row = _activate(row, actor=actor)
    return row


def do_activate_rule_pack(version_id: int, *, actor: Any) -> RulePackVersion:
    """Make a version the active one of its regime: new cases start on it. The previous active
    version is deactivated; cases already running keep the version they started with."""
    require(actor, Perm.MANAGE_RULE_PACKS)
    with transaction.atomic():
        row = RulePackVersion.objects.select_for_update().filter(pk=version_id).first()
        if row is None:
            raise NotFound(_("未找到该规则包版本。"), what="rule_pack_version")
        return _activate(row, actor=actor)


def do_install_shipped_pack(*, regime: str) -> RulePackVersion:
    """System action for a fresh installation: install and activate the newest shipped pack of a
    regime that is already in force. Does nothing new if the regime already has a version."""
    pack, text = _newest_shipped_in_force(regime)
    try:
        with transaction.atomic():
            if RulePackVersion.objects.filter(regime=regime).exists():
                return _existing_active(regime)
            row = _store(pack, text, actor=None, source=SHIPPED)
            return _activate(row, actor=None)
    except (IntegrityError, Conflict):
        # Another process installed it first: use theirs.
        return _existing_active(regime)


def _validated(text: str) -> RulePack:
    try:
        return load_pack(text)
    except PackError as exc:
        raise InvalidInput(
            RulesErrorCode.INVALID_RULE_PACK,
            ngettext(
                "规则包校验未通过，共%(count)s处问题。",
                "规则包校验未通过，共%(count)s处问题。",
                len(exc.problems),
            )
            % {"count": len(exc.problems)},
            details={"problems": exc.problems},
        ) from None


def _store(pack: RulePack, text: str, *, actor: Any, source: str) -> RulePackVersion:
    existing = (
        RulePackVersion.objects.select_for_update()
        .filter(regime=pack.regime, version=pack.version)
        .first()
    )
    if existing is not None:
        if existing.sha256 != pack.sha256:
            raise _duplicate(pack)
        return existing
    try:
        with transaction.atomic():
            row = RulePackVersion.objects.create(
                regime=pack.regime,
                version=pack.version,
                title=pack.title,
                content=text,
                sha256=pack.sha256,
                effective_from=pack.effective_from,
                loaded_by=actor if getattr(actor, "pk", None) else None,
            )
    except IntegrityError:
        raise _duplicate(pack) from None
    record_event(
        events.PACK_LOADED,
        actor=actor,
        target=row,
        payload={
            "regime": row.regime,
            "version": row.version,
            "sha256": row.sha256,
            "source": source,
        },
    )
    return row


def _activate(row: RulePackVersion, *, actor: Any) -> RulePackVersion:
    if row.is_active:
        return row
    if row.effective_from > timezone.localdate():
        raise Conflict(
            RulesErrorCode.NOT_YET_EFFECTIVE,
            _("规则包 %(pack)s 自%(date)s起生效，生效前不能启用。")
            % {
                "pack": row,
                # Translators: a date format (Django's date format characters).
                "date": date_format(row.effective_from, _("Y年m月d日")),
            },
            details={"effective_from": row.effective_from.isoformat()},
        )
    parsed_pack(row)  # refuse to activate a version whose stored text was altered
    previous = (
        RulePackVersion.objects.select_for_update()
        .filter(regime=row.regime, is_active=True)
        .exclude(pk=row.pk)
        .first()
    )
    try:
        with transaction.atomic():
            # Deactivate first: the one-active-per-regime constraint is checked per statement.
            if previous is not None:
                previous.is_active = False
                previous.save(update_fields=["is_active"])
            row.is_active = True
            row.activated_at = timezone.now()
            row.save(update_fields=["is_active", "activated_at"])
    except IntegrityError:
        raise Conflict(
            ErrorCode.CONFLICT, _("另一个版本正在同时启用，请刷新后重试。"), details={"id": row.pk}
        ) from None
    record_event(
        events.PACK_ACTIVATED,
        actor=actor,
        target=row,
        payload={
            "regime": row.regime,
            "version": row.version,
            "previous_version": previous.version if previous is not None else "",
        },
    )
    return row


def _newest_shipped_in_force(regime: str) -> tuple[RulePack, str]:
    today = timezone.localdate()
    for version in shipped_versions(regime):
        pack, text = load_shipped(regime, version)
        if pack.effective_from <= today:
            return pack, text
    raise NotFound(_("没有制度“%(regime)s”的已生效规则包。") % {"regime": regime}, what="rule_pack")


def _existing_active(regime: str) -> RulePackVersion:
    row = RulePackVersion.objects.filter(regime=regime, is_active=True).first()
    if row is None:
        raise Conflict(
            RulesErrorCode.NO_ACTIVE_RULE_PACK,
            _("制度“%(regime)s”没有启用的规则包版本，请合规管理员启用一个版本。")
            % {"regime": regime},
            details={"regime": regime},
        )
    return row


def _duplicate(pack: RulePack) -> Conflict:
    return Conflict(
        ErrorCode.DUPLICATE,
        _("规则包 %(regime)s %(version)s 已载入且内容不同；修改规则请使用新的版本号。")
        % {"regime": pack.regime, "version": pack.version},
        details={"regime": pack.regime, "version": pack.version},
    )
