"""The demo sign-in accounts: one member of staff per role and a few enterprise users."""

from __future__ import annotations

from dataclasses import dataclass

from xiufu.accounts.choices import Capacity, Role, UserKind
from xiufu.demo.scenarios import STORY_AGENTS
from xiufu.demo.world import World

# One password for every demo account. It passes the validators in config/settings.py (length
# ≥ 10, not common, not numeric, not similar to any demo username). Demo use only.
DEMO_PASSWORD = "Xiufu-Demo-2026!"  # noqa: S105


@dataclass(frozen=True)
class DemoAccount:
    """A demo account as the documentation and the sign-in page hint list it."""

    username: str
    password: str
    kind: str  # UserKind
    role: str  # a Role code for staff, a Capacity code for enterprise users
    label: str  # Chinese description, e.g. "受理员" or "法定代表人 · 企业名"
    display_name: str = ""
    enterprise_uscc: str = ""
    may_sign_in: bool = True


# username, display name, role: the seven people of the demo bank's dispute desk.
STAFF: tuple[tuple[str, str, str], ...] = (
    ("clerk", "张敏", Role.INTAKE_CLERK),
    ("investigator", "李强", Role.INVESTIGATOR),
    ("investigator2", "王芳", Role.INVESTIGATOR),
    ("approver", "刘洋", Role.APPROVER),
    ("reporter", "陈静", Role.REPORTER),
    ("compliance", "赵磊", Role.COMPLIANCE_ADMIN),
    ("auditor", "孙丽", Role.AUDITOR),
)

# Legal representatives with an account: username -> story enterprise key.
LEGAL_REPRESENTATIVES: tuple[tuple[str, str], ...] = (
    ("chenguang-legal", "chenguang"),
    ("yunfan-legal", "yunfan"),
    ("chutian-legal", "chutian"),
)

# The agent whose power of attorney has lapsed: the account exists but cannot sign in.
EXPIRED_AGENT = "chutian-agent-expired"


def _staff_accounts() -> list[DemoAccount]:
    return [
        DemoAccount(
            username=username,
            password=DEMO_PASSWORD,
            kind=str(UserKind.STAFF),
            role=str(role),
            label=str(Role(role).label),
            display_name=name,
        )
        for username, name, role in STAFF
    ]


def _enterprise_accounts(world: World) -> list[DemoAccount]:
    accounts = []
    for username, key in LEGAL_REPRESENTATIVES:
        enterprise = world.enterprise(key)
        accounts.append(
            DemoAccount(
                username=username,
                password=DEMO_PASSWORD,
                kind=str(UserKind.ENTERPRISE),
                role=str(Capacity.LEGAL_REPRESENTATIVE),
                label=f"{Capacity.LEGAL_REPRESENTATIVE.label} · {enterprise.name}",
                display_name=enterprise.legal_representative.name,
                enterprise_uscc=enterprise.uscc,
            )
        )
    for username, key in STORY_AGENTS:
        enterprise = world.enterprise(key)
        expired = username == EXPIRED_AGENT
        capacity = "经办人（授权委托书已过期，无法登录）" if expired else "经办人"
        accounts.append(
            DemoAccount(
                username=username,
                password=DEMO_PASSWORD,
                kind=str(UserKind.ENTERPRISE),
                role=str(Capacity.AGENT),
                label=f"{capacity} · {enterprise.name}",
                display_name=world.agents[username].name,
                enterprise_uscc=enterprise.uscc,
                may_sign_in=not expired,
            )
        )
    return accounts


def accounts_of(world: World) -> list[DemoAccount]:
    """Every demo account of ``world``: staff first, then enterprise users."""
    return _staff_accounts() + _enterprise_accounts(world)
