from __future__ import annotations

import datetime as dt

from ninja import Schema
from pydantic import Field

from xiufu.core.schemas import StrictSchema


class MembershipOut(Schema):
    enterprise_id: int
    enterprise_name: str
    capacity: str
    power_of_attorney_valid_until: dt.date | None = None


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    kind: str
    roles: list[str]
    permissions: list[str]
    membership: MembershipOut | None = None


class PersonIn(StrictSchema):
    name: str = Field(min_length=1, max_length=100)
    id_type: str = "resident_id"
    id_number: str = Field(min_length=1, max_length=40)
    phone: str = Field(default="", max_length=30)


class PowerOfAttorneyIn(StrictSchema):
    valid_from: dt.date
    valid_until: dt.date
    reference: str = Field(default="", max_length=60)


class StaffUserIn(StrictSchema):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=128)
    display_name: str = Field(default="", max_length=100)
    roles: list[str] = Field(min_length=1, max_length=6)


class EnterpriseUserIn(StrictSchema):
    username: str = Field(min_length=1, max_length=150)
    password: str = Field(min_length=1, max_length=128)
    enterprise_id: int
    capacity: str
    person: PersonIn
    power_of_attorney: PowerOfAttorneyIn | None = None


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    kind: str


class RolesIn(StrictSchema):
    roles: list[str] = Field(min_length=1, max_length=6)


class PowerOfAttorneyOut(Schema):
    id: int
    reference: str
    valid_from: dt.date
    valid_until: dt.date


class TokenIn(StrictSchema):
    user_id: int
    name: str = Field(min_length=1, max_length=100)
    expires_at: dt.datetime | None = None


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    expires_at: dt.datetime | None
    key: str | None = None
