"""What the evidence ledger adds to a received material: the signed-PDF check, and the flag for
the same file appearing in cases of unrelated enterprises (recycled evidence)."""

from __future__ import annotations

import logging
from typing import Any

from xiufu.evidence.keys import pdf_trust_roots
from xiufu.evidence.pdfsig import PdfSignatureReport, check_pdf_signatures

logger = logging.getLogger("xiufu.evidence")

PDF = "application/pdf"


def check_material_signatures(upload: Any, media_type: str) -> PdfSignatureReport | None:
    """pyHanko's verdict on a PDF's signatures; ``None`` for other media types. Never raises:
    the check informs the investigator and never blocks an upload."""
    if media_type != PDF:
        return None
    try:
        upload.seek(0)
        return check_pdf_signatures(upload, trust_roots_pem=pdf_trust_roots())
    except Exception:  # pragma: no cover - pdfsig already turns bad PDFs into a status
        logger.exception("signature check failed")
        return None
    finally:
        upload.seek(0)
