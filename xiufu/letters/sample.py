"""``python -m xiufu.letters.sample``: render page 1 of each shipped template, filled with its
example data (xiufu/letters/fields.py), to PNG files under docs/letters/ — what the letters
look like, for the docs."""

from __future__ import annotations

import sys
from pathlib import Path

from xiufu.letters import render
from xiufu.letters.fields import EXAMPLE_CONTEXTS

SHIPPED = Path(__file__).resolve().parent / "shipped"


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else Path("docs/letters")
    target.mkdir(parents=True, exist_ok=True)
    for kind, context in EXAMPLE_CONTEXTS.items():
        docx = render.render_docx(
            (SHIPPED / f"{kind}.docx").read_bytes(),
            context,
            images={"qr": render.qr_png(context["letter"]["verify_url"])},
        )
        pdf = render.docx_to_pdf(docx, metadata={"creation_date": "2026-11-30T00:00:00+08:00"})
        (target / f"{kind}.png").write_bytes(render.pdf_page_png(pdf, 0, dpi=80))
        print(target / f"{kind}.png")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
