from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from xiufu.cases.workflow import markdown

DOC = Path(settings.BASE_DIR) / "docs" / "workflow.md"


class Command(BaseCommand):
    help = "Write docs/workflow.md (Mermaid diagram and table) from the declared workflow."

    def handle(self, *args: Any, **options: Any) -> None:
        DOC.write_text(markdown(), encoding="utf-8")
        self.stdout.write(f"wrote {DOC}")
