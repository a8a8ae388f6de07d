"""The dashboard's partial plotly.js bundle (a third of the full one, so the first figure
comes sooner) matches the plotly Python package."""

from __future__ import annotations

import re
from pathlib import Path

from plotly.offline import get_plotlyjs_version

VENDOR = Path(__file__).resolve().parents[2] / "dashboard" / "assets" / "vendor"
PRELOAD = VENDOR.parent / "plotly_preload.js"


def test_bundle_is_the_plotly_python_version():
    version = get_plotlyjs_version()
    bundle = VENDOR / f"plotly-{version}-investin.min.js"
    assert bundle.exists(), f"rebuild {bundle.name} (see {VENDOR / 'plotly-entry.js'})"
    assert f'version="{version}"' in bundle.read_text(encoding="utf-8")
    assert f'"plotly-{version}-investin.min.js"' in PRELOAD.read_text(encoding="utf-8")


def test_bundle_has_every_trace_type_the_figures_use():
    package = VENDOR.parents[1]
    source = "\n".join(path.read_text(encoding="utf-8") for path in package.rglob("*.py"))
    used = {name.lower() for name in re.findall(r"go\.([A-Z][a-z]+)\(", source)} - {"figure"}
    entry = (VENDOR / "plotly-entry.js").read_text(encoding="utf-8")
    registered = set(re.findall(r'require\("plotly\.js/lib/(\w+)"\)', entry)) | {"scatter"}
    assert used <= registered
