"""`investin fetch` keeps the old snapshot when the fetched data would not build: the staged
files are trial-built (the build's own checks) before anything is replaced. Also a data answer
that lists one area twice is refused by the client's reader, naming the dimension and value.

Each case serves altered data from the private replay server (tests/replay_server.py) and
compares every snapshot file's checksum before and after.
"""

from __future__ import annotations

import dataclasses

import pytest

from pipeline.snapshot import FetchError
from tests.helpers import checksums
from tests.reliability.test_fetch_faults import POPULATION, assert_no_temporary_files, fetch
from tests.replay_server import NEW_11RE, with_value, without_value


def area_dimension(table) -> str:
    return table.variables[0]["code"]


def refused(catalogue, snapshot, server) -> str:
    before = checksums(snapshot)
    with pytest.raises(FetchError) as info:
        fetch(catalogue, snapshot, server)
    assert checksums(snapshot) == before, "the snapshot changed"
    assert_no_temporary_files(snapshot)
    return str(info.value)


def test_fetched_table_with_an_unknown_code_999_is_not_committed(catalogue, snapshot, px_server):
    table = px_server.table("fi", NEW_11RE)
    altered = with_value(table, area_dimension(table), "KU999", "Nowhere", like="KU091")
    px_server.replace_table("fi", NEW_11RE, altered)
    message = refused(catalogue, snapshot, px_server)
    assert POPULATION in message and "nothing was replaced" in message
    assert "unknown area code '999'" in message


def test_table_that_lost_ku005_between_metadata_and_data_is_not_committed(
    catalogue, snapshot, px_server
):
    table = px_server.table("fi", NEW_11RE)
    px_server.swap_after(
        "GET", NEW_11RE, "fi", NEW_11RE, without_value(table, area_dimension(table), "KU005")
    )
    message = refused(catalogue, snapshot, px_server)
    assert POPULATION in message and "nothing was replaced" in message
    assert "005" in message and "completeness" in message


def test_answer_listing_an_area_twice_is_refused(catalogue, snapshot, px_server):
    table = px_server.table("fi", NEW_11RE)
    repeated = dataclasses.replace(table, repeat_in_answer=(area_dimension(table), "KU091"))
    px_server.replace_table("fi", NEW_11RE, repeated)
    message = refused(catalogue, snapshot, px_server)
    assert POPULATION in message
    assert f"dimension '{area_dimension(table)}' lists the value 'KU091' twice" in message
