from xiufu.cases.tests.conftest import drive, overdue_loan  # noqa: F401
