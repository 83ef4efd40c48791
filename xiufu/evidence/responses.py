"""HTTP responses for evidence files: a receipt or a checkpoint as a download."""

from __future__ import annotations

from django.http import HttpResponse

from xiufu.evidence.receipt import CheckpointFile, Receipt


def receipt_response(receipt: Receipt, sha256: str) -> HttpResponse:
    """The receipt as a JSON download named after the file's hash."""
    response = HttpResponse(receipt.to_json(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="receipt-{sha256[:16]}.json"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def checkpoint_response(checkpoint: CheckpointFile, size: int) -> HttpResponse:
    response = HttpResponse(checkpoint.to_json(), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="checkpoint-{size}.json"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
