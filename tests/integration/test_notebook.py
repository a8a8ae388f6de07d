"""The analyst notebooks run top to bottom on a real warehouse and produce their outputs."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import duckdb
import nbformat
import pandas as pd
import pytest
from nbclient import NotebookClient

NOTEBOOKS = Path(__file__).resolve().parents[2] / "notebooks"
NOTEBOOK = NOTEBOOKS / "network_vs_university_cities.ipynb"
ECOSYSTEM = NOTEBOOKS / "02_ecosystem.ipynb"


def test_every_notebook_is_executed_here():
    assert {p.name for p in NOTEBOOKS.glob("*.ipynb")} == {NOTEBOOK.name, ECOSYSTEM.name}


def execute(path: Path, warehouse_path: Path, monkeypatch: pytest.MonkeyPatch) -> list:
    """Run the notebook at `path` on the warehouse; its code cells' outputs, none an error."""
    monkeypatch.setenv("INVESTIN_WAREHOUSE", str(warehouse_path))
    notebook = nbformat.read(path, as_version=4)
    client = NotebookClient(
        notebook,
        timeout=120,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parents[1])}},
    )
    client.kernel_manager_class = _venv_kernel(client)
    client.execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    return outputs


def test_notebook_executes(warehouse_path, monkeypatch):
    outputs = execute(NOTEBOOK, warehouse_path, monkeypatch)
    html_tables = [o for o in outputs if "text/html" in o.get("data", {})]
    assert any("University cities" in o["data"]["text/html"] for o in html_tables)
    assert any("application/vnd.plotly.v1+json" in o.get("data", {}) for o in outputs)

    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    match = re.search(r"wrote (\d+) indicators to (\S+\.csv)", printed)
    assert match, printed
    table = pd.read_csv(match[2])
    assert len(table) == int(match[1]) >= 20
    assert {"Regional towns network", "University cities", "Whole country"} <= set(table.columns)


def test_ecosystem_notebook_executes(warehouse_path, monkeypatch):
    outputs = execute(ECOSYSTEM, warehouse_path, monkeypatch)
    assert sum("application/vnd.plotly.v1+json" in o.get("data", {}) for o in outputs) == 2
    printed = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    files = dict(re.findall(r"wrote \d+ ([a-z-]+) to (\S+\.csv)", printed))
    industries = pd.read_csv(files["industries"]).set_index("section")
    dynamics = pd.read_csv(files["set-years"])
    assert len(industries) == 21  # TOL sections A-U, the unknown X left out
    with duckdb.connect(str(warehouse_path), read_only=True) as con:
        # independent oracle: the network regions' manufacturing quotient from the counts
        c_share, c_country = con.execute(
            """
            WITH r AS (SELECT DISTINCT region_code FROM core.areas WHERE is_network),
            e AS (SELECT area_code, variable, value FROM staging.industry_115i)
            SELECT
              sum(value) FILTER (variable = 'emp115i_c' AND area_code IN (SELECT * FROM r))
              / sum(value) FILTER (variable = 'emp115i_total' AND area_code IN (SELECT * FROM r)),
              sum(value) FILTER (variable = 'emp115i_c')
              / sum(value) FILTER (variable = 'emp115i_total')
            FROM e
            """
        ).fetchone()
        country_rate = dict(
            con.execute(
                "SELECT year, value FROM core.all_values "
                "WHERE indicator_id = 'startup_rate_total' AND area_code = 'SSS'"
            ).fetchall()
        )
    manufacturing = industries.loc["C Manufacturing", "Network regions"]
    assert manufacturing == pytest.approx(c_share / c_country, abs=0.005)  # rounded to 2
    country = dynamics[dynamics["set"] == "Whole country"].set_index("year")
    assert country["start-ups / 100 enterprises"].to_dict() == pytest.approx(country_rate)
    assert set(dynamics["set"]) == {"Network regions", "University-city regions", "Whole country"}


def _venv_kernel(client):
    """A kernel manager that starts this interpreter's ipykernel (the venv's)."""
    from jupyter_client.manager import KernelManager

    class VenvKernelManager(KernelManager):
        def format_kernel_cmd(self, extra_arguments=None):
            return [sys.executable, "-m", "ipykernel_launcher", "-f", self.connection_file]

    return VenvKernelManager
