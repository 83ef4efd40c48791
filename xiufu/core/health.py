"""Readiness: the database answers and every migration is applied."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor


@dataclass
class HealthReport:
    database: bool = False
    migrations_applied: bool = False
    pending_migrations: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.database and self.migrations_applied


_migrations_confirmed = False


def check_health(*, use_cache: bool = True) -> HealthReport:
    """Check the database with a query and the migration plan.

    Once every migration has been seen applied, later checks in this process skip the plan (a
    running process cannot lose migrations), so the probe stays cheap under frequent polling.
    """
    global _migrations_confirmed
    report = HealthReport()
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        report.database = True
    except Exception as exc:
        report.problems.append(f"database unreachable: {exc.__class__.__name__}: {exc}")
        return report
    if use_cache and _migrations_confirmed:
        report.migrations_applied = True
        return report
    executor = MigrationExecutor(connection)
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    report.pending_migrations = [f"{m.app_label}.{m.name}" for m, _ in plan]
    report.migrations_applied = not plan
    if plan:
        report.problems.append(f"{len(plan)} migrations not applied")
    else:
        _migrations_confirmed = True
    return report
