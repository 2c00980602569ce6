"""A scripted fleet worker process (`ProcessEngine`'s ``serve``), no models: it answers each
file at once, except a file whose name says ``hang`` (it never answers) or ``die`` (the process
ends while replaying it). Module level: spawned processes import it by name."""

from __future__ import annotations

import os
import time
from typing import Any

from daemon.config import CabinConfig
from daemon.fleet.local import _Msg
from daemon.fleet.worker import FileOutcome
from tests.fleet.conftest import fake_log


def serve(worker: int, _config: CabinConfig, _debug: bool, tasks: Any, results: Any) -> None:
    results.put(_Msg("loaded", worker))
    while (item := tasks.get()) is not None:
        results.put(_Msg("start", worker, key=item.key))
        if "hang" in item.key:
            time.sleep(3600)
        if "die" in item.key:
            time.sleep(0.2)  # the start message leaves first
            os._exit(9)
        results.put(_Msg("done", worker, key=item.key,
                         outcome=FileOutcome(item.key, fake_log(), 1.0, 0.01)))
