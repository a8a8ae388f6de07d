"""`investin serve --prod` stops on one SIGTERM to the pid that was started: gunicorn's master
and every worker end, and the port closes (what a process manager such as systemd relies on)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import psutil

from tests.helpers import free_port, port_open, start_serving, stop_process

WORKERS = 2
STOP_S = 10  # gunicorn ends idle workers at once; its graceful timeout (30 s) is the far limit


def test_sigterm_to_the_started_pid_stops_the_master_and_every_worker(
    warehouse_path: Path, tmp_path: Path
):
    port = free_port()
    args = ["--prod", "--workers", WORKERS, "--port", port, "--warehouse", warehouse_path]
    process = start_serving(args, tmp_path / "serve.log")
    started = psutil.Process(process.pid)
    tree = [started, *started.children(recursive=True)]
    try:
        # The pid a process manager knows is gunicorn's master, not a parent that waits for it.
        assert "gunicorn" in " ".join(started.cmdline())
        assert len(tree) == 1 + WORKERS, [p.cmdline() for p in tree]
        os.kill(process.pid, signal.SIGTERM)
        process.wait(timeout=STOP_S)
        _, alive = psutil.wait_procs(tree[1:], timeout=STOP_S)
        assert alive == [], f"still running after SIGTERM: {[p.pid for p in alive]}"
        assert _group_members(process.pid) == []
        assert not port_open(port), f"127.0.0.1:{port} still accepts connections"
    finally:
        for leftover in tree:  # a failed run leaves nothing behind
            if leftover.is_running():
                leftover.kill()
        stop_process(process, timeout=5)


def _group_members(group: int) -> list[int]:
    """Pids of the processes still in the process group `group` (the server's session)."""
    deadline = time.monotonic() + STOP_S
    while True:
        members = []
        for proc in psutil.process_iter(["pid"]):
            try:
                if os.getpgid(proc.pid) == group and proc.status() != psutil.STATUS_ZOMBIE:
                    members.append(proc.pid)
            except (ProcessLookupError, psutil.NoSuchProcess):
                continue
        if not members or time.monotonic() > deadline:
            return members
        time.sleep(0.1)


def test_a_cache_that_is_not_a_redis_url_is_refused(warehouse_path: Path):
    from click.testing import CliRunner

    from pipeline.cli import main

    args = ["serve", "--prod", "--warehouse", str(warehouse_path), "--cache", "memcached://x:1"]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 2
    assert "redis://HOST:PORT/N" in result.output
