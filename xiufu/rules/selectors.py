"""Reads of rule packs: the active version of a regime, the version a case started on, the
checklist an applicant needs. Rule packs are law, not credit data: any signed-in user may read
them, and the reads are not access-logged."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from xiufu.core.errors import Conflict, InvalidInput, NotFound
from xiufu.rules.engine import Checklist, RulePack, UnknownRule, load_pack
from xiufu.rules.errors import RulesErrorCode
from xiufu.rules.models import RulePackVersion

DEFAULT_REGIME = "credit_dispute"

# Parsed packs per process, by the SHA-256 of their canonical content. A version never changes
# once loaded, so entries never go stale; there are only ever a handful.
_PARSED: dict[str, RulePack] = {}


class RulePackIntegrityError(RuntimeError):
    """The stored text of a version no longer hashes to the digest recorded when it was loaded."""


def parsed_pack(row: RulePackVersion) -> RulePack:
    """The engine's view of a stored version, parsed once per process and integrity-checked."""
    pack = _PARSED.get(row.sha256)
    if pack is None:
        pack = load_pack(row.content)
        if pack.sha256 != row.sha256:
            raise RulePackIntegrityError(
                f"rule pack {row.regime} {row.version} (id {row.pk}): stored content hashes to "
                f"{pack.sha256}, recorded {row.sha256}"
            )
        _PARSED[row.sha256] = pack
    return pack


def active_pack(regime: str = DEFAULT_REGIME) -> tuple[RulePackVersion, RulePack]:
    """The active version of a regime and its parsed pack.

    On a fresh installation (no version of the regime loaded yet) the newest shipped pack that is
    already in force is installed and activated by the system, so a new installation just works.
    """
    row = RulePackVersion.objects.filter(regime=regime, is_active=True).first()
    if row is None:
        if RulePackVersion.objects.filter(regime=regime).exists():
            raise Conflict(
                RulesErrorCode.NO_ACTIVE_RULE_PACK,
                _("制度“%(regime)s”没有启用的规则包版本，请合规管理员启用一个版本。")
                % {"regime": regime},
                details={"regime": regime},
            )
        from xiufu.rules.actions import do_install_shipped_pack

        row = do_install_shipped_pack(regime=regime)
    return row, parsed_pack(row)


def pack_version(pk: int) -> RulePack:
    """The pack of one stored version: what a running case uses, whatever is active now."""
    digest = RulePackVersion.objects.filter(pk=pk).values_list("sha256", flat=True).first()
    if digest is None:
        raise NotFound(_("未找到该规则包版本。"), what="rule_pack_version")
    if digest in _PARSED:
        return _PARSED[digest]
    return parsed_pack(RulePackVersion.objects.get(pk=pk))


def rule_pack_versions(*, regime: str | None = None) -> QuerySet[RulePackVersion]:
    """Every loaded version, newest first within each regime (without their text)."""
    versions = RulePackVersion.objects.defer("content")
    return versions.filter(regime=regime) if regime else versions


def checklist(
    *, categories: Iterable[str], applicant_type: str, regime: str = DEFAULT_REGIME
) -> Checklist:
    """The exact material checklist under the active pack, for the portal and formal review."""
    _row, pack = active_pack(regime)
    try:
        return pack.checklist(list(categories), applicant_type)
    except UnknownRule as exc:
        if exc.kind == "applicant_type":
            choices = [a.code for a in pack.applicant_types]
            code, field = RulesErrorCode.UNKNOWN_APPLICANT_TYPE, "applicant_type"
            message = _("申请人类型“%(code)s”不存在。") % {"code": exc.code}
        else:
            choices = [c.code for c in pack.categories]
            code, field = RulesErrorCode.UNKNOWN_CATEGORY, "categories"
            message = _("异议类型“%(code)s”不存在。") % {"code": exc.code}
        raise InvalidInput(
            code,
            message,
            details={"field": field, "value": exc.code, "choices": choices},
        ) from None
