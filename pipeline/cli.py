"""The `investin` command line: fetch, build, check, export, serve.

Each command is a thin shell around one function of the pipeline or dashboard; the functions are
imported inside the commands so that `investin --help` stays fast.
"""

from __future__ import annotations

import os
import sys
import time
import traceback
from pathlib import Path

import click

import pipeline
from pipeline.pxweb import DEFAULT_BASE_URL


def _in_project(*parts: str):
    """A click default: `parts` inside the project folder, looked up when the command runs."""

    def default() -> Path:
        try:
            return pipeline.project_path(*parts)
        except pipeline.ProjectNotFound as exc:
            raise click.UsageError(str(exc)) from exc

    return default


def _path_option(flag: str, dest: str, parts: tuple[str, ...], help_text: str, *, folder=False):
    """A `--flag` naming a file (or, with `folder`, a folder) that defaults to `parts` inside the
    project folder (`pipeline.project_dir`)."""
    kind = click.Path(file_okay=not folder, dir_okay=folder, path_type=Path)
    shown = "/".join(("PROJECT_DIR", *parts))
    return click.option(
        flag, dest, type=kind, default=_in_project(*parts), show_default=shown, help=help_text
    )


catalogue_option = _path_option(
    "--catalogue", "catalogue_path", ("indicators.yaml",), "The indicator catalogue."
)
snapshot_option = _path_option(
    "--snapshot",
    "snapshot_dir",
    ("data", "snapshot"),
    "The snapshot folder with manifest.yaml.",
    folder=True,
)
warehouse_option = _path_option(
    "--warehouse", "warehouse_path", ("data", "warehouse.duckdb"), "The DuckDB warehouse file."
)


# --------------------------------------------------------------------------- errors

# The errors a user can cause (a malformed config file, a damaged snapshot, a failed fetch, …):
# printed as their message, which names the file, line and entry, without a traceback. Looked
# up by module so that none of these modules is imported only to be able to catch its errors:
# an exception of a class whose module is not loaded cannot have been raised.
EXPECTED_ERRORS = {
    "pipeline.catalogue.yamlfile": ("ConfigError",),  # CatalogueError, presentation.yaml
    "pipeline.build.report": ("BuildError",),
    "pipeline.build.formulas": ("FormulaError",),
    "pipeline.snapshot.errors": ("SnapshotError", "FetchError"),
    "pipeline.export": ("ExportError",),
    "pipeline.readers.common": ("ReaderError",),
    "pipeline.jsonstat": ("JsonStatError",),
    "pipeline.pxweb.errors": ("PxWebError",),
    "pipeline.sql": ("SqlError",),
}
MESSAGE_LIMIT = 4_000  # characters of an error message printed without --debug


def expected_error_types() -> tuple[type[BaseException], ...]:
    """The classes of `EXPECTED_ERRORS` whose modules are loaded."""
    found = []
    for module_name, names in EXPECTED_ERRORS.items():
        module = sys.modules.get(module_name)
        found += [getattr(module, name) for name in names if hasattr(module, name)]
    return tuple(found)


def error_message(exc: BaseException, limit: int | None = MESSAGE_LIMIT) -> str:
    """The exception's message cut to `limit` characters, then its notes (never cut: they say
    what was left as it was, e.g. "the warehouse is unchanged")."""
    text = str(exc) or type(exc).__name__
    if limit is not None and len(text) > limit:
        text = f"{text[:limit]}… ({len(text) - limit:,} more characters; --debug shows all)"
    return "\n".join([text, *getattr(exc, "__notes__", ())])


class InvestinGroup(click.Group):
    """Runs a command; an error prints its message (and, with `--debug`, the traceback) to
    stderr and exits 1 instead of ending in a raw Python traceback."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as exc:
            debug = bool(ctx.params.get("debug"))
            if debug:
                click.echo(traceback.format_exc(), err=True, nl=False)
            if isinstance(exc, expected_error_types()):
                click.echo(
                    f"Error: {error_message(exc, None if debug else MESSAGE_LIMIT)}", err=True
                )
            else:
                click.echo(
                    f"Internal error ({type(exc).__name__}): {error_message(exc)}\n"
                    + ("" if debug else "Run `investin --debug ...` for the traceback."),
                    err=True,
                )
            ctx.exit(1)


@click.group(cls=InvestinGroup)
@click.option("--debug", is_flag=True, help="On an error, also print the Python traceback.")
@click.option(
    "--project-dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    envvar=pipeline.PROJECT_ENV,
    help="The project folder (indicators.yaml, data/snapshot/, docs/). Default: the current "
    "directory if it holds indicators.yaml, else the source checkout.",
)
def main(debug: bool, project_dir: Path | None) -> None:
    """Seutu Invest In: public statistics for Finland's regional towns."""
    if project_dir is not None:
        try:
            pipeline.use_project_dir(project_dir)
        except pipeline.ProjectNotFound as exc:
            raise click.BadParameter(str(exc), param_hint="--project-dir") from exc


@main.command()
@click.option("--base-url", default=DEFAULT_BASE_URL, show_default=True, help="PxWeb API v1 base.")
@click.option("--only", "only", multiple=True, help="Fetch only this source id (repeatable).")
@catalogue_option
@snapshot_option
def fetch(base_url: str, only: tuple[str, ...], catalogue_path: Path, snapshot_dir: Path) -> None:
    """Refresh the snapshot from a PxWeb server (skips tables whose `updated` is unchanged)."""
    from pipeline.catalogue import load_catalogue
    from pipeline.snapshot import FetchError
    from pipeline.snapshot.fetch import fetch_sources

    catalogue = load_catalogue(catalogue_path)
    try:
        report = fetch_sources(
            catalogue, snapshot_dir, base_url=base_url, only=only, echo=click.echo
        )
    except FetchError as exc:
        exc.add_note("The previous snapshot is unchanged.")
        raise
    click.echo(report.summary())


content_option = _path_option(
    "--content",
    "content_path",
    ("content", "ecosystem.yaml"),
    "The ecosystem content (agreements, network, R&D&I services).",
)


@main.command()
@catalogue_option
@snapshot_option
@content_option
def check(catalogue_path: Path, snapshot_dir: Path, content_path: Path) -> None:
    """Verify manifest checksums, that every declared source is present and readable, and the
    ecosystem content (keys, municipality codes, translations, web addresses)."""
    from pipeline.catalogue import load_catalogue
    from pipeline.content import ContentError, load_content, municipalities_of
    from pipeline.snapshot import check_snapshot

    problems = check_snapshot(load_catalogue(catalogue_path), snapshot_dir)
    try:
        load_content(content_path, municipalities_of(catalogue_path, snapshot_dir))
    except (ContentError, OSError, KeyError, ValueError) as exc:
        problems.append(f"content: {exc}")
    for problem in problems:
        click.echo(f"FAIL {problem}", err=True)
    if problems:
        raise SystemExit(1)
    click.echo("snapshot OK")
    click.echo(f"content OK ({content_path.name})")


@main.command()
@catalogue_option
@snapshot_option
@warehouse_option
def build(catalogue_path: Path, snapshot_dir: Path, warehouse_path: Path) -> None:
    """Build the warehouse from the snapshot: temporary file, validate, then replace."""
    # pandera imports hypothesis when it is installed (a dev dependency that pulls in pytest and
    # trio, ~0.5 s) only to offer data-synthesis strategies the build never uses; behave as an
    # install without it. Unchanged where hypothesis is already imported (tests).
    sys.modules.setdefault("hypothesis", None)
    from pipeline.build import BuildError, build_warehouse
    from pipeline.catalogue import load_catalogue

    started = time.perf_counter()
    catalogue = load_catalogue(catalogue_path)
    try:
        report = build_warehouse(catalogue, snapshot_dir, warehouse_path)
    except BuildError as exc:
        exc.add_note(f"Build failed; {warehouse_path} is unchanged.")
        raise
    click.echo(report.summary())
    click.echo(f"built {warehouse_path} in {time.perf_counter() - started:.2f} s")


@main.command()
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["csv", "csv_excel", "xlsx", "parquet"]),
    required=True,
    help="csv_excel: the Finnish/Swedish Excel dialect (BOM, ';', decimal comma).",
)
@click.option("--indicator", "indicators", multiple=True, help="Indicator id (repeatable).")
@click.option("--area", "areas", multiple=True, help="Area code (repeatable).")
@click.option("--group", "groups", multiple=True, help="Group id or code (repeatable).")
@click.option("--from", "year_from", type=int, default=None, help="First year.")
@click.option("--to", "year_to", type=int, default=None, help="Last year.")
@click.option("--wide", is_flag=True, help="One column per indicator.")
@click.option("--lang", type=click.Choice(["fi", "sv", "en"]), default="fi", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@warehouse_option
def export(
    fmt: str,
    indicators: tuple[str, ...],
    areas: tuple[str, ...],
    groups: tuple[str, ...],
    year_from: int | None,
    year_to: int | None,
    wide: bool,
    lang: str,
    output: Path,
    warehouse_path: Path,
) -> None:
    """Export indicator values as CSV, Excel or Parquet."""
    from pipeline.export import Selection, export_file, export_notices

    selection = Selection(
        indicators=indicators,
        areas=areas,
        groups=groups,
        year_from=year_from,
        year_to=year_to,
        wide=wide,
        lang=lang,
    )
    rows = export_file(warehouse_path, selection, fmt, output)
    click.echo(f"wrote {rows} rows to {output}")
    for notice in export_notices(warehouse_path, selection):
        click.echo(notice, err=True)


@main.command()
@warehouse_option
def downloads(warehouse_path: Path) -> None:
    """Write the complete downloads (every value; csv, xlsx, parquet; fi, sv, en) of a build,
    which the dashboard's /data page serves as files. Run it after `investin build`."""
    from pipeline.export.complete import write_complete

    if not warehouse_path.exists():
        raise click.ClickException(f"{warehouse_path} does not exist: run `investin build` first.")
    write_complete(warehouse_path, echo=click.echo)


CACHE_SCHEMES = ("redis://", "rediss://", "unix://")


def _cache_url(_ctx: click.Context, _param: click.Parameter, value: str | None) -> str | None:
    if value is not None and not value.startswith(CACHE_SCHEMES):
        raise click.BadParameter(f"expected redis://HOST:PORT/N (or rediss://, unix://): {value}")
    return value


@main.command()
@click.argument("query")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "json"]),
    default="table",
    show_default=True,
)
@warehouse_option
def sql(query: str, fmt: str, warehouse_path: Path) -> None:
    """Run one read-only query on the warehouse, e.g. investin sql "SELECT * FROM core.areas".

    The tables and their columns are in docs/tables.md."""
    from pipeline.sql import render, run_query

    click.echo(render(run_query(warehouse_path, query), fmt), nl=False)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8050, show_default=True, type=int)
@click.option("--prod", is_flag=True, help="Serve with gunicorn.")
@click.option("--workers", default=2, show_default=True, type=int, help="gunicorn workers.")
@click.option(
    "--cache",
    "cache_url",
    default=None,
    callback=_cache_url,
    metavar="redis://HOST:PORT/N",
    help="Keep callback answers in this Redis, shared by every server that names it "
    "(default: in this server only).",
)
@click.option("--debug", is_flag=True, help="Dash debug mode (development only).")
@warehouse_option
def serve(
    host: str,
    port: int,
    prod: bool,
    workers: int,
    cache_url: str | None,
    debug: bool,
    warehouse_path: Path,
) -> None:
    """Serve the dashboard (read-only over the warehouse)."""
    if not warehouse_path.exists():
        raise click.ClickException(f"{warehouse_path} does not exist: run `investin build` first.")
    if prod:
        _exec_gunicorn(host, port, workers, cache_url, warehouse_path)
    from dashboard.app import create_app

    app = create_app(warehouse_path, cache_url=cache_url)
    app.run(host=host, port=port, debug=debug)


def _exec_gunicorn(
    host: str, port: int, workers: int, cache_url: str | None, warehouse_path: Path
) -> None:
    """Replace this process with the gunicorn master (`dashboard.wsgi:server`), so that the pid
    a process manager started is the master: its SIGTERM stops the workers and the master, and
    SIGHUP reloads them, as gunicorn documents. Never returns."""
    env = {**os.environ, "INVESTIN_WAREHOUSE": str(warehouse_path.resolve())}
    env.pop("INVESTIN_CACHE", None)
    if cache_url:
        env["INVESTIN_CACHE"] = cache_url
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "--workers",
        str(workers),
        "--bind",
        f"{host}:{port}",
        "--no-control-socket",  # one default path per user: servers side by side would share it
        "dashboard.wsgi:server",
    ]
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(sys.executable, command, env)


if __name__ == "__main__":
    main()
