"""Every fleet worker runs with the same OpenMP thread count (it changes whisper's arithmetic)."""

from __future__ import annotations

from daemon.fleet.worker import THREADS_ENV, pin_threads


def test_threads_default_to_one_per_worker_and_a_given_value_is_kept() -> None:
    env: dict[str, str] = {}
    assert pin_threads(env) == "1" and env == {THREADS_ENV: "1"}
    env = {THREADS_ENV: "4"}
    assert pin_threads(env) == "4" and env == {THREADS_ENV: "4"}
