"""The soak's verdict (tools/soak_report.judge) on made-up runs: it must catch each kind of leak
and must not cry wolf at a warm-up or a transient thread."""

from __future__ import annotations

import asyncio
from dataclasses import replace

from tests.conftest import tool_module

report = tool_module("soak_report")


def run(n: int = 40, **series: list[float]) -> list:
    """`n` samples of a flat, healthy run; `series` overrides a field sample by sample."""
    base = report.Sample(files=0, audio_s=0.0, wall_s=0.0, cpu_s=0.0, rss_mb=600.0, tasks=1,
                         fds=21, os_threads=12, py_threads=5, gc_objects=100_000,
                         channel_drops=0, reference_drops=0, turns=0, tool_calls=0,
                         error_events=0, logged_errors=0)
    samples = []
    for i in range(n):
        fields = {"files": 10 * i, "audio_s": 180.0 * i, "turns": 4 * i}
        fields |= {k: type(getattr(base, k))(v[i]) for k, v in series.items()}
        samples.append(replace(base, **fields))
    return samples


def verdict(samples: list, totals: object | None = None, realtime: bool = False) -> dict:
    totals = totals or report.Totals(files=samples[-1].files)
    checks = report.judge(totals, samples, rss_margin=0.05, warmup_fraction=0.1,
                          realtime=realtime)
    return {c.name: c.passed for c in checks}


def test_a_flat_run_passes_even_with_a_warm_up_and_a_thread_blip() -> None:
    rss = [400.0, 550.0, 590.0] + [600.0] * 37  # models and arenas grow in the warm-up
    threads = [12] * 40
    threads[30] = 13  # a GLib worker thread that exits when idle
    assert all(verdict(run(rss_mb=rss, os_threads=threads)).values())


def test_rss_growth_over_five_percent_after_the_warm_up_fails() -> None:
    rss = [600.0 + 1.0 * i for i in range(40)]  # +39 MB from sample 0; +35 MB after warm-up
    assert verdict(run(rss_mb=rss))["rss_flat"] is False
    rss = [600.0 + 0.5 * i for i in range(40)]  # +2.9 % after the warm-up
    assert verdict(run(rss_mb=rss))["rss_flat"] is True


def test_one_descriptor_per_replay_fails_and_names_the_kind() -> None:
    samples = run(fds=[21 + i for i in range(40)])
    samples[-1] = replace(samples[-1], fd_kinds={"anon_inode:[eventfd]": 45})
    samples[4] = replace(samples[4], fd_kinds={"anon_inode:[eventfd]": 6})
    checks = report.judge(report.Totals(files=400), samples, rss_margin=0.05,
                          warmup_fraction=0.1, realtime=False)
    fds = next(c for c in checks if c.name == "fds_flat")
    assert not fds.passed and "eventfd" in fds.detail


def test_leaked_threads_or_tasks_fail() -> None:
    assert verdict(run(os_threads=[12 + i // 5 for i in range(40)]))["threads_flat"] is False
    assert verdict(run(py_threads=[5 + i // 10 for i in range(40)]))["threads_flat"] is False
    totals = report.Totals(files=400, tasks_after_replay_max=1)
    assert verdict(run(), totals)["tasks_back_to_baseline"] is False
    assert verdict(run(tasks=[1] * 39 + [2]))["tasks_back_to_baseline"] is False


def test_drops_fail_only_on_a_blocking_channel_and_crashes_always_fail() -> None:
    totals = report.Totals(files=400, channel_drops=3)
    assert verdict(run(), totals)["no_channel_drops"] is False
    assert verdict(run(), totals, realtime=True)["no_channel_drops"] is True
    crashed = report.Totals(files=400, crashes=["x.wav: RuntimeError: boom"])
    assert verdict(run(), crashed)["no_crash"] is False


def test_the_warm_up_lasts_until_every_corpus_file_was_met_once() -> None:
    rss = [600.0] * 6 + [640.0] * 34  # a step at 15 % of the run, before one corpus pass ends
    samples = run(rss_mb=rss)  # 10 files per sample: one pass over 100 files ends at 25 %

    def rss_flat(files: int) -> bool:
        checks = report.judge(report.Totals(files=400), samples, rss_margin=0.05,
                              warmup_fraction=0.1, realtime=False, warmup_files=files)
        return next(c.passed for c in checks if c.name == "rss_flat")

    assert rss_flat(0) is False  # from 10 % of the run: +6.7 %
    assert rss_flat(100) is True  # from the end of the first pass: flat


def test_executor_threads_may_grow_to_their_bound_but_not_beyond() -> None:
    pool = [2] * 20 + [3] * 20  # a to_thread worker created late: bounded, not a leak
    grown = run(pool_threads=pool, os_threads=[12 + p for p in pool],
                py_threads=[3 + p for p in pool])
    assert verdict(grown)["threads_flat"] is True
    pool = [2] * 4 + [report.POOL_BOUND + 1] * 36
    beyond = run(pool_threads=pool, os_threads=[12 + p for p in pool],
                 py_threads=[3 + p for p in pool])
    assert verdict(beyond)["threads_flat"] is False


def test_the_report_shows_the_c_heap_in_use_and_held_free() -> None:
    samples = run(heap_in_use_mb=[300.0 + i for i in range(40)],
                  heap_free_mb=[150.0] * 39 + [215.0])
    text = report.markdown({"command": 4}, report.Totals(files=samples[-1].files), samples,
                           report.judge(report.Totals(files=samples[-1].files), samples,
                                        rss_margin=0.05, warmup_fraction=0.1, realtime=False))
    assert "heap in use / free MB" in text
    assert "| 339 / 215 |" in text  # the last sample: 339 MB in use, 215 MB held free


def test_a_sample_reads_this_process_heap() -> None:
    async def sample_now() -> object:  # take_sample counts asyncio tasks: inside a loop
        return report.take_sample(report.Totals(), 0.0, report.ErrorCounter())

    sample = asyncio.run(sample_now())
    assert sample.heap_in_use_mb > 0.0  # glibc: mallinfo2 (this test process uses the heap)
