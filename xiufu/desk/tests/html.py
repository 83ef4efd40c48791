"""Reading the desk's HTML in tests: the forms a page offers, its unlabelled fields."""

from __future__ import annotations

import re
from html.parser import HTMLParser

ACTION = re.compile(r'action="/desk/cases/\d+/([a-z_]+)/"')
UNLABELLED_TYPES = {"hidden", "submit", "button"}


def operations_on(html: str) -> set[str]:
    """The case operations the page has a form for."""
    return set(ACTION.findall(html))


class _Fields(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.label_for: set[str] = set()
        self.in_label = 0
        self.fields: list[tuple[str, bool]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        a = dict(attrs)
        if tag == "label":
            self.in_label += 1
            if a.get("for"):
                self.label_for.add(a["for"])
        elif tag in ("input", "select", "textarea"):
            if tag == "input" and a.get("type", "text") in UNLABELLED_TYPES:
                return
            wrapped = self.in_label > 0 or bool(a.get("aria-label"))
            self.fields.append((a.get("id") or a.get("name") or tag, wrapped))

    def handle_endtag(self, tag: str) -> None:
        if tag == "label":
            self.in_label -= 1


def unlabelled_fields(html: str) -> list[str]:
    parser = _Fields()
    parser.feed(html)
    return [name for name, wrapped in parser.fields if not wrapped and name not in parser.label_for]


def main_of(html: str) -> str:
    return html[html.index("<main") : html.index("</main>")]
