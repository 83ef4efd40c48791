"""Django's ``flush`` with the evidence log's append-only triggers lifted for its duration.

The test runner empties the database between transactional tests with ``flush``; the triggers
would (rightly) refuse it. Outside tests it is a deliberate, destructive administrator's command,
and in production it is refused unless ``--discard-evidence-log`` is given: emptying the log
breaks every receipt ever issued.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import CommandError, CommandParser
from django.core.management.commands.flush import Command as DjangoFlush
from django.db import connections

from xiufu.evidence.dbguard import guards_lifted


class Command(DjangoFlush):
    help = DjangoFlush.help + " The evidence log's append-only triggers are lifted meanwhile."

    def add_arguments(self, parser: CommandParser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--discard-evidence-log",
            action="store_true",
            help="required in production: the evidence log and every receipt are lost",
        )

    def handle(self, **options: Any) -> None:
        if settings.PRODUCTION and not options.get("discard_evidence_log"):
            raise CommandError(
                "flush would empty the append-only evidence log and void every receipt; "
                "pass --discard-evidence-log if that is really meant"
            )
        connection = connections[options["database"]]
        with guards_lifted(connection):
            super().handle(**options)
