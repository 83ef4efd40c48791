"""内部审批与复核: the approver of a correction is never its investigator or proposer."""

from __future__ import annotations

import pytest

from xiufu import factories as f
from xiufu.accounts.choices import Role
from xiufu.cases.tests.driver import Cast, Driver
from xiufu.core.errors import PermissionDenied
from xiufu.records.models import LoanRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def both_hats(db):
    """A member of staff who is both investigator and approver."""
    return f.staff(Role.INVESTIGATOR, Role.APPROVER, username="both")


def _proposed(cast, loan):
    d = Driver.open(cast, [("loans", loan, "overdue_wrong")])
    d.to_accepted()
    d.investigate()
    d.find_all("error_confirmed")
    item = d.case.items.get()
    d.propose(
        [
            {
                "item_id": item.pk,
                "action": "correct",
                "changes": [{"field": "overdue_days", "new": 0}],
            }
        ]
    )
    return d


def test_the_investigator_cannot_approve_their_own_proposal(cast, both_hats, overdue_loan):
    cast = Cast(cast.applicant, cast.clerk, both_hats, cast.approver, cast.reporter)
    d = _proposed(cast, overdue_loan)
    with pytest.raises(PermissionDenied) as caught:
        d.approve(by=both_hats)
    assert caught.value.code == "maker_checker"
    assert d.case.status == "correction_proposed"
    # a different approver may
    assert d.approve().status == "correction_approved"


def test_an_approver_may_return_with_reasons(cast, overdue_loan):
    from xiufu.cases import actions

    d = _proposed(cast, overdue_loan)
    case = actions.do_return_correction(
        d.case_id, reason="五级分类也须更正", expected_version=d.v, actor=d.cast.approver
    )
    assert case.status == "under_investigation"
    assert case.items.get().proposals.get().decision == "returned"


def test_an_approval_changes_nothing_on_the_report_yet(cast, overdue_loan):
    d = _proposed(cast, overdue_loan)
    d.approve()
    assert LoanRecord.objects.get(pk=overdue_loan.pk).overdue_days == 35


def test_a_clerk_cannot_approve(cast, overdue_loan):
    d = _proposed(cast, overdue_loan)
    with pytest.raises(PermissionDenied) as caught:
        d.approve(by=cast.clerk)
    assert caught.value.code == "role_required"
