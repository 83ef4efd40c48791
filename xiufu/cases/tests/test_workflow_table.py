"""Every allowed and every forbidden transition, driven from the declared table."""

from __future__ import annotations

from pathlib import Path

import pytest

from xiufu import factories as f
from xiufu.accounts.choices import Role
from xiufu.cases import workflow
from xiufu.cases.choices import CaseStatus
from xiufu.cases.guards import GUARDS
from xiufu.cases.models import Case
from xiufu.cases.transitions import run_transition
from xiufu.core.errors import Conflict, DomainError, PermissionDenied

ALL_STATES = [s.value for s in CaseStatus]
PAIRS = [(state, t.event) for state in ALL_STATES for t in workflow.TRANSITIONS]


def test_the_table_is_well_formed():
    for t in workflow.TRANSITIONS:
        assert t.roles, t.event
        assert set(t.sources) <= set(ALL_STATES), t.event
        assert t.target is None or t.target in ALL_STATES, t.event
        assert set(t.guards) <= set(GUARDS), t.event
    assert len(workflow.BY_EVENT) == len(workflow.TRANSITIONS)  # events are unique


def test_every_state_is_reachable_from_draft_and_can_reach_closed():
    edges = {(s, t.target) for t in workflow.TRANSITIONS if t.target for s in t.sources}
    reached, frontier = {"draft"}, ["draft"]
    while frontier:
        state = frontier.pop()
        for a, b in edges:
            if a == state and b not in reached:
                reached.add(b)
                frontier.append(b)
    assert reached == set(ALL_STATES)
    for state in ALL_STATES:
        seen, frontier = {state}, [state]
        while frontier:
            here = frontier.pop()
            for a, b in edges:
                if a == here and b not in seen:
                    seen.add(b)
                    frontier.append(b)
        assert "closed" in seen, state


def test_committed_diagram_matches_the_table():
    doc = Path(__file__).resolve().parents[3] / "docs" / "workflow.md"
    assert doc.read_text(encoding="utf-8") == workflow.markdown(), (
        "docs/workflow.md is stale: run `xiufu manage workflow_diagram`"
    )


@pytest.fixture
def everyone(db, enterprise_a):
    staff = f.staff(*Role.values, username="all-roles")
    applicant = f.enterprise_user(enterprise_a, username="ent-all")
    return staff, applicant


def _case_in(state: str, enterprise, creator) -> Case:
    from xiufu.rules.selectors import active_pack

    row, _ = active_pack()
    return Case.objects.create(
        number=f"T-{state}",
        enterprise=enterprise,
        channel="portal",
        applicant_type="legal_representative",
        claim="x",
        status=state,
        rule_pack=row,
        created_by=creator,
    )


def _actor_for(transition, staff, applicant):
    if transition.roles == {workflow.SYSTEM}:
        return None
    if workflow.APPLICANT in transition.roles and workflow.CLERK not in transition.roles:
        return applicant
    return staff


FORBIDDEN = [(s, e) for s, e in PAIRS if s not in workflow.transition_for(e).sources]
ALLOWED = [(s, e) for s, e in PAIRS if s in workflow.transition_for(e).sources]


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "event"), FORBIDDEN)
def test_forbidden_events_are_409_naming_state_and_allowed_events(
    state, event, everyone, enterprise_a
):
    staff, applicant = everyone
    case = _case_in(state, enterprise_a, staff)
    transition = workflow.transition_for(event)
    with pytest.raises(Conflict) as caught:
        run_transition(
            case.pk,
            event,
            actor=_actor_for(transition, staff, applicant),
            expected_version=case.version,
        )
    assert caught.value.code == "invalid_transition"
    assert caught.value.details["status"] == state
    assert caught.value.details["allowed_events"] == workflow.events_allowed(state)
    assert Case.objects.get(pk=case.pk).version == case.version


def _attempt(case, event, actor):
    """Run the event; a guard may still refuse it, but never for the state or the role."""
    try:
        return run_transition(case.pk, event, actor=actor, expected_version=case.version), None
    except DomainError as exc:
        return None, exc.code


@pytest.mark.django_db
@pytest.mark.parametrize(("state", "event"), ALLOWED)
def test_allowed_events_pass_the_state_and_role_checks(state, event, everyone, enterprise_a):
    staff, applicant = everyone
    case = _case_in(state, enterprise_a, staff)
    transition = workflow.transition_for(event)
    result, refused = _attempt(case, event, _actor_for(transition, staff, applicant))
    assert refused not in {"invalid_transition", "role_required"}
    if result is not None:
        assert result.status == transition.leads_to(state)
        assert result.version == case.version + 1


@pytest.mark.django_db
@pytest.mark.parametrize("transition", workflow.TRANSITIONS, ids=lambda t: t.event)
def test_roles_outside_the_table_are_refused(transition, enterprise_a, outsider):
    staff_roles = [r for r in Role.values if r not in transition.roles]
    if not staff_roles:
        pytest.skip("every staff role may")
    other = f.staff(*staff_roles, username="other-roles")
    case = _case_in(transition.sources[0], enterprise_a, other)
    with pytest.raises(PermissionDenied) as caught:
        run_transition(case.pk, transition.event, actor=other, expected_version=case.version)
    assert caught.value.code == "role_required"
    assert Case.objects.get(pk=case.pk).version == case.version
