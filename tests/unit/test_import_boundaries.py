"""A build never loads the HTTP stack: only `pipeline.pxweb.client` (and the fetch that uses it)
imports requests and urllib3."""

from __future__ import annotations

import subprocess
import sys
from importlib.util import find_spec

import pytest

from pipeline import PROJECT_ROOT

HTTP_MODULES = ("requests", "urllib3")
BUILD_SIDE = [
    "pipeline.pxweb",
    "pipeline.pxweb.split",
    "pipeline.readers",
    "pipeline.catalogue",
    "pipeline.snapshot",
    *(name for name in ("pipeline.build", "pipeline.warehouse") if find_spec(name)),
]


def _loaded_after_import(module: str) -> list[str]:
    """The HTTP modules in `sys.modules` of a fresh interpreter after `import module`."""
    code = f"import sys, {module}; print(','.join(m for m in {HTTP_MODULES!r} if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=PROJECT_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    return [name for name in done.stdout.strip().split(",") if name]


@pytest.mark.parametrize("module", BUILD_SIDE)
def test_build_side_modules_do_not_import_http(module: str) -> None:
    assert _loaded_after_import(module) == []


def test_the_client_does_import_http() -> None:
    """The check above can fail: the client module does load both."""
    assert _loaded_after_import("pipeline.pxweb.client") == list(HTTP_MODULES)
