"""`python -m pipeline.snapshot --rebuild-manifest`: regenerate manifest.yaml from
provenance.yaml (adding sha256 and size)."""

from __future__ import annotations

import argparse
from collections.abc import Iterable
from pathlib import Path

import pipeline
from pipeline.snapshot.manifest import MANIFEST_NAME, rebuild_manifest


def main(argv: Iterable[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline.snapshot", description=__doc__)
    parser.add_argument("--rebuild-manifest", action="store_true", help="regenerate manifest.yaml")
    parser.add_argument("--snapshot", type=Path, default=pipeline.DEFAULT_SNAPSHOT)
    args = parser.parse_args(list(argv) if argv is not None else None)
    if not args.rebuild_manifest:
        parser.print_help()
        return 2
    manifest = rebuild_manifest(args.snapshot)
    print(f"wrote {args.snapshot / MANIFEST_NAME}: {len(manifest.entries)} files")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
