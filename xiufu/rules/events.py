"""Audit event types of the rules app (autodiscovered by the audit app)."""

from xiufu.audit.events import register

PACK_LOADED = register(
    "xiufu.rules.pack_loaded", "载入规则包", ("regime", "version", "sha256", "source")
)
PACK_ACTIVATED = register(
    "xiufu.rules.pack_activated", "启用规则包", ("regime", "version", "previous_version")
)
