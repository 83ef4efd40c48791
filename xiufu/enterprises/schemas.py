from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ninja import Schema
from pydantic import Field

from xiufu.accounts.schemas import PersonIn
from xiufu.core.fields import Uscc
from xiufu.core.schemas import StrictSchema


class PersonOut(Schema):
    """A person as every response shows them: the ID number masked."""

    id: int
    name: str
    id_type: str
    masked_id_number: str


class PersonIdentifierOut(Schema):
    id: int
    name: str
    id_type: str
    id_number: str


class EnterpriseOut(Schema):
    id: int
    uscc: str
    name: str
    industry: str
    region_code: str
    region_name: str
    address: str
    established_on: dt.date | None
    registered_capital: Decimal | None
    status: str
    legal_representative: PersonOut


class EnterpriseIn(StrictSchema):
    uscc: Uscc
    name: str = Field(min_length=2, max_length=200)
    industry: str = Field(min_length=1, max_length=1)
    region_code: str = Field(pattern=r"^\d{6}$")
    region_name: str = Field(min_length=1, max_length=60)
    address: str = Field(default="", max_length=200)
    established_on: dt.date | None = None
    registered_capital: Decimal | None = Field(default=None, ge=0, max_digits=16, decimal_places=2)
    legal_representative: PersonIn
