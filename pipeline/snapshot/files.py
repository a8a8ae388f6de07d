"""Checksums and atomic writes: temporary file in the same folder, fsync, `os.replace`."""

from __future__ import annotations

import contextlib
import hashlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path


def sha256_file(path: str | Path) -> str:
    """Hex sha256 of a file, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_temp(path: Path, data: bytes) -> Path:
    """Write `data` to a new temporary file beside `path` (fsynced) and return its path."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(name)
        raise
    return Path(name)


def fsync_dir(directory: Path) -> None:
    """Make renames in `directory` durable (where the platform allows opening a folder)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def atomic_write_bytes(
    path: str | Path, data: bytes, validate: Callable[[Path], None] | None = None
) -> None:
    """Write `data` to `path` atomically: temporary file, fsync, `validate(temp)`, `os.replace`.

    If `validate` raises, the temporary file is removed, `path` is untouched and the error
    propagates.
    """
    target = Path(path)
    temp = write_temp(target, data)
    try:
        if validate is not None:
            validate(temp)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise
    fsync_dir(target.parent)
