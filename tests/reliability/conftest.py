"""Fixtures for the reliability tests: a private PxWeb replay server whose tables a test may
swap between requests, snapshot copies and checksum helpers."""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import unquote

import pytest

from tests.helpers import checksums
from tests.replay_server import ReplayServer, Table


class SwappableReplay(ReplayServer):
    """A replay server with its own table dict; `swap_after` changes a table once a matching
    request has been answered (metadata that change between the metadata and data requests)."""

    def __init__(self) -> None:
        super().__init__()
        self._server.tables = dict(self._server.tables)
        self._hooks: list[list] = []
        original = self._server.dispatch

        def dispatch(handler, method, url, body, arrived):
            result = original(handler, method, url, body, arrived)
            path = unquote(url.path)
            for hook in self._hooks:
                hook_method, suffix, action, remaining = hook
                if remaining and method == hook_method and path.endswith(suffix):
                    hook[3] -= 1
                    action()
            return result

        self._server.dispatch = dispatch

    def table(self, lang: str, path: str) -> Table:
        return self._server.tables[(lang, path)]

    def replace_table(self, lang: str, path: str, table: Table) -> None:
        with self._server.lock:
            self._server.tables[(lang, path)] = table

    def swap_after(self, method: str, suffix: str, lang: str, path: str, table: Table) -> None:
        """After the next `method` request whose path ends with `suffix`, serve `table`."""
        self._hooks.append([method, suffix, lambda: self.replace_table(lang, path, table), 1])


def variant(table: Table, **changes) -> Table:
    """A deep copy of `table` with `changes` applied (dataclasses.replace)."""
    return dataclasses.replace(copy.deepcopy(table), **changes)


@pytest.fixture
def px_server() -> Iterator[SwappableReplay]:
    server = SwappableReplay().start()
    server.set_limits(window_s=0.3)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def snapshot_sums() -> Callable[[Path], dict[str, str]]:
    return checksums
