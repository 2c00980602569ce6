"""tools/commands.yaml and the test-audio builders (tools/build_command_set.py, build_demo_session).

The slow tests build real audio: Piper speaks the command, the wake word and the car noise are
the real recordings in ../shared/audio.
"""

from __future__ import annotations

import importlib
import itertools
import json
import re
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest

from daemon.audio import mix
from daemon.audio.wavio import read_wav

REPO = Path(__file__).resolve().parents[2]


def _tool_module(name: str) -> ModuleType:
    """Import tools/<name>.py (tools/ is a package at the repo root, not installed)."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    return importlib.import_module(f"tools.{name}")


bcs = _tool_module("build_command_set")
demo = _tool_module("build_demo_session")

SHARED = bcs.DEFAULT_SHARED
needs_shared = pytest.mark.skipif(not (SHARED / "audio" / "MANIFEST.tsv").is_file(),
                                  reason=f"shared recordings not found at {SHARED}")
needs_voice = pytest.mark.skipif(not any(bcs.VOICE_DIR.glob("*.onnx")),
                                 reason="Piper voice not fetched (cabin models fetch)")

TEMPERATURES = {16.0 + 0.5 * i for i in range(25)}


def _valid_args(tool: str, args: dict[str, Any]) -> bool:  # noqa: PLR0911 (one case per tool)
    """The vehicle registry's argument rules, per tool."""
    if tool == "set_temperature":
        return (set(args) == {"celsius", "zone"} and isinstance(args["celsius"], float)
                and args["celsius"] in TEMPERATURES
                and args["zone"] in {"driver", "passenger", "all"})
    if tool == "set_fan":
        return set(args) == {"level"} and type(args["level"]) is int and 0 <= args["level"] <= 7
    if tool == "set_ac":
        return set(args) == {"on"} and isinstance(args["on"], bool)
    if tool == "set_window":
        return (set(args) == {"window", "position_pct"}
                and args["window"] in {"driver", "passenger", "rear_left", "rear_right", "all"}
                and type(args["position_pct"]) is int and 0 <= args["position_pct"] <= 100)
    if tool == "get_vehicle_status":
        return set(args) == {"item"} and args["item"] in {"speed", "fuel", "range", "odometer",
                                                          "gear"}
    if tool == "media_control":
        return set(args) == {"action"} and args["action"] in {"play", "pause", "next", "previous"}
    if tool == "navigate_to":
        return set(args) == {"destination"} and bool(str(args["destination"]).strip())
    return _registry_accepts(tool, args)


def _registry_accepts(tool: str, args: dict[str, Any]) -> bool:
    """The other tools: whatever the vehicle registry validates (the source of truth)."""
    from vehicle_tools.errors import ToolError
    from vehicle_tools.tools import default_registry

    try:
        default_registry().validate(tool, args)
    except ToolError:
        return False
    return True


# --- commands.yaml -------------------------------------------------------------------------------

def test_commands_yaml_parses_and_every_call_is_valid() -> None:
    commands = bcs.load_commands()
    assert 25 <= len(commands) <= 40
    ids = [c.id for c in commands]
    assert len(set(ids)) == len(ids) and all(re.fullmatch(r"cmd_\d\d", i) for i in ids)
    texts = [c.text for c in commands]
    assert len(set(texts)) == len(texts)
    assert all(t == t.strip() and not re.search(r"\d", t) for t in texts)  # numbers in words
    for c in commands:
        if c.expected is not None:
            assert _valid_args(c.expected.tool, c.expected.args), (c.id, c.expected)
    # requests the car cannot do (more in tools/eval_sets/llm_cases.yaml, "unsupported")
    assert sum(c.expected is None for c in commands) >= 2
    assert {c.expected.tool for c in commands if c.expected} == {
        "set_temperature", "set_fan", "set_ac", "set_window", "get_vehicle_status",
        "media_control", "navigate_to", "set_sunroof", "call_contact"}


def test_the_reference_command_is_in_the_set() -> None:
    by_text = {c.text: c for c in bcs.load_commands()}
    cmd = by_text["set the temperature to twenty one degrees"]
    assert cmd.expected == bcs.ExpectedCall("set_temperature", {"celsius": 21.0, "zone": "all"})


def test_parse_oww_score() -> None:
    assert bcs.parse_oww_score("oww:hey_jarvis=0.98 | mww:hey_jarvis") == 0.98
    assert bcs.parse_oww_score("oww:none | mww:hey_jarvis") is None
    assert bcs.parse_oww_score("oww:alexa=0.99 | mww:none") is None
    assert bcs.parse_oww_score("") is None


def test_snr_arguments() -> None:
    assert bcs.parse_snr("20") == 20.0 and bcs.parse_snr("clean") is None
    assert [bcs.condition_name(s) for s in (20.0, 7.5, None)] == ["snr20", "snr7.5", "clean"]


@needs_shared
def test_wake_clips_are_the_well_scored_hey_jarvis_recordings() -> None:
    clips = bcs.select_wake_clips(SHARED)
    assert clips == sorted(clips) and len(clips) >= 2
    rows = bcs.read_audio_manifest(SHARED)
    for clip in clips:
        assert (SHARED / clip).is_file()
        score = bcs.parse_oww_score(rows[clip]["wakeword_model_check"])
        assert score is not None and score >= 0.9
        assert rows[clip]["transcript_or_label"] == "hey jarvis"  # not "jarvis" alone
    assert not any("heychatterbox" in c for c in clips)  # scores 0.80


@needs_shared
def test_demo_turns_come_from_the_command_set() -> None:
    turns = demo.demo_turns(bcs.load_commands(), bcs.select_wake_clips(SHARED))
    assert [t.command.expected.tool for t in turns] == [
        "set_temperature", "set_window", "get_vehicle_status"]
    assert turns[2].command.expected.args == {"item": "range"}


# --- building real audio -----------------------------------------------------------------------

def _manifest(out: Path) -> dict[str, dict[str, Any]]:
    lines = (out / "manifest.jsonl").read_text().splitlines()
    return {r["path"]: r for r in map(json.loads, lines)}


@pytest.mark.slow
@needs_shared
@needs_voice
def test_build_one_command_item(tmp_path: Path) -> None:
    commands = bcs.load_commands()
    sources = bcs.Sources(SHARED)
    cfg = bcs.BuildConfig(tmp_path, (10.0, None), seed=7)
    rows, written = bcs.build_set(commands, cfg, sources, limit=1)
    assert written == 2 and len(rows) == 2
    manifest = _manifest(tmp_path)
    assert set(manifest) == {"snr10/cmd_01.wav", "clean/cmd_01.wav"}
    row = manifest["snr10/cmd_01.wav"]
    assert row["text"] == "set the temperature to twenty one degrees"
    assert row["snr_db"] == 10.0 and row["seed"] == 7
    assert row["wake_clip"] == sources.wake_clips[0]
    assert row["wake_label"] == sources.wake_labels[row["wake_clip"]]
    assert row["wake_label"] == "hey jarvis"
    assert row["expected"] == {"tool": "set_temperature", "args": {"celsius": 21.0, "zone": "all"}}
    assert 0.9 <= row["wake_start_s"] < row["wake_end_s"] < row["command_start_s"]
    assert 0.2 <= row["command_start_s"] - row["wake_end_s"] <= 0.65
    assert row["command_end_s"] - row["command_start_s"] > 1.0
    assert row["duration_s"] - row["command_end_s"] == pytest.approx(1.5, abs=0.2)
    assert row["measured_snr_db"] == pytest.approx(10.0, abs=0.5)

    noisy = mix.to_float(read_wav(tmp_path / row["path"]).samples)
    clean = mix.to_float(read_wav(tmp_path / "clean/cmd_01.wav").samples)
    assert len(noisy) == len(clean) == round(row["duration_s"] * 16000)
    assert np.max(np.abs(noisy)) < 1.0
    cs, ce = (round(row[k] * 16000) for k in ("command_start_s", "command_end_s"))
    assert mix.active_level_dbfs(clean[cs:ce], 16000) == pytest.approx(-26.0, abs=1.5)
    assert not clean[: 14000].any()  # clean variant: digital silence before the wake word
    # The written noisy file: its leading second is noise only, about 10 dB below the speech.
    assert mix.rms_dbfs(noisy[: 14000]) == pytest.approx(row["speech_dbfs"] - 10.0, abs=2.0)
    # Measured from the files alone: the noise is what the noisy file adds to the clean one.
    snr = mix.active_level_dbfs(clean, 16000) - mix.rms_dbfs(noisy - clean)
    assert snr == pytest.approx(10.0, abs=0.5)

    # Idempotent: same inputs, nothing rewritten; another seed rebuilds.
    mtime = (tmp_path / row["path"]).stat().st_mtime_ns
    assert bcs.build_set(commands, cfg, sources, limit=1)[1] == 0
    assert (tmp_path / row["path"]).stat().st_mtime_ns == mtime
    reseeded = bcs.BuildConfig(tmp_path, (10.0,), seed=8)
    assert bcs.build_set(commands, reseeded, sources, limit=1)[1] == 1
    assert _manifest(tmp_path)["snr10/cmd_01.wav"]["seed"] == 8
    assert "clean/cmd_01.wav" in _manifest(tmp_path)  # rows of other conditions are kept


@pytest.mark.slow
@needs_shared
@needs_voice
def test_build_demo_session(tmp_path: Path) -> None:
    out = tmp_path / "demo" / "session.wav"
    sources = bcs.Sources(SHARED)
    info, written = demo.build_session(out, sources, bcs.load_commands())
    assert written and out.is_file()
    assert json.loads(out.with_suffix(".json").read_text()) == info
    audio = read_wav(out)
    assert 25.0 <= audio.seconds <= 40.0 and info["duration_s"] == pytest.approx(audio.seconds)
    assert info["measured_snr_db"] == pytest.approx(15.0, abs=0.5)
    turns = info["turns"]
    assert [t["expected"]["tool"] for t in turns] == [
        "set_temperature", "set_window", "get_vehicle_status"]
    assert turns[0]["text"] == "set the temperature to twenty one degrees"
    for prev, nxt in itertools.pairwise(turns):
        assert nxt["wake_start_s"] - prev["command_end_s"] >= 4.0
    for t in turns:
        assert t["wake_label"] == "hey jarvis"
        assert t["wake_start_s"] < t["wake_end_s"] < t["command_start_s"] < t["command_end_s"]
    assert demo.build_session(out, sources, bcs.load_commands())[1] is False
