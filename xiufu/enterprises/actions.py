"""Writes on enterprises and persons. Each action checks permission, validates, writes and audits
in one transaction."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from xiufu.accounts.permissions import Perm, require
from xiufu.audit import events
from xiufu.audit.actions import record_event
from xiufu.core.errors import Conflict, ErrorCode, InvalidInput
from xiufu.core.identifiers import IdentifierError, validate_resident_id, validate_uscc
from xiufu.enterprises.choices import IdType, Industry
from xiufu.enterprises.models import Enterprise, Person


def _checked_uscc(uscc: str) -> str:
    try:
        return validate_uscc(uscc)
    except IdentifierError as exc:
        raise InvalidInput(
            ErrorCode.INVALID_USCC, exc.message, details={"field": "uscc", "reason": exc.reason}
        ) from None


def _checked_id_number(id_type: str, id_number: str, field: str) -> str:
    if id_type not in IdType.values:
        raise InvalidInput(
            ErrorCode.INVALID_INPUT,
            _("证件类型“%(id_type)s”无效。") % {"id_type": id_type},
            details={"field": f"{field}.id_type", "choices": list(IdType.values)},
        )
    if id_type != IdType.RESIDENT_ID:
        number = id_number.strip().upper()
        if not 5 <= len(number) <= 40:
            raise InvalidInput(
                ErrorCode.INVALID_ID_NUMBER,
                _("证件号码长度应为5至40个字符。"),
                details={"field": f"{field}.id_number", "reason": "length"},
            )
        return number
    try:
        return validate_resident_id(id_number)
    except IdentifierError as exc:
        raise InvalidInput(
            ErrorCode.INVALID_ID_NUMBER,
            exc.message,
            details={"field": f"{field}.id_number", "reason": exc.reason},
        ) from None


def find_or_register_person(
    *, name: str, id_type: str, id_number: str, phone: str = "", actor: Any, field: str = "person"
) -> Person:
    """The person with this document, registering them if new. Runs inside the caller's
    transaction; a different name for a known document is refused rather than overwritten."""
    number = _checked_id_number(id_type, id_number, field)
    person = Person.objects.filter(id_type=id_type, id_number=number).first()
    if person is not None:
        if person.name != name.strip():
            raise Conflict(
                ErrorCode.CONFLICT,
                _("该证件号码已登记在另一姓名下，请核对。"),
                details={"field": f"{field}.name"},
            )
        return person
    person = Person.objects.create(
        name=name.strip(), id_type=id_type, id_number=number, phone=phone.strip()
    )
    record_event(events.PERSON_REGISTERED, actor=actor, target=person, payload={"id_type": id_type})
    return person


def do_register_enterprise(
    *,
    uscc: str,
    name: str,
    industry: str,
    region_code: str,
    region_name: str,
    legal_representative: dict[str, str],
    address: str = "",
    established_on: dt.date | None = None,
    registered_capital: Decimal | None = None,
    actor: Any,
) -> Enterprise:
    """Register an enterprise (data subject) with its legal representative."""
    require(actor, Perm.REGISTER_ENTERPRISE)
    code = _checked_uscc(uscc)
    if industry not in Industry.values:
        raise InvalidInput(
            ErrorCode.INVALID_INPUT,
            _("行业门类“%(industry)s”无效。") % {"industry": industry},
            details={"field": "industry", "choices": list(Industry.values)},
        )
    if not (len(region_code) == 6 and region_code.isdigit()):
        raise InvalidInput(
            ErrorCode.INVALID_INPUT,
            _("行政区划代码应为6位数字。"),
            details={"field": "region_code", "reason": "format"},
        )
    if Enterprise.objects.filter(uscc=code).exists():
        raise Conflict(
            ErrorCode.DUPLICATE,
            _("统一社会信用代码 %(uscc)s 已登记。") % {"uscc": code},
            details={"field": "uscc"},
        )
    try:
        with transaction.atomic():
            person = find_or_register_person(
                actor=actor, field="legal_representative", **legal_representative
            )
            enterprise = Enterprise.objects.create(
                uscc=code,
                name=name.strip(),
                industry=industry,
                region_code=region_code,
                region_name=region_name.strip(),
                address=address.strip(),
                established_on=established_on,
                registered_capital=registered_capital,
                legal_representative=person,
            )
            record_event(
                events.ENTERPRISE_REGISTERED,
                actor=actor,
                target=enterprise,
                payload={"uscc": code, "name": enterprise.name},
            )
    except IntegrityError:
        # A concurrent registration of the same USCC won the race.
        raise Conflict(
            ErrorCode.DUPLICATE,
            _("统一社会信用代码 %(uscc)s 已登记。") % {"uscc": code},
            details={"field": "uscc"},
        ) from None
    return enterprise
