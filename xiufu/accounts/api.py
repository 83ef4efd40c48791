from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Status

from xiufu.accounts import actions
from xiufu.accounts.permissions import permissions_of
from xiufu.accounts.schemas import (
    EnterpriseUserIn,
    MembershipOut,
    MeOut,
    PowerOfAttorneyIn,
    PowerOfAttorneyOut,
    RolesIn,
    StaffUserIn,
    TokenIn,
    TokenOut,
    UserOut,
)
from xiufu.core.api import actor
from xiufu.core.schemas import ErrorBody

router = Router(tags=["accounts"])
ERRORS = {401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 422: ErrorBody}


@router.get("/me", response=MeOut)
def me(request: HttpRequest) -> MeOut:
    user = actor(request)
    membership = None
    if user.membership is not None:
        poa = user.membership.current_power_of_attorney()
        membership = MembershipOut(
            enterprise_id=user.membership.enterprise_id,
            enterprise_name=user.membership.enterprise.name,
            capacity=user.membership.capacity,
            power_of_attorney_valid_until=poa.valid_until if poa else None,
        )
    return MeOut(
        id=user.pk,
        username=user.username,
        display_name=user.display_name,
        kind=user.kind,
        roles=sorted(user.roles),
        permissions=sorted(permissions_of(user)),
        membership=membership,
    )


@router.post("/users/staff", response={201: UserOut, **ERRORS})
def create_staff_user(request: HttpRequest, payload: StaffUserIn) -> Status:
    user = actions.do_create_staff_user(**payload.dict(), actor=actor(request))
    return Status(201, user)


@router.post("/users/enterprise", response={201: UserOut, **ERRORS})
def create_enterprise_user(request: HttpRequest, payload: EnterpriseUserIn) -> Status:
    user = actions.do_create_enterprise_user(**payload.dict(), actor=actor(request))
    return Status(201, user)


@router.put("/users/{user_id}/roles", response={200: UserOut, **ERRORS})
def set_roles(request: HttpRequest, user_id: int, payload: RolesIn) -> object:
    return actions.do_set_roles(user_id, roles=payload.roles, actor=actor(request))


@router.post("/users/{user_id}/powers-of-attorney", response={201: PowerOfAttorneyOut, **ERRORS})
def register_power_of_attorney(
    request: HttpRequest, user_id: int, payload: PowerOfAttorneyIn
) -> Status:
    poa = actions.do_register_power_of_attorney(user_id, **payload.dict(), actor=actor(request))
    return Status(201, poa)


@router.post("/tokens", response={201: TokenOut, **ERRORS})
def issue_token(request: HttpRequest, payload: TokenIn) -> Status:
    token, key = actions.do_issue_api_token(
        payload.user_id, name=payload.name, expires_at=payload.expires_at, actor=actor(request)
    )
    out = TokenOut(
        id=token.pk, name=token.name, prefix=token.prefix, expires_at=token.expires_at, key=key
    )
    return Status(201, out)


@router.delete("/tokens/{token_id}", response={204: None, **ERRORS})
def revoke_token(request: HttpRequest, token_id: int) -> Status:
    actions.do_revoke_api_token(token_id, actor=actor(request))
    return Status(204, None)
