"""The snapshot store: `data/snapshot/` files, their manifest, checks and the PxWeb refresh.

Every write is atomic (`files`). `manifest` reads and writes `manifest.yaml`; `integrity` says
whether the files are the listed ones (the build's first check); `check` is `investin check`,
which applies `integrity` and then a `trial` build; `validate` says whether a fetched file is
sound; `encode` turns fetched frames into
files; `journal` commits a fetch as one roll-forward transaction and completes an interrupted
one (the build calls `recover_interrupted_fetch` too). `fetch` (`investin fetch`, with `refresh`
for one source) is the only part that loads the HTTP client, so it is not re-exported here:
import `fetch_sources` from `pipeline.snapshot.fetch`.
"""

from pipeline.snapshot.check import check_snapshot
from pipeline.snapshot.encode import frame_to_csv, frame_to_jsonstat2
from pipeline.snapshot.errors import FetchError, SnapshotError
from pipeline.snapshot.files import atomic_write_bytes, sha256_file
from pipeline.snapshot.integrity import integrity_problems
from pipeline.snapshot.journal import recover_interrupted_fetch, remove_stale_staging
from pipeline.snapshot.manifest import (
    FETCHED,
    JOURNAL_NAME,
    MANIFEST_NAME,
    PROVENANCE_NAME,
    YAML_LOADER,
    Manifest,
    ManifestEntry,
    load_manifest,
    rebuild_manifest,
)
from pipeline.snapshot.refresh import same_updated
from pipeline.snapshot.trial import trial_build

__all__ = [
    "FETCHED",
    "JOURNAL_NAME",
    "MANIFEST_NAME",
    "PROVENANCE_NAME",
    "YAML_LOADER",
    "FetchError",
    "Manifest",
    "ManifestEntry",
    "SnapshotError",
    "atomic_write_bytes",
    "check_snapshot",
    "frame_to_csv",
    "frame_to_jsonstat2",
    "integrity_problems",
    "load_manifest",
    "rebuild_manifest",
    "recover_interrupted_fetch",
    "remove_stale_staging",
    "same_updated",
    "sha256_file",
    "trial_build",
]
