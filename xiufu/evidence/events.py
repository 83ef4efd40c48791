"""Audit event types of the evidence ledger (autodiscovered by the audit app)."""

from xiufu.audit.events import register

CHECKPOINT_PUBLISHED = register(
    "xiufu.evidence.checkpoint_published",
    "发布存证检查点",
    ("size", "previous_size", "root", "timestamp_trust"),
)
