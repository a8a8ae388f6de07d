"""The complete downloads of a build: every value in every format and language, as files.

"Complete" is the export of nothing selected: every indicator, every municipality and every
group except the derived peer groups, long form (`Selection(lang=...)`), in CSV, Excel and
Parquet for fi, sv and en (nine files, named `seutu-investin-all-<lang>.<format>`).

They are written once per build into `<warehouse folder>/<warehouse name>-downloads/<build id>/`
(or, where that cannot be written, under `$TMPDIR/investin-downloads/`), each atomically, by
one process at a time (an exclusive lock on the folder's `.lock`): by `investin downloads`
after a build, or in the background (`start_writer`) when the dashboard is asked for a file
that is not there yet. The build id is a digest of the warehouse's `core.build_info` and of
`EXPORT_VERSION`, so a new build or a change of the files' shape gets new files and URLs,
while a server restart does not.

Writing the Excel files of everything takes tens of seconds, which is why this is not a step
of `investin build` (kept under five seconds) and never runs inside a web request.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb

from pipeline.export.files import write_selection
from pipeline.export.selection import LANGUAGES, Selection

EXPORT_VERSION = "4"  # change when the files' rows, columns or sheets change
PREFIX = "seutu-investin-all"
URL_PREFIX = "/downloads"  # the dashboard serves them at /downloads/<build id>/<name>
LOCK = ".lock"
WRITER_LOG = ".writer.log"  # what the background writer printed
# The cheap formats first: CSV and Parquet of a language take a second or two, Excel far more.
ORDER = [(lang, fmt) for fmt in ("csv", "parquet", "xlsx") for lang in LANGUAGES]


def file_name(lang: str, fmt: str) -> str:
    return f"{PREFIX}-{lang}.{fmt}"


def url_path(build: str, lang: str, fmt: str) -> str:
    """The path at which the dashboard serves a complete file (`dashboard.downloads`)."""
    return f"{URL_PREFIX}/{build}/{file_name(lang, fmt)}"


def parse_name(name: str) -> tuple[str, str] | None:
    """(lang, format) of a complete file's name, or None for any other name."""
    for lang, fmt in ORDER:
        if name == file_name(lang, fmt):
            return lang, fmt
    return None


def build_id(con: duckdb.DuckDBPyConnection) -> str:
    """16 hex digits that change with the build (`core.build_info`) and `EXPORT_VERSION`."""
    row = con.execute("SELECT * FROM core.build_info").fetchone()
    return hashlib.sha256(repr((EXPORT_VERSION, row)).encode()).hexdigest()[:16]


def warehouse_build_id(warehouse: Path) -> str:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return build_id(con)
    finally:
        con.close()


def folders(warehouse: Path, build: str) -> list[Path]:
    """Where a build's complete files may be, in the order they are looked for: beside the
    warehouse (`data/warehouse-downloads/<build>/`), else under the temporary folder in one
    folder per warehouse path (pruning old builds never touches another warehouse's files)."""
    warehouse = Path(warehouse).resolve()
    beside = warehouse.parent / f"{warehouse.stem}-downloads" / build
    private = hashlib.sha256(str(warehouse).encode()).hexdigest()[:12]
    return [beside, Path(tempfile.gettempdir()) / "investin-downloads" / private / build]


def find(warehouse: Path, build: str, name: str) -> Path | None:
    """The complete file `name` of the build, if it has been written."""
    for folder in folders(warehouse, build):
        if (folder / name).is_file():
            return folder / name
    return None


def writable_folder(warehouse: Path, build: str) -> Path:
    """The first of `folders` that exists or can be made and written."""
    for folder in folders(warehouse, build):
        try:
            folder.mkdir(parents=True, exist_ok=True)
            if os.access(folder, os.W_OK):
                return folder
        except OSError:
            continue
    raise OSError(f"no writable folder for the complete downloads of {warehouse}")


@contextlib.contextmanager
def _locked(folder: Path) -> Iterator[bool]:
    """Hold the folder's writer lock if it is free: yields whether this process got it."""
    with open(folder / LOCK, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def is_writing(folder: Path) -> bool:
    """Whether a writer holds the folder's lock now."""
    if not folder.is_dir():
        return False
    try:
        with _locked(folder) as got:
            return not got
    except OSError:  # a folder this process cannot write: it writes nothing there either
        return False


def write_complete(
    warehouse: Path,
    first: str | None = None,
    echo: Callable[[str], None] = lambda _line: None,
) -> list[Path]:
    """Write the build's complete files that are missing (`first` before the others); return
    every complete file there is. Returns at once, writing nothing, while another process
    holds the lock."""
    warehouse = Path(warehouse)
    build = warehouse_build_id(warehouse)
    folder = writable_folder(warehouse, build)
    names = [file_name(lang, fmt) for lang, fmt in ORDER]
    if first in names:
        names.remove(first)
        names.insert(0, first)
    with _locked(folder) as got:
        if not got:
            echo(f"another process is writing {folder}")
            return [folder / n for n in names if (folder / n).exists()]
        for stale in folder.glob(f".{PREFIX}-*"):  # left by a writer that was killed
            stale.unlink(missing_ok=True)
        con = duckdb.connect(str(warehouse), read_only=True)
        try:
            for name in names:
                if (folder / name).exists():
                    continue
                lang, fmt = parse_name(name)
                started = time.perf_counter()
                rows = write_selection(con, Selection(lang=lang), fmt, folder / name)
                echo(
                    f"wrote {rows} rows to {folder / name} in {time.perf_counter() - started:.1f} s"
                )
        finally:
            con.close()
        _prune(folder.parent, keep=build)
    return [folder / n for n in names]


def _prune(root: Path, keep: str) -> None:
    """Remove the folders of older builds that no writer holds, but the newest of them: a server
    not yet restarted after a rebuild still serves the previous build's files."""
    others = [p for p in root.iterdir() if p.is_dir() and p.name != keep]
    others.sort(key=lambda p: p.stat().st_mtime, reverse=True)
    for other in others[1:]:
        if not is_writing(other):
            shutil.rmtree(other, ignore_errors=True)


# --------------------------------------------------------------------------- background writer

_started: dict[str, subprocess.Popen] = {}


def start_writer(warehouse: Path, first: str | None = None) -> None:
    """Start `python -m pipeline.export.complete` in the background (niced, in its own
    session, so a web worker neither waits for it nor takes it down), unless this process
    started one that still runs or another process holds the lock."""
    warehouse = Path(warehouse).resolve()
    running = _started.get(str(warehouse))
    if running is not None and running.poll() is None:
        return
    build = warehouse_build_id(warehouse)
    if any(is_writing(folder) for folder in folders(warehouse, build)):
        return
    command = [sys.executable, "-m", "pipeline.export.complete", str(warehouse)]
    if first:
        command += ["--first", first]
    # the log holds the latest writer's output only, so restarts cannot grow it
    with open(writable_folder(warehouse, build) / WRITER_LOG, "wb") as log:
        _started[str(warehouse)] = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
            preexec_fn=lambda: os.nice(10),  # noqa: PLW1509 - only os.nice, before exec
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write the complete downloads of a warehouse.")
    parser.add_argument("warehouse", type=Path)
    parser.add_argument("--first", help="the file to write before the others")
    args = parser.parse_args(argv)
    write_complete(args.warehouse, args.first, echo=print)


if __name__ == "__main__":
    main()
