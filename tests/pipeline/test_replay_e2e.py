"""End to end on real models: a recorded cabin command becomes a CAN frame and a spoken reply.

The input is built like the command test set: a real "hey jarvis" recording, then Piper saying
"set the temperature to twenty one degrees", mixed with the real Volvo cabin noise at 10 dB SNR.
The assertions read what went on the CAN bus (decoded with the DBC by an independent capture
bus), the event log, and the reply audio transcribed back by the recogniser.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path

import can
import pytest

from daemon.audio.wavio import read_wav
from daemon.cli import main
from daemon.config import CabinConfig, load_config
from daemon.hearing.asr import WhisperRecognizer
from daemon.runtime.replay import replay
from daemon.understanding.numbers import words_to_digits
from vehicle_tools.config import CanConfig, VehicleConfig
from vehicle_tools.dbc import decode_frame, load_dbc

pytestmark = pytest.mark.slow


def config_on(channel: str) -> CabinConfig:
    base = load_config(Path(__file__).resolve().parents[2] / "cabin.yaml")
    return base.model_copy(update={"vehicle": VehicleConfig(can=CanConfig(channel=channel))})


def climate_commands(bus: can.BusABC) -> list[dict[str, object]]:
    db = load_dbc()
    cmd = db.get_message_by_name("CLIMATE_CMD")
    decoded = []
    while (msg := bus.recv(0)) is not None:
        if msg.arbitration_id == cmd.frame_id:
            values = decode_frame(cmd, bytes(msg.data))
            assert values is not None
            decoded.append(dict(values))
    return decoded


def test_temperature_command_at_10db_reaches_the_car_and_is_confirmed(
        command_wav_10db: Path, tmp_path: Path) -> None:
    channel = f"cabin-e2e-{uuid.uuid4()}"
    capture = can.Bus(interface="virtual", channel=channel)
    events_path, reply_path = tmp_path / "events.jsonl", tmp_path / "reply.wav"
    try:
        result = asyncio.run(replay(config_on(channel), command_wav_10db,
                                    events_path=events_path, reply_wav=reply_path))
        frames = climate_commands(capture)
    finally:
        capture.shutdown()

    # On the wire: one climate command, decoded by the DBC to 21.0 degrees C.
    temps = [f["TempTarget"] for f in frames if "TempTarget" in f]
    assert temps == [21.0]

    # In the event log, in this order: wake -> transcript -> tool_call -> tool_result -> reply.
    rows = [json.loads(line) for line in events_path.read_text().splitlines()]
    types = [r["type"] for r in rows]
    order = ["wake", "speech_start", "speech_end", "transcript", "intent", "tool_call",
             "tool_result", "reply", "audio_out"]
    positions = [types.index(t) for t in order]
    assert positions == sorted(positions), types
    by_type = {r["type"]: r for r in rows}
    assert by_type["wake"]["model"] == "wake-hey-jarvis"
    assert "21" in words_to_digits(by_type["transcript"]["text"].lower())
    assert by_type["tool_call"]["name"] == "set_temperature"
    assert by_type["tool_call"]["args"]["celsius"] == 21.0
    assert by_type["tool_result"]["ok"] is True
    assert 21.0 in by_type["tool_result"]["state"].values()
    assert all(r["t_ms"] >= 0 for r in rows)
    assert [r["t_ms"] for r in rows] == sorted(r["t_ms"] for r in rows)
    assert len(result.events) == len(rows)

    # The reply, transcribed back, mentions 21.
    reply = read_wav(reply_path, expect_rate_hz=None, resample_to=16000)
    models = config_on(channel).models_dir
    asr = WhisperRecognizer(models / "whisper-tiny-en", config_on(channel).asr)
    stream = asr.stream()
    stream.accept(reply.samples)
    heard = words_to_digits(stream.finish().lower())
    assert "21" in heard, heard


def test_demo_session_three_turns(demo_wav: Path, tmp_path: Path,
                                  capsys: pytest.CaptureFixture[str]) -> None:
    """`cabin replay` on the demo session: three turns, each heard, done and answered."""
    channel = f"cabin-demo-{uuid.uuid4()}"
    cfg = tmp_path / "cabin.yaml"
    repo = Path(__file__).resolve().parents[2]
    # greedy decoding only: the shipped retry at temperature 0.5 samples (not reproducible,
    # docs/eval.md) and once turned the window command into a question back in a full run
    cfg.write_text(f"models_dir: {repo / 'models'}\nasr:\n  temperatures: [0.0]\n"
                   f"vehicle:\n  can:\n    channel: {channel}\n")
    events = tmp_path / "events.jsonl"
    assert main(["replay", str(demo_wav), "--config", str(cfg), "--events", str(events),
                 "--reply-wav", str(tmp_path / "reply.wav")]) == 0
    out = capsys.readouterr().out
    assert out.count("heard:") == 3 and out.count("said:") == 3
    rows = [json.loads(line) for line in events.read_text().splitlines()]
    calls = [(r["name"], r["args"]) for r in rows if r["type"] == "tool_call"]
    expected = json.loads(demo_wav.with_suffix(".json").read_text())["turns"]
    assert calls == [(t["expected"]["tool"], t["expected"]["args"]) for t in expected]
    assert all(r["ok"] for r in rows if r["type"] == "tool_result")


def test_realtime_replay_keeps_listening_while_the_turn_runs(command_wav_10db: Path) -> None:
    """--realtime: input paced at 1x, the turn runs as its own task while audio keeps flowing."""
    channel = f"cabin-rt-{uuid.uuid4()}"
    result = asyncio.run(replay(config_on(channel), command_wav_10db, realtime=True))
    by_type = {e.type: e for e in result.events}
    assert {"wake", "tool_call", "tool_result", "reply", "audio_out"} <= set(by_type)
    # Audio time advanced between the endpoint and the reply: listening never paused.
    assert by_type["audio_out"].t_ms > by_type["speech_end"].t_ms
    assert by_type["tool_result"].ok  # type: ignore[attr-defined]
