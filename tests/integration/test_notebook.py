"""The analyst notebook runs top to bottom on a real warehouse and produces its outputs."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import pandas as pd
from nbclient import NotebookClient

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "network_vs_university_cities.ipynb"


def test_notebook_executes(warehouse_path, monkeypatch):
    monkeypatch.setenv("INVESTIN_WAREHOUSE", str(warehouse_path))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parents[1])}},
    )
    client.kernel_manager_class = _venv_kernel(client)
    client.execute()

    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    html_tables = [o for o in outputs if "text/html" in o.get("data", {})]
    assert any("University cities" in o["data"]["text/html"] for o in html_tables)
    assert any("application/vnd.plotly.v1+json" in o.get("data", {}) for o in outputs)

    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    match = re.search(r"wrote (\d+) indicators to (\S+\.csv)", printed)
    assert match, printed
    table = pd.read_csv(match[2])
    assert len(table) == int(match[1]) >= 20
    assert {"Regional towns network", "University cities", "Whole country"} <= set(table.columns)


def _venv_kernel(client):
    """A kernel manager that starts this interpreter's ipykernel (the venv's)."""
    from jupyter_client.manager import KernelManager

    class VenvKernelManager(KernelManager):
        def format_kernel_cmd(self, extra_arguments=None):
            return [sys.executable, "-m", "ipykernel_launcher", "-f", self.connection_file]

    return VenvKernelManager
