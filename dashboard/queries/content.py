"""The ecosystem content (`content/ecosystem.yaml`, parsed by `pipeline.content`) for the pages
and the services card.

The file is a project file like `presentation.yaml`: read from the project folder (or the file
`use_content_file` names, as tests do), validated against the municipality classification the
build uses, and kept per file version (path, mtime, size) by `pipeline.content.load_content`.
"""

from __future__ import annotations

import hashlib
import os
import threading
from pathlib import Path

import pipeline
from dashboard import cache
from pipeline.content import EcosystemContent, load_content

_lock = threading.Lock()
_state: dict[str, Path | None] = {"path": None}


def use_content_file(path: str | os.PathLike | None) -> None:
    """Read the ecosystem content from `path` (None: the project's `content/ecosystem.yaml`)
    and empty the per-process caches, so page layouts are built from it again."""
    with _lock:
        _state["path"] = Path(path) if path is not None else None
    cache.invalidate()


def content_path() -> Path:
    """The content file in use."""
    return _state["path"] or pipeline.DEFAULT_CONTENT


def ecosystem() -> EcosystemContent:
    """The ecosystem content, validated (a malformed file raises `ContentError`)."""
    return load_content(content_path())


def content_digest() -> str:
    """16 hex digits of the content file's bytes (part of the services card's ETag)."""
    return hashlib.sha256(content_path().read_bytes()).hexdigest()[:16]
