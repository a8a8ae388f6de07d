"""Old builds' download folders: the previous build's stays (a server not yet restarted after a
rebuild still serves it), older ones go."""

from __future__ import annotations

import os

from pipeline.export import complete


def test_pruning_keeps_the_current_and_the_previous_build(tmp_path):
    for age, name in enumerate(("newest", "previous", "older", "oldest")):
        folder = tmp_path / name
        folder.mkdir()
        (folder / "file.csv").write_text("x")
        stamp = 1_700_000_000 - age * 1000
        os.utime(folder, (stamp, stamp))
    complete._prune(tmp_path, keep="newest")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["newest", "previous"]
