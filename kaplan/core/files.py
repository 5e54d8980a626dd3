"""Small file helpers shared by loading, the demo data set and publishing."""

from __future__ import annotations

import hashlib
import importlib.util
import os
from pathlib import Path


def cache_root() -> Path:
    """``$KAPLAN_CACHE_DIR``, else ``$XDG_CACHE_HOME/kaplan``, else ``~/.cache/kaplan``."""
    if os.environ.get("KAPLAN_CACHE_DIR"):
        return Path(os.environ["KAPLAN_CACHE_DIR"])
    if os.environ.get("XDG_CACHE_HOME"):
        return Path(os.environ["XDG_CACHE_HOME"]) / "kaplan"
    return Path.home() / ".cache" / "kaplan"


def source_hash(modules: tuple[str, ...]) -> str:
    """Hex sha256 of the source files of ``modules`` (dotted names): a code change changes it."""
    digest = hashlib.sha256()
    for name in modules:
        spec = importlib.util.find_spec(name)
        if spec is None or spec.origin is None:
            raise ModuleNotFoundError(name)
        digest.update(Path(spec.origin).read_bytes())
    return digest.hexdigest()


def sha256_file(path: Path) -> str:
    """Hex sha256 of a file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with Path(path).open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
