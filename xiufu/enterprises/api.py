from __future__ import annotations

from django.http import HttpRequest
from ninja import Query, Router, Status
from ninja.pagination import PageNumberPagination, paginate

from xiufu.audit.access import AccessContext
from xiufu.audit.choices import AccessChannel
from xiufu.core.api import actor, client_ip
from xiufu.core.schemas import ErrorBody
from xiufu.enterprises import actions, selectors
from xiufu.enterprises.schemas import EnterpriseIn, EnterpriseOut, PersonIdentifierOut

router = Router(tags=["enterprises"])
ERRORS = {401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody}


@router.get("/enterprises", response=list[EnterpriseOut])
@paginate(PageNumberPagination)
def list_enterprises(request: HttpRequest, q: str = Query("", max_length=200)) -> object:
    """Enterprises the caller may see, searchable by exact USCC or part of the name."""
    return selectors.search_enterprises(actor(request), q)


@router.get("/enterprises/{enterprise_id}", response={200: EnterpriseOut, **ERRORS})
def get_enterprise(request: HttpRequest, enterprise_id: int) -> object:
    return selectors.get_enterprise(actor(request), enterprise_id)


@router.post("/enterprises", response={201: EnterpriseOut, **ERRORS})
def register_enterprise(request: HttpRequest, payload: EnterpriseIn) -> Status:
    data = payload.dict()
    enterprise = actions.do_register_enterprise(**data, actor=actor(request))
    return Status(201, enterprise)


@router.get("/people/{person_id}/identifier", response={200: PersonIdentifierOut, **ERRORS})
def reveal_identifier(
    request: HttpRequest,
    person_id: int,
    purpose: str = Query(""),
    note: str = Query("", max_length=200),
) -> object:
    """The full ID number, for roles that need it. The read is logged with its purpose."""
    access = AccessContext.build(
        actor=actor(request),
        purpose=purpose,
        purpose_note=note,
        channel=AccessChannel.API,
        ip_address=client_ip(request),
    )
    return selectors.reveal_identifier(actor(request), person_id, access=access)
