"""The registry of audit event types, and the types of the foundation apps.

Every audit event has a dotted type (``xiufu.enterprise.registered``) registered with a label
and the keys of its payload; recording an unregistered type is a programming error, and a test fails
when a registered type is missing from docs/audit-events.md.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EventType:
    code: str
    label: str
    payload_keys: tuple[str, ...] = ()


EVENT_TYPES: dict[str, EventType] = {}


def register(code: str, label: str, payload_keys: tuple[str, ...] = ()) -> EventType:
    if code in EVENT_TYPES:
        raise ValueError(f"audit event type {code} registered twice")
    event_type = EventType(code, label, payload_keys)
    EVENT_TYPES[code] = event_type
    return event_type


ENTERPRISE_REGISTERED = register("xiufu.enterprise.registered", "登记企业", ("uscc", "name"))
PERSON_REGISTERED = register("xiufu.person.registered", "登记自然人", ("id_type",))
IDENTIFIER_REVEALED = register(
    "xiufu.person.identifier_revealed", "查看完整证件号码", ("person_id", "purpose")
)
STAFF_USER_CREATED = register("xiufu.user.staff_created", "创建员工账号", ("username", "roles"))
ENTERPRISE_USER_CREATED = register(
    "xiufu.user.enterprise_created", "创建企业用户账号", ("username", "enterprise_id", "capacity")
)
ROLES_CHANGED = register("xiufu.user.roles_changed", "变更员工角色", ("username", "roles"))
POWER_OF_ATTORNEY_REGISTERED = register(
    "xiufu.user.power_of_attorney_registered",
    "登记授权委托书",
    ("username", "valid_from", "valid_until"),
)
API_TOKEN_ISSUED = register("xiufu.user.api_token_issued", "签发接口令牌", ("username", "name"))
API_TOKEN_REVOKED = register("xiufu.user.api_token_revoked", "吊销接口令牌", ("username", "name"))
DEMO_LOADED = register("xiufu.demo.loaded", "载入演示数据", ("enterprises",))
