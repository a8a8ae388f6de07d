"""What the snapshot store raises."""

from __future__ import annotations


class SnapshotError(ValueError):
    """The manifest or a snapshot file is malformed; the message names the file."""


class FetchError(RuntimeError):
    """A refresh failed; the message names the source, the table and the cause."""

    def __init__(self, source_id: str, table: str, cause: str) -> None:
        super().__init__(f"source {source_id!r} (table {table}): {cause}")
        self.source_id = source_id
        self.table = table
        self.cause = cause
