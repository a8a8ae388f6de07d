"""The docs against the code: the CLI they name, the catalogue keys they show, the paths they cite.

- Every `investin [--group-option] <command> [--option ...]` in README.md and docs/*.md (code
  blocks and inline code) names a command of the click group and options it has (click's
  introspection); every command is documented in README.md.
- Every key of the example catalogue in docs/architecture.md's `indicators.yaml` section is one
  the loader accepts at that place. The allowed keys are read from the loader itself: a probe
  key is put at the same place in the real indicators.yaml and the loader's refusal lists them.
- Docs and code cite only the repository (no paths into a folder beside the checkout).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click
import pytest
import yaml

from pipeline.catalogue import load_catalogue
from pipeline.cli import main as cli

ROOT = Path(__file__).resolve().parents[2]
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
ARCHITECTURE = ROOT / "docs" / "architecture.md"
CATALOGUE_SECTION = "## indicators.yaml"
PROBE = "zz_probe_key"

FENCE = re.compile(r"^```[^\n]*\n(.*?)^```", re.S | re.M)
INLINE = re.compile(r"`([^`\n]+)`")
INVOCATION = re.compile(r"(?<![\w./-])investin(?![\w-])(.*)")
ALLOWED = re.compile(r"\(allowed: ([^)]*)\)")


# --------------------------------------------------------------------------- the CLI


def _code_fragments(text: str) -> Iterator[str]:
    """Shell lines of fenced blocks (continuations joined, comments dropped), then inline code."""
    for block in FENCE.findall(text):
        for line in block.replace("\\\n", " ").splitlines():
            yield line.split(" #", 1)[0]
    yield from INLINE.findall(FENCE.sub("", text))


def invocations(text: str) -> list[list[str]]:
    """The words after each `investin` in the code of a markdown text."""
    found = []
    for fragment in _code_fragments(text):
        for match in INVOCATION.finditer(fragment):
            words = re.split(r"[\s\[\]|]+", match.group(1))
            found.append([word for word in words if word and word != "..."])
    return found


def _option_names(command: click.Command) -> dict[str, click.Option]:
    return {
        name: param
        for param in command.params
        if isinstance(param, click.Option)
        for name in (*param.opts, *param.secondary_opts)
    }


def split_invocation(words: list[str]) -> tuple[list[str], str | None, list[str]]:
    """(options of the group, command name or None, the command's words) of an invocation."""
    group_options = _option_names(cli)
    rest, before = list(words), []
    while rest and rest[0].startswith("-"):
        word = rest.pop(0)
        before.append(word)
        option = group_options.get(word.split("=", 1)[0])
        if option is not None and not option.is_flag and "=" not in word and rest:
            rest.pop(0)
    if not rest or not re.fullmatch(r"[a-z][a-z-]*", rest[0]):
        return before, None, rest  # the program named alone, e.g. "the `investin` command line"
    return before, rest[0], rest[1:]


def check_invocation(words: list[str]) -> list[str]:
    """Problems of one documented invocation (empty if the CLI has all it names)."""
    shown = "investin " + " ".join(words)
    before, name, args = split_invocation(words)
    group_options = _option_names(cli)
    problems = [
        f"{shown}: investin has no option {word!r}"
        for word in before
        if word.split("=", 1)[0] not in group_options
    ]
    if name is None:
        return problems
    command = cli.get_command(click.Context(cli), name)
    if command is None:
        return [*problems, f"{shown}: no command {name!r}"]
    known = {**group_options, **_option_names(command)}
    return problems + [
        f"{shown}: {name} has no option {arg.split('=', 1)[0]!r}"
        for arg in args
        if arg.startswith("-") and arg.split("=", 1)[0] not in known
    ]


@pytest.mark.parametrize("doc", DOCS, ids=lambda path: path.name)
def test_every_documented_investin_command_and_option_exists(doc: Path):
    problems = [
        problem
        for words in invocations(doc.read_text(encoding="utf-8"))
        for problem in check_invocation(words)
    ]
    assert problems == []


def test_the_readme_documents_every_command():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = {split_invocation(words)[1] for words in invocations(readme)}
    assert set(cli.list_commands(click.Context(cli))) - named == set()


def test_the_invocation_check_catches_a_wrong_command_and_option():
    """The checker itself: a misspelt command or option is reported, a right one is not."""
    assert check_invocation(["biuld"]) != []
    assert check_invocation(["build", "--warehous", "W"]) != []
    assert check_invocation(["--project", "DIR", "build"]) != []
    assert check_invocation(["--project-dir", "DIR", "serve", "--port", "8050"]) == []
    assert invocations("```sh\ninvestin export --wide \\\n   --lang fi  # x --nope\n```") == [
        ["export", "--wide", "--lang", "fi"]
    ]


# --------------------------------------------------------------------------- catalogue keys


def _section(text: str, heading: str) -> str:
    start = text.index(heading)
    end = text.find("\n## ", start + len(heading))
    return text[start : end if end >= 0 else None]


def _documented_catalogue() -> tuple[dict[str, Any], list[str]]:
    """The example yaml of the architecture page's catalogue section and its top-level keys."""
    section = _section(ARCHITECTURE.read_text(encoding="utf-8"), CATALOGUE_SECTION)
    example = yaml.safe_load(FENCE.search(section).group(1))
    sentence = re.search(r"Top-level keys:([^.]*)\.", section).group(1)
    return example, INLINE.findall(sentence)


def _mappings(node: Any, path: tuple = ()) -> Iterator[tuple[tuple, dict[str, Any]]]:
    """Every mapping in a yaml document with its path (`*` for a list position)."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from _mappings(value, (*path, key))
    elif isinstance(node, list):
        for item in node:
            yield from _mappings(item, (*path, "*"))


def _real_places(node: Any, path: tuple, real_path: tuple = ()) -> Iterator[tuple]:
    """The concrete paths in the real catalogue that `path` (with `*`) reaches."""
    if not path:
        if isinstance(node, dict):
            yield real_path
        return
    step, rest = path[0], path[1:]
    if step == "*" and isinstance(node, list):
        for i, item in enumerate(node):
            yield from _real_places(item, rest, (*real_path, i))
    elif isinstance(node, dict) and step in node:
        yield from _real_places(node[step], rest, (*real_path, step))


@pytest.fixture(scope="module")
def real_catalogue() -> dict[str, Any]:
    import pipeline

    return yaml.safe_load(pipeline.DEFAULT_CATALOGUE.read_text(encoding="utf-8"))


def allowed_keys(real: dict[str, Any], place: tuple, tmp: Path) -> set[str] | None:
    """The keys the loader accepts at `place` of the real catalogue (None: a mapping of data,
    such as a selection or a label, whose keys are not names of the catalogue model)."""
    probed = copy.deepcopy(real)
    node = probed
    for step in place:
        node = node[step]
    node[PROBE] = "x"
    file = tmp / f"probe-{abs(hash(place))}.yaml"
    file.write_text(yaml.safe_dump(probed, allow_unicode=True, sort_keys=False), "utf-8")
    try:
        load_catalogue(file)
    except ValueError as refusal:  # CatalogueError
        message = str(refusal)
        match = ALLOWED.search(message) if PROBE in message else None
        return {key.strip() for key in match.group(1).split(",")} if match else None
    return None


def test_every_catalogue_key_in_the_architecture_page_exists(real_catalogue, tmp_path: Path):
    example, top_keys = _documented_catalogue()
    assert len(example) >= 5 and top_keys, "the catalogue example was not found"
    problems, checked = [], 0
    for path, mapping in [((), {key: None for key in top_keys}), *_mappings(example)]:
        places = sorted(
            _real_places(real_catalogue, path),
            key=lambda place, keys=set(mapping): -len(keys & set(_at(real_catalogue, place))),
        )
        if not places:
            problems.append(f"{'.'.join(map(str, path))}: no such place in indicators.yaml")
            continue
        allowed = allowed_keys(real_catalogue, places[0], tmp_path)
        if allowed is None:
            continue
        checked += 1
        unknown = sorted(set(mapping) - allowed - {"..."})
        if unknown:
            problems.append(
                f"{'.'.join(map(str, path)) or 'top level'}: {unknown} not in {allowed}"
            )
    assert problems == []
    assert checked >= 8, "too few catalogue entries were checked"


def _at(node: Any, place: tuple) -> Any:
    for step in place:
        node = node[step]
    return node


def test_the_key_probe_catches_an_unknown_key(real_catalogue, tmp_path: Path):
    allowed = allowed_keys(real_catalogue, ("indicators", 0), tmp_path)
    assert allowed and "formula" in allowed and "formulae" not in allowed
    assert allowed_keys(real_catalogue, ("themes", 0, "label"), tmp_path) is None


# --------------------------------------------------------------------------- cited paths


SHARED_PATH = re.compile(r"(\.\./|/work/)shared/")
TEXT_SUFFIXES = {".md", ".py", ".yaml", ".yml", ".toml", ".sql", ".js", ".css", ".cfg", ".txt"}


def _repository_texts() -> Iterator[Path]:
    for path in sorted(ROOT.rglob("*")):
        parts = path.relative_to(ROOT).parts
        skipped = any(part.startswith(".") or part in ("build", "__pycache__") for part in parts)
        if path.suffix in TEXT_SUFFIXES and path.is_file() and not skipped:
            yield path


def test_the_docs_and_code_cite_only_the_repository():
    """No path into a folder beside the repository (a fresh clone has none)."""
    cited = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in _repository_texts()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SHARED_PATH.search(line)
    ]
    assert cited == []
