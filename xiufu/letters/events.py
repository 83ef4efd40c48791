"""Audit event types of the letters app (autodiscovered by the audit app)."""

from xiufu.audit.events import register

LETTER_ISSUED = register(
    "xiufu.letter.issued",
    "出具文书",
    ("case", "kind", "number", "template_version", "pdf_sha256", "docx_sha256"),
)
TEMPLATE_UPLOADED = register(
    "xiufu.letter.template_uploaded", "上传文书模板", ("kind", "version", "sha256", "fields")
)
TEMPLATE_ACTIVATED = register(
    "xiufu.letter.template_activated", "启用文书模板", ("kind", "version", "previous_version")
)
