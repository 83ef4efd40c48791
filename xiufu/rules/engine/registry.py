"""The registry of shipped rule packs: ``packs/<regime>/<version>.yaml`` under xiufu/rules/."""

from __future__ import annotations

from pathlib import Path

from xiufu.rules.engine.loader import load_pack
from xiufu.rules.engine.pack import RulePack

PACKS_DIR = Path(__file__).resolve().parent.parent / "packs"


def version_key(version: str) -> tuple[int, ...]:
    """Sort key of a dotted numeric version: "2026.10" comes after "2026.9"."""
    return tuple(int(part) for part in version.split("."))


def shipped_packs(root: Path = PACKS_DIR) -> dict[tuple[str, str], Path]:
    """Every shipped pack file, keyed by (regime, version) as named by its path."""
    found: dict[tuple[str, str], Path] = {}
    if not root.is_dir():
        return found
    for regime_dir in sorted(p for p in root.iterdir() if p.is_dir()):
        for path in sorted(regime_dir.glob("*.yaml")):
            found[(regime_dir.name, path.name.removesuffix(".yaml"))] = path
    return found


def shipped_versions(regime: str, root: Path = PACKS_DIR) -> list[str]:
    """The shipped versions of one regime, newest first."""
    versions = [version for (r, version) in shipped_packs(root) if r == regime]
    return sorted(versions, key=version_key, reverse=True)


def load_shipped(regime: str, version: str, root: Path = PACKS_DIR) -> tuple[RulePack, str]:
    """A shipped pack, parsed, with its text. Raises KeyError if there is no such file."""
    path = shipped_packs(root)[(regime, version)]
    text = path.read_text(encoding="utf-8")
    return load_pack(text), text
