"""Seutu Invest In ETL: PxWeb client, snapshot store, DuckDB warehouse and exports.

Where the project's files are. Two kinds of files are read at run time:

- Code assets (SQL models and queries, locale yaml, the dashboard's JS, CSS and vendored plotly
  bundle) ship inside the packages (package data) and are found beside the modules that read
  them, in a checkout and in an installed wheel alike.
- Project files (`indicators.yaml`, `presentation.yaml`, `content/ecosystem.yaml`, `data/snapshot/`, `docs/`, and the default warehouse
  `data/warehouse.duckdb`) belong to a project folder, a checkout of the repository. The folder
  is, first match wins: `$INVESTIN_PROJECT_DIR` (what `investin --project-dir DIR` sets), the
  current directory if it holds `indicators.yaml`, the source checkout these modules run from.
  With none of them, `project_dir()` raises `ProjectNotFound` saying what to set.

`DEFAULT_CATALOGUE`, `DEFAULT_PRESENTATION`, `DEFAULT_CONTENT`, `DEFAULT_SNAPSHOT`, `DEFAULT_WAREHOUSE`, `DOCS_DIR` and `PROJECT_ROOT` are
resolved on each access (module `__getattr__`), so they follow `--project-dir`.
"""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ENV = "INVESTIN_PROJECT_DIR"
CATALOGUE_NAME = "indicators.yaml"
SOURCE_CHECKOUT = Path(__file__).resolve().parent.parent

# Project paths by attribute name, relative to the project folder.
_PROJECT_PATHS: dict[str, tuple[str, ...]] = {
    "PROJECT_ROOT": (),
    "DEFAULT_CATALOGUE": (CATALOGUE_NAME,),
    "DEFAULT_PRESENTATION": ("presentation.yaml",),
    "DEFAULT_CONTENT": ("content", "ecosystem.yaml"),
    "DEFAULT_SNAPSHOT": ("data", "snapshot"),
    "DEFAULT_WAREHOUSE": ("data", "warehouse.duckdb"),
    "DOCS_DIR": ("docs",),
}


class ProjectNotFound(FileNotFoundError):
    """No project folder (one holding indicators.yaml) was given or found."""


def _is_project(folder: Path) -> bool:
    return (folder / CATALOGUE_NAME).is_file()


def project_dir() -> Path:
    """The project folder: `$INVESTIN_PROJECT_DIR`, else the current directory if it holds
    indicators.yaml, else the source checkout; raises `ProjectNotFound` if none qualifies."""
    explicit = os.environ.get(PROJECT_ENV)
    if explicit:
        folder = Path(explicit).expanduser().resolve()
        if not _is_project(folder):
            raise ProjectNotFound(
                f"{PROJECT_ENV}={explicit}: {folder} holds no {CATALOGUE_NAME}; point it (or "
                "`investin --project-dir`) at a checkout of the Seutu Invest In repository."
            )
        return folder
    for folder in (Path.cwd(), SOURCE_CHECKOUT):
        if _is_project(folder):
            return folder.resolve()
    raise ProjectNotFound(
        f"No project folder: neither the current directory ({Path.cwd()}) nor {SOURCE_CHECKOUT} "
        f"holds {CATALOGUE_NAME}. Run `investin --project-dir DIR ...` or set {PROJECT_ENV}=DIR, "
        "DIR being a checkout of the Seutu Invest In repository (indicators.yaml, data/snapshot/, "
        "docs/), or run investin from that folder."
    )


def use_project_dir(folder: str | os.PathLike) -> Path:
    """Make `folder` the project folder for this process and the processes it starts."""
    resolved = Path(folder).expanduser().resolve()
    if not _is_project(resolved):
        raise ProjectNotFound(
            f"{resolved} holds no {CATALOGUE_NAME}: it is not a Seutu Invest In project folder."
        )
    os.environ[PROJECT_ENV] = str(resolved)
    return resolved


def project_path(*parts: str) -> Path:
    """A path inside the project folder (see `project_dir`)."""
    return project_dir().joinpath(*parts)


def __getattr__(name: str) -> Path:
    if name in _PROJECT_PATHS:
        return project_path(*_PROJECT_PATHS[name])
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
