"""Reads of enterprises and persons, scoped to what the actor may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from xiufu.accounts.permissions import Perm, has_perm, require
from xiufu.audit import events
from xiufu.audit.access import AccessContext, log_access
from xiufu.audit.actions import record_event
from xiufu.core.errors import NotFound
from xiufu.enterprises.models import Enterprise, Person


def enterprises_visible_to(actor: Any) -> QuerySet[Enterprise]:
    """Staff who may view enterprises see all; an enterprise user sees only its own."""
    queryset = Enterprise.objects.select_related("legal_representative")
    if getattr(actor, "is_enterprise_user", False):
        return queryset.filter(pk=actor.enterprise_id) if actor.enterprise_id else queryset.none()
    if has_perm(actor, Perm.VIEW_ENTERPRISES):
        return queryset
    return queryset.none()


def get_enterprise(actor: Any, enterprise_id: int) -> Enterprise:
    """The enterprise, or NotFound — also when it exists but is not the actor's to see."""
    enterprise = enterprises_visible_to(actor).filter(pk=enterprise_id).first()
    if enterprise is None:
        raise NotFound(_("未找到该企业。"), what="enterprise")
    return enterprise


def search_enterprises(actor: Any, query: str) -> QuerySet[Enterprise]:
    queryset = enterprises_visible_to(actor)
    query = query.strip()
    if query:
        queryset = queryset.filter(Q(uscc__iexact=query) | Q(name__icontains=query))
    return queryset


def reveal_identifier(actor: Any, person_id: int, *, access: AccessContext) -> Person:
    """The person with the full ID number readable, for roles that need it; the read is logged."""
    require(actor, Perm.VIEW_FULL_IDENTIFIER)
    person = Person.objects.filter(pk=person_id).first()
    if person is None:
        raise NotFound(_("未找到该自然人。"), what="person")
    enterprise = Enterprise.objects.filter(legal_representative=person).first()
    log_access(access, enterprise=enterprise, content="person_identifier", object_ids=[person.pk])
    record_event(
        events.IDENTIFIER_REVEALED,
        actor=actor,
        target=person,
        payload={"person_id": person.pk, "purpose": access.purpose},
    )
    return person
