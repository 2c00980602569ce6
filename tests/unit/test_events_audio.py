"""Event log format, WAV validation and the bounded channel."""

from __future__ import annotations

import asyncio
import io
import json
from pathlib import Path

import numpy as np
import pytest

from daemon import events as ev
from daemon.audio.wavio import read_wav, write_wav
from daemon.channel import Channel
from daemon.errors import AudioInputError


def test_event_lines_have_type_and_t_ms_first(tmp_path: Path) -> None:
    buf = io.StringIO()
    log = ev.EventLog(buf)
    log.emit(ev.Wake(t_ms=1234.56, turn=1, model="wake-hey-jarvis", score=0.93))
    log.emit(ev.ToolCall(t_ms=2000, turn=1, name="set_temperature", args={"celsius": 21.0}))
    rows = [json.loads(line) for line in buf.getvalue().splitlines()]
    assert rows[0] == {"type": "wake", "t_ms": 1234.6, "turn": 1, "model": "wake-hey-jarvis",
                       "score": 0.93}
    assert list(rows[1])[:2] == ["type", "t_ms"]
    path = tmp_path / "e.jsonl"
    path.write_text(buf.getvalue(), encoding="utf-8")
    assert [r["type"] for r in ev.read_jsonl(path)] == ["wake", "tool_call"]
    path.write_text('{"no": "type"}\n', encoding="utf-8")
    with pytest.raises(ValueError, match="needs 'type'"):
        ev.read_jsonl(path)


def test_wav_round_trip_and_errors(tmp_path: Path) -> None:
    samples = (np.sin(np.arange(1600) / 5) * 8000).astype(np.int16)
    write_wav(tmp_path / "ok.wav", samples, 16000)
    audio = read_wav(tmp_path / "ok.wav")
    assert audio.rate_hz == 16000 and np.array_equal(audio.samples, samples)

    write_wav(tmp_path / "fast.wav", samples, 44100)
    with pytest.raises(AudioInputError) as err:
        read_wav(tmp_path / "fast.wav")
    assert err.value.code == "audio_rate" and "44100" in str(err.value) and "sox" in err.value.fix
    assert read_wav(tmp_path / "fast.wav", resample_to=16000).rate_hz == 16000

    (tmp_path / "garbage.wav").write_bytes(np.random.default_rng(1).bytes(5000))
    with pytest.raises(AudioInputError) as err:
        read_wav(tmp_path / "garbage.wav")
    assert err.value.code == "audio_format"

    write_wav(tmp_path / "empty.wav", np.zeros(0, dtype=np.int16), 16000)
    with pytest.raises(AudioInputError) as err:
        read_wav(tmp_path / "empty.wav")
    assert err.value.code == "audio_empty"

    with pytest.raises(AudioInputError) as err:
        read_wav(tmp_path / "nope.wav")
    assert err.value.code == "audio_missing"


def test_channel_policies() -> None:
    async def scenario() -> tuple[list[int], int, bool]:
        lossy: Channel[int] = Channel("mic", 3, "drop_oldest")
        for i in range(5):
            await lossy.put(i)
        got = [await lossy.get() for _ in range(3)]
        blocking: Channel[int] = Channel("spk", 1, "block")
        await blocking.put(1)
        waiter = asyncio.create_task(blocking.put(2), name="blocked-producer")
        await asyncio.sleep(0.01)
        blocked = not waiter.done()
        await blocking.get()
        await waiter
        return got, lossy.dropped, blocked

    got, dropped, blocked = asyncio.run(scenario())
    assert got == [2, 3, 4] and dropped == 2 and blocked
