"""``python -m xiufu.bureau.sandbox``: the same as ``xiufu sandbox-bureau``."""

from xiufu.bureau.sandbox.server import main

raise SystemExit(main())
