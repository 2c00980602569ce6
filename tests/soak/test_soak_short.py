"""A short soak for CI (slow: ~4 minutes of audio through the real models and the language
model, ~2 CPU minutes): the same loop, sampling and verdict as `python -m tools.soak --hours 2`,
on a small corpus replayed twice: real car noise, real speech in car noise, a command and the
3-turn demo.

The first pass is the warm-up (``warmup_fraction=0.5``, one pass over the corpus); the second
replays the same files, so the stages meet no utterance, reply or buffer size they have not met
before and whatever the process still gains is retention. RSS may grow 10 % rather than the
2-hour run's 5 %: the measured window is 2 minutes of audio, in which one late allocation
(a to_thread worker meeting the recogniser for the first time grows its own malloc arena; the
2-hour runs show single samples 60-80 MB above their neighbours) is 4-5 % of the process on its
own. Leaks that matter show as descriptors, threads or tasks, which must not grow at all; the
2-hour run (docs/soak.md) is the RSS verdict.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from tests.conftest import SHARED_AUDIO, tool_module

pytestmark = pytest.mark.slow
RSS_MARGIN = 0.10
"""Allowed RSS growth over the second pass (see the module docstring)."""


def test_short_soak_is_flat(tmp_path: Path, command_wav_10db: Path, demo_wav: Path) -> None:
    soak = tool_module("soak")
    corpus = soak.build_corpus(tmp_path / "corpus", shared=SHARED_AUDIO.parent,
                               commands=command_wav_10db.parent.parent, demo=demo_wav,
                               barge_in=None)
    kinds = {k: [c for c in corpus if c.kind == k] for k in ("noise", "speech", "command",
                                                            "demo")}
    noise = [c for c in kinds["noise"] if c.seconds <= 60.0][:4]  # babble, car, ...
    small = noise + kinds["speech"][:6] + kinds["command"] + kinds["demo"]
    assert {c.kind for c in small} == set(kinds), "the corpus lacks a kind of audio"
    one_pass_s = sum(c.seconds for c in small)
    with soak.car_services(tmp_path / "dbus") as services:
        address, host = services if services is not None else (None, None)
        config = soak.with_dbus(soak.load_config(None), address)
        # Greedy decoding only: the shipped retry at temperature 0.5 samples with ctranslate2's
        # per-thread generators (ctranslate2.set_random_seed from Python does not reach them),
        # so a retry can hear a command differently from one run to the next; a question back
        # then opens the follow-up window and the next "hey jarvis" starts no new turn (7 wake
        # turns, not 8: seen once in a full run, once in 4 runs alone). This test is about
        # flatness, not hearing.
        config = config.model_copy(update={"asr": config.asr.model_copy(
            update={"temperatures": [0.0]})})
        settings = soak.SoakSettings(config, small, hours=(2 * one_pass_s - 0.5) / 3600.0,
                                     sample_every=2, services=host, out=tmp_path / "out",
                                     rss_margin=RSS_MARGIN, warmup_fraction=0.5)
        totals, samples, checks = asyncio.run(soak.soak_main(settings))

    failed = [f"{c.name}: {c.detail}" for c in checks if not c.passed]
    assert failed == [], failed
    assert totals.files == 2 * len(small) and totals.crashes == []
    assert totals.turns >= 2 * 4, "the wake word should have started the command and demo turns"
    assert totals.tool_calls >= 2 * 3
    # Python objects gained per type are reported (soak.md), not judged: the D-Bus backend
    # keeps every closed connection (test_dbus_leak.py, a strict xfail until it is fixed).
    assert totals.object_growth is not None
    assert (tmp_path / "out" / "soak.md").read_text().startswith("**PASSED**")
    assert len(samples) >= 2 * len(small) // 2
