"""Memory micro-benchmarks: what one setting changes in resident memory and in speed.

Each run measures ONE configuration in a fresh process (RSS is per process), prints one JSON
line, and is meant to be compared with a run of the other setting at the same machine load:

    nice -n 10 .venv/bin/python -m tools.mem_probe llm --batch 32
    nice -n 10 .venv/bin/python -m tools.mem_probe onnx --stage tts --arena off --pattern on

``llm``: loads the daemon's router (GGUF + system prompt evaluated and cached) and answers a few
requests of tools/llm_commands.yaml: RSS after each, the cold prompt evaluation (whole prompt,
no cache) and the generation speed (tokens/s after the first token).
``onnx``: loads one onnxruntime stage with the given session options and runs it on real cabin
audio (or, for Piper, on reply sentences): RSS after load and after use, and the CPU RTF.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

from daemon.bench.memory import peak_rss_mb, rss_mb, rss_split_mb
from daemon.runtime import memory

REQUESTS = ("it's stuffy in here", "my windscreen is misted up", "when will we be there",
            "get me to the central station", "I can barely see out of the back window")
SENTENCES = ("Okay.", "I set the temperature to twenty-one degrees on the driver's side.",
             "The nearest charging station is four kilometres ahead, on the right, next to "
             "the supermarket, and it has two free fast chargers.",
             "Sorry, I can't open the windows while the car is moving that fast.",
             "You will arrive at the central station in about twelve minutes, at ten past "
             "four, if the traffic stays as it is now.")


def _heap() -> str:
    """glibc heap in use / free-but-held, MB."""
    stats = memory.heap_stats()
    return f"{stats.in_use_mb:.0f}/{stats.free_mb:.0f}" if stats else "-"


def _cpu_s() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def probe_llm(batch: int, context: int, trim: bool) -> dict[str, Any]:
    """Load the router with `batch` / `context` tokens and answer REQUESTS; figures in MB/ms."""
    import llama_cpp  # noqa: F401  # the runtime, not charged to the model

    from daemon.config import load_config
    from daemon.llm.router import Router
    from vehicle_tools.tools import default_registry

    config = load_config(Path("cabin.yaml"))
    llm = config.llm.model_copy(update={"batch_tokens": batch, "context_tokens": context})
    before = rss_mb()
    router = Router(llm, default_registry(), config.models_dir)
    router.load()
    out_heap = [_heap()]
    if trim:
        memory.trim()
    local = router.local
    assert local is not None
    out: dict[str, Any] = {"batch": batch, "context": context, "load_ms": round(local.load_ms),
                           "model_mb": round(rss_mb() - before, 1), "rss_after_answers": []}
    speeds: list[float] = []
    token_cpu: list[float] = []  # this thread's CPU s between tokens (llama.cpp runs here)
    for text in REQUESTS:
        stamps: list[float] = []
        start_cpu = time.thread_time()

        def stamp(_so_far: str, at: list[float] = stamps) -> None:
            at.append(time.thread_time())

        gen = local.generate(text, [], lambda: False, stamp)
        t = gen.timing
        token_cpu.extend(np.diff(stamps).tolist())
        if stamps:
            out.setdefault("first_token_cpu_ms", []).append(round((stamps[0] - start_cpu) * 1e3))
        if t.generated_tokens > 1:
            speeds.append((t.generated_tokens - 1) / max(t.total_ms - t.first_token_ms, 1e-3)
                          * 1000.0)
        out_heap.append(_heap())
        if trim:
            memory.trim()
        out["rss_after_answers"].append(round(rss_mb(), 1))
        out.setdefault("warm_prompt_ms", []).append(round(t.prompt_ms))
    calls = iter([False])  # not stopped before the prompt, stopped before the first token
    cpu = time.thread_time()
    cold = local.generate(REQUESTS[0], [], lambda: next(calls, True), cold=True).timing
    out.update(cold_prompt_ms=round(cold.prompt_ms),
               cold_prompt_cpu_s=round(time.thread_time() - cpu, 2),
               cold_prompt_tokens=cold.prompt_tokens, generated=len(token_cpu) + len(speeds),
               cpu_ms_per_token=round(float(np.median(token_cpu)) * 1000.0, 1),
               tokens_per_s=round(float(np.median(speeds)), 2), rss_end=round(rss_mb(), 1),
               peak=round(peak_rss_mb(), 1), split=rss_split_mb(), heap=out_heap, trim=trim)
    return out


def _audio_16k() -> np.ndarray:
    import wave

    parts = []
    for path in sorted(Path("build/commands/snr20").glob("*.wav"))[:6]:
        with wave.open(str(path)) as f:
            parts.append(np.frombuffer(f.readframes(f.getnframes()), dtype=np.int16))
    return np.concatenate(parts)


def probe_onnx(stage: str, arena: bool, pattern: bool) -> dict[str, Any]:
    """Load one onnxruntime stage with the given options; RSS and CPU RTF on real audio."""
    import onnxruntime as ort

    real = ort.SessionOptions
    # Every session the stage builds (also inside piper / openwakeword) gets these options.

    def patched() -> Any:
        options = real()
        options.enable_cpu_mem_arena = arena
        options.enable_mem_pattern = pattern
        return options

    ort.SessionOptions = patched  # measurement only: every session gets these options
    import openwakeword.model  # noqa: F401  # the runtimes, not charged to the stage
    import piper  # noqa: F401

    from daemon.config import load_config

    config = load_config(Path("cabin.yaml"))
    base = rss_mb()
    out: dict[str, Any] = {"stage": stage, "arena": arena, "pattern": pattern}
    if stage == "tts":
        from daemon.models import ModelStore, default_manifest_path, load_manifest
        from daemon.speaking.tts import PiperTts
        from daemon.stages import resolve

        store = ModelStore(config.models_dir, load_manifest(default_manifest_path()))
        tts = PiperTts(resolve(store, config.tts.voice))
        out["load_mb"] = round(rss_mb() - base, 1)
        cpu, audio_s = _cpu_s(), 0.0
        for _ in range(2):
            for sentence in SENTENCES:
                for chunk in tts.synthesize(sentence):
                    audio_s += len(chunk.samples) / chunk.rate_hz
        out["rtf_cpu"] = round((_cpu_s() - cpu) / audio_s, 4)
    else:
        obj = _wake(config) if stage == "wake" else _vad(config)
        out["load_mb"] = round(rss_mb() - base, 1)
        audio = _audio_16k()
        cpu = _cpu_s()
        for i in range(0, len(audio) - 320, 320):
            obj.process(audio[i:i + 320])
        out["rtf_cpu"] = round((_cpu_s() - cpu) / (len(audio) / 16000), 4)
    out.update(use_mb=round(rss_mb() - base, 1), peak=round(peak_rss_mb(), 1))
    return out


def _store(config: Any) -> Any:
    from daemon.models import ModelStore, default_manifest_path, load_manifest

    return ModelStore(config.models_dir, load_manifest(default_manifest_path()))


def _wake(config: Any) -> Any:
    from daemon.bench.memory import _onnx
    from daemon.hearing.wake import WakeWordDetector, WakeWordModel
    from daemon.stages import resolve

    store = _store(config)
    features = resolve(store, config.wake.features_model)
    words = [WakeWordModel(w.model, _onnx(resolve(store, w.model), w.model), w.threshold)
             for w in config.wake.words]
    return WakeWordDetector(words, features / "melspectrogram.onnx",
                            features / "embedding_model.onnx", config.wake.refractory_s)


def _vad(config: Any) -> Any:
    from daemon.bench.memory import _onnx
    from daemon.hearing.vad import SileroVad
    from daemon.stages import resolve

    return SileroVad(_onnx(resolve(_store(config), config.vad.model), config.vad.model))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="what", required=True)
    llm = sub.add_parser("llm")
    llm.add_argument("--batch", type=int, default=256)
    llm.add_argument("--context", type=int, default=4096)
    llm.add_argument("--trim", action="store_true", help="malloc_trim(0) after each step")
    onnx = sub.add_parser("onnx")
    onnx.add_argument("--stage", choices=("tts", "wake", "vad"), required=True)
    onnx.add_argument("--arena", choices=("on", "off"), default="on")
    onnx.add_argument("--pattern", choices=("on", "off"), default="on")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    if args.what == "llm":
        result = probe_llm(args.batch, args.context, args.trim)
    else:
        result = probe_onnx(args.stage, args.arena == "on", args.pattern == "on")
    result["wall_s"] = round(time.perf_counter() - started, 1)
    sys.stdout.write(json.dumps(result) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
