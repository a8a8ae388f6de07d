"""`investin check` and `investin build` apply one set of checks: on each damaged snapshot both
fail, with the same problems, naming what is wrong; on the bundled snapshot both pass (the
latter is tests/unit/test_snapshot.py's first test and the session warehouse)."""

from __future__ import annotations

import pytest

from pipeline.build import BuildError, build_warehouse
from pipeline.snapshot import check_snapshot
from tests.reliability.damage import DAMAGE


@pytest.mark.parametrize("case", sorted(DAMAGE))
def test_check_and_build_reject_the_same_snapshots(catalogue, snapshot, tmp_path, case):
    damage, named = DAMAGE[case]
    damage(snapshot)
    with pytest.raises(BuildError) as info:
        build_warehouse(catalogue, snapshot, tmp_path / "warehouse.duckdb")
    build_report = str(info.value)
    problems = check_snapshot(catalogue, snapshot)
    assert problems, f"check passed a snapshot the build rejects: {build_report}"
    assert named in build_report
    for problem in problems:
        assert problem in build_report
        assert len(problem) <= 1_100
    assert any(named in problem for problem in problems)
