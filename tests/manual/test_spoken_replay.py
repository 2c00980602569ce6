"""Spoken questions answered from the manual end to end, through `cabin replay` (issue 22).

The session: a real "hey jarvis" recording, then a question spoken by Piper, four times, in
real car-interior noise at 15 dB SNR (daemon/eval/manual_spoken.py, like the demo session).
The replay runs the real models against the simulated car on a private virtual CAN channel,
which an independent bus listens to. Every question is answered from its section, spoken,
and nothing reaches the car: no tool call, no frame.
"""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path

import can
import pytest

from daemon.eval.manual_spoken import build_session
from daemon.runtime.replay import replay
from tests.conftest import SHARED_AUDIO, shipped_config_greedy
from vehicle_tools.config import CanConfig, VehicleConfig
from vehicle_tools.dbc import load_dbc

pytestmark = pytest.mark.slow

QUESTIONS = {
    "how do I pair my phone with the car?": "phone-pairing",
    "what does the orange engine light on the dashboard mean?": "light-engine",
    "how do I turn on the child safety locks?": "child-locks",
    "what should my tyre pressure be?": "tyre-pressures",
}


def test_spoken_questions_are_answered_from_the_manual_and_move_nothing(
        tmp_path: Path) -> None:
    if not (SHARED_AUDIO / "MANIFEST.tsv").is_file():
        pytest.skip(f"the shared recordings are not at {SHARED_AUDIO}")
    wav = build_session(tmp_path / "session.wav", list(QUESTIONS), SHARED_AUDIO.parent)
    channel = f"cabin-manual-e2e-{uuid.uuid4()}"
    base = shipped_config_greedy()
    config = base.model_copy(update={
        "vehicle": VehicleConfig(can=CanConfig(channel=channel)),
        "llm": base.llm.model_copy(update={"enabled": False})})
    capture = can.Bus(interface="virtual", channel=channel)
    events = tmp_path / "events.jsonl"
    try:
        asyncio.run(replay(config, wav, events_path=events, reply_wav=tmp_path / "reply.wav"))
        frames = []
        while (msg := capture.recv(0)) is not None:
            frames.append(msg)
    finally:
        capture.shutdown()

    rows = [json.loads(line) for line in events.read_text().splitlines()]
    cited = [(r["turn"], r["section"]) for r in rows if r["type"] == "manual"]
    assert cited == [(n, s) for n, s in enumerate(QUESTIONS.values(), 1)]
    assert [r for r in rows if r["type"] in ("tool_call", "tool_result")] == []
    head_unit = {m.frame_id for m in load_dbc().messages if "HU" in m.senders}
    assert frames, "the capture heard nothing: the simulated car's status frames are missing"
    assert [f for f in frames if f.arbitration_id in head_unit] == []  # no command to the car
    replies = {r["turn"]: r["text"] for r in rows if r["type"] == "reply"}
    assert "Settings" in replies[1] and "fault" in replies[2] and "switch" in replies[3]
    assert "240 kilopascals" in replies[4]
    spoken = {r["turn"] for r in rows if r["type"] == "audio_out"}
    assert spoken == {1, 2, 3, 4}
