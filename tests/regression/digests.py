"""Digests that pin what the product computes and serves, so a restructuring can prove it changed
no figure: one sha256 per warehouse table (rows in a canonical order, floats to 12 significant
digits) and one per HTTP answer of a fixed set of pages and callbacks.

`python -m tests.regression.digests record` stores them in `baseline.json` beside this file;
the regression test compares a fresh build and app with it. Re-record only after a deliberate
change of figures or pages, and say why in the commit message.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from bench.server import body_for, component_props, later_parts, match_bodies, routing_body

BASELINE = Path(__file__).with_name("baseline.json")
# Columns that hold the moment or the machine of a build, not a figure.
VOLATILE = {
    ("build_info", "built_at"),
    ("build_info", "duckdb_version"),
    ("build_info", "catalogue_sha256"),
}
# ... and their traces in answers: the About page shows when the warehouse was built and the
# leading digits of the catalogue's and the manifest's checksums, which any edit of them changes.
VOLATILE_TEXT = re.compile(
    rb"\d{4}-\d{2}-\d{2} \d{2}:\d{2}|\b(?=[0-9]*[a-f])[0-9a-f]{12}(?:[0-9a-f]{52})?\b"
)
PAGES = [
    "/",
    "/town/140",
    "/town/684",
    "/town/091",
    "/town/832",
    "/town",
    "/compare",
    "/compare?areas=140,740&indicator=tertiary_share",
    "/map",
    "/data",
    "/network",
    "/about",
    "/embed/town/287",
]
LANGS = ("fi", "sv", "en")
UPDATE = "/_dash-update-component"


def _canonical(frame: pd.DataFrame) -> str:
    out = frame.copy()
    for col in out.columns:
        if pd.api.types.is_float_dtype(out[col]):
            out[col] = out[col].map(lambda v: "" if pd.isna(v) else f"{v:.12g}")
        else:
            out[col] = out[col].map(lambda v: "" if v is None or v is pd.NaT else str(v))
    out = out.sort_values(list(out.columns), kind="mergesort").reset_index(drop=True)
    return out.to_csv(index=False)


def table_digests(
    warehouse: Path,
    ignore: Iterable[tuple[str, str]] = (),
    added_rows: dict[str, str] | None = None,
) -> dict[str, dict[str, Any]]:
    """{schema.table: {rows, sha256}} for every table and view under core; `ignore` lists
    (table, column) pairs left out (columns added since the baseline was recorded);
    `added_rows` maps a table to an SQL condition on its rows that selects rows added since
    (new sources, new indicators), left out so that every other row must still match."""
    left_out = VOLATILE | set(ignore)
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        names = [
            f"{s}.{t}"
            for s, t in con.execute(
                "SELECT table_schema, table_name FROM information_schema.tables "
                "WHERE table_schema = 'core' ORDER BY 1, 2"
            ).fetchall()
        ]
        out = {}
        for name in names:
            table = name.split(".", 1)[1]
            added = (added_rows or {}).get(table)
            where = f" WHERE NOT coalesce({added}, false)" if added else ""
            frame = con.execute(f"SELECT * FROM {name}{where}").df()  # noqa: S608 - test constants
            frame = frame.drop(columns=[c for t, c in left_out if t == table], errors="ignore")
            text = _canonical(frame)
            out[name] = {"rows": len(frame), "sha256": hashlib.sha256(text.encode()).hexdigest()}
        return out
    finally:
        con.close()


def _stable_html(html: bytes) -> bytes:
    """The page HTML without what changes from run to run: asset mtimes (`?m=...` and Dash's
    fingerprinted `.v4_4_1m<mtime>.js`), which a checkout or a fresh install does not keep,
    and Dash's random `end_id`."""
    html = re.sub(rb"\?m=[0-9.]+", b"?m=", html)
    html = re.sub(rb"(\.v[0-9_]+m)[0-9.]+(\.min)?\.js", rb"\1.js", html)  # fingerprinted mtimes
    return re.sub(rb'"end_id":"[^"]*"', b'"end_id":""', html)


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _json_sha(data: bytes) -> str:
    """sha256 of a JSON answer with its keys sorted: Dash may order a component's props
    differently from one process to the next, which is not a change of content."""
    try:
        text = json.dumps(json.loads(data), sort_keys=True).encode()
    except ValueError:
        text = data
    return _sha(VOLATILE_TEXT.sub(b"", text))


def answer_digests(client, keep: Path | None = None) -> dict[str, str]:
    """{request: sha256 of the answer} for every page of PAGES in every language: the page
    HTML, its layout and each server callback whose inputs the layout holds. With `keep`, the
    answers are also written there (to diff by eye)."""
    client.get("/")
    deps = client.get("/_dash-dependencies").get_json()
    out: dict[str, str] = {}
    for page in PAGES:
        for lang in LANGS:
            path, _, query = page.partition("?")
            search = f"?{query}&lang={lang}" if query else f"?lang={lang}"
            html = client.get(path + search)
            out[f"GET {path}{search}"] = _sha(_stable_html(html.data))
            route = routing_body(deps, path, search)
            layout = client.post(UPDATE, json=route)
            out[f"layout {path}{search}"] = _json_sha(layout.data)
            _keep(keep, f"layout {path}{search}", layout.data)
            tree = layout.get_json()["response"]["_pages_content"]["children"]
            # with the parts the page fills right after, whose callbacks are pinned too
            tree = later_parts(deps, tree, lambda body: client.post(UPDATE, json=body).get_json())
            props = component_props(tree)
            for dep in deps:
                if dep.get("clientside_function") or "_pages_content" in dep["output"]:
                    continue
                for body in [body_for(dep, props), *match_bodies(dep, props)]:
                    if body is None:
                        continue
                    answer = client.post(UPDATE, json=body)
                    key = f"callback {_output_key(dep, body)} @ {path}{search}"
                    out[key] = f"{answer.status_code}:{_json_sha(answer.data)}"
                    _keep(keep, key, answer.data)
    return out


def _output_key(dep: dict, body: dict) -> str:
    """The callback's output as the key names it: a MATCH callback by the concrete id asked."""
    if "MATCH" not in dep["output"]:
        return dep["output"]
    output = body["outputs"]
    return f"{json.dumps(output['id'], sort_keys=True)}.{output['property']}"


def _keep(folder: Path | None, key: str, data: bytes) -> None:
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        name = hashlib.sha1(key.encode()).hexdigest()[:16]
        (folder / f"{name}.json").write_bytes(data)
        with open(folder / "index.tsv", "a") as index:
            index.write(f"{name}\t{key}\n")


def record(warehouse: Path, keep: Path | None = None) -> dict[str, Any]:
    from dashboard.app import create_app

    app = create_app(warehouse)
    return {
        "tables": table_digests(warehouse),
        "answers": answer_digests(app.server.test_client(), keep),
    }


if __name__ == "__main__":
    from pipeline import DEFAULT_WAREHOUSE

    if sys.argv[1:2] != ["record"]:
        sys.exit("usage: python -m tests.regression.digests record [KEEP_DIR]")
    keep_dir = Path(sys.argv[2]) if len(sys.argv) > 2 else None
    BASELINE.write_text(json.dumps(record(DEFAULT_WAREHOUSE, keep_dir), indent=1, sort_keys=True))
    print(f"wrote {BASELINE}")
