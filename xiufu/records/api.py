from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router

from xiufu.audit.access import AccessContext
from xiufu.audit.choices import AccessChannel
from xiufu.core.api import actor, client_ip
from xiufu.core.schemas import ErrorBody
from xiufu.records import selectors
from xiufu.records.schemas import (
    CreditRecordsOut,
    GuaranteeOut,
    LedgerRecordsOut,
    LoanOut,
    PublicRecordOut,
)

router = Router(tags=["credit records"])
ERRORS = {401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 422: ErrorBody}


def _access(request: HttpRequest, purpose: str, note: str) -> AccessContext:
    return AccessContext.build(
        actor=actor(request),
        purpose=purpose,
        purpose_note=note,
        channel=AccessChannel.API,
        ip_address=client_ip(request),
    )


@router.get(
    "/enterprises/{enterprise_id}/credit-records", response={200: CreditRecordsOut, **ERRORS}
)
def credit_records(
    request: HttpRequest,
    enterprise_id: int,
    purpose: str = Query("", description="why staff read these records; logged"),
    note: str = Query("", max_length=200),
) -> dict[str, list]:
    """Every record this institution reported about the enterprise. Staff must state a purpose;
    each read is logged."""
    access = _access(request, purpose, note)
    return {
        kind: selectors.reported_records(actor(request), enterprise_id, kind, access=access)
        for kind in selectors.RECORD_KINDS
    }


@router.get("/enterprises/{enterprise_id}/ledger", response={200: LedgerRecordsOut, **ERRORS})
def ledger(
    request: HttpRequest,
    enterprise_id: int,
    purpose: str = Query(""),
    note: str = Query("", max_length=200),
) -> dict[str, list]:
    """The source-ledger truth for the enterprise's records (staff with ledger access)."""
    access = _access(request, purpose, note)
    return {
        kind: selectors.ledger_records(actor(request), enterprise_id, kind, access=access)
        for kind in selectors.RECORD_KINDS
    }


def _detail(kind: str, schema: type) -> None:
    @router.get(
        f"/{kind.replace('_', '-')}/{{record_id}}",
        response={200: schema, **ERRORS},
        operation_id=f"get_{kind}",
        summary=f"One reported record ({kind})",
    )
    def detail(
        request: HttpRequest,
        record_id: int,
        purpose: str = Query(""),
        note: str = Query("", max_length=200),
    ) -> object:
        access = _access(request, purpose, note)
        return selectors.reported_record(actor(request), kind, record_id, access=access)


_detail("loans", LoanOut)
_detail("guarantees", GuaranteeOut)
_detail("public_records", PublicRecordOut)
