"""Audit event types of the bureau connector (autodiscovered by the audit app)."""

from xiufu.audit.events import register

MESSAGE_PARKED = register(
    "xiufu.bureau.message_parked",
    "报文多次发送失败，已暂停发送",
    ("message_id", "case", "attempts", "error"),
)
MESSAGES_RETRIED = register(
    "xiufu.bureau.messages_retried", "人工重发报文", ("case", "submission", "messages")
)
