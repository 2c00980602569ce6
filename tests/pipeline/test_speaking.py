"""Speaking on real models: barge-in on a replayed double-talk recording, and the lexicon."""

from __future__ import annotations

import asyncio
import json
import uuid
from pathlib import Path

import numpy as np
import pytest

from daemon.audio.resample import resample
from daemon.config import AsrConfig, CabinConfig
from daemon.conversation.dialogue import Conversation
from daemon.events import Interrupted, PlaybackEnd, Reply, ToolCall, Transcript
from daemon.hearing.asr import WhisperRecognizer
from daemon.llm.config import LlmConfig
from daemon.runtime.replay import replay
from daemon.speaking.speech import Lexicon
from daemon.speaking.tts import PiperTts
from tests.conftest import REPO, tool_module
from vehicle_tools.config import CanConfig, VehicleConfig

pytestmark = pytest.mark.slow
MODELS = REPO / "models"


@pytest.fixture(scope="module")
def double_talk(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    out = tmp_path_factory.mktemp("barge")
    assert tool_module("build_barge_in_set").main(["--out", str(out), "--limit", "1"]) == 0
    row = json.loads((out / "manifest.jsonl").read_text().splitlines()[0])
    return out / row["path"], row


def test_driver_speech_over_the_reply_interrupts_it(
        double_talk: tuple[Path, dict[str, object]]) -> None:
    wav, truth = double_talk
    config = CabinConfig(models_dir=MODELS, llm=LlmConfig(enabled=False), vehicle=VehicleConfig(
        can=CanConfig(channel=f"cabin-barge-{uuid.uuid4()}")))
    conversation = Conversation()
    events = asyncio.run(replay(config, wav, conversation=conversation)).events
    calls = [e for e in events if isinstance(e, ToolCall)]
    assert [c.name for c in calls] == ["get_vehicle_status"]
    [cut] = [e for e in events if isinstance(e, Interrupted)]
    assert cut.turn == 1 and cut.reason == "speech"
    assert 0 < cut.played_ms < cut.total_ms
    onset_ms = float(truth["onset_s"]) * 1000.0  # type: ignore[arg-type]
    # Audio time from the interrupting speech's onset to the stop (deterministic in replay).
    assert 0 < cut.t_ms - onset_ms <= 150
    assert not [e for e in events if isinstance(e, PlaybackEnd) and e.turn == 1]
    # The history keeps only what the driver heard of the interrupted reply.
    said = " ".join(e.text for e in events if isinstance(e, Reply) and e.turn == 1)
    kept = [m.text for m in conversation.history if m.role == "assistant"]
    assert kept[0] == cut.heard_text and len(kept[0]) < len(said), (kept, said)
    # The interruption itself became the next turn, heard from its onset.
    finals = [e for e in events if isinstance(e, Transcript) and e.final and e.turn == 2]
    assert finals and "please" in finals[0].text.lower()


def test_lexicon_changes_what_piper_says() -> None:
    plain = PiperTts(MODELS / "piper-joe-medium")
    lexed = PiperTts(MODELS / "piper-joe-medium",
                     lexicon=Lexicon.from_mapping({"ETA": "estimated time of arrival",
                                                   "Peugeot": "[[ pˈøʒoʊ ]]"}))
    assert plain.phonemes("Peugeot") != lexed.phonemes("Peugeot")
    assert "ø" in "".join(lexed.phonemes("Peugeot")[0])
    # Through the recogniser: the respelling is what comes out of the speaker.
    audio = lexed.synthesize_all("Your ETA is ten minutes.")
    asr = WhisperRecognizer(MODELS / "whisper-tiny-en", AsrConfig())
    stream = asr.stream()
    stream.accept(resample(audio, lexed.rate_hz, 16000))
    heard = stream.finish().lower()
    assert "estimated time" in heard, heard
    stream = asr.stream()
    stream.accept(resample(plain.synthesize_all("Your ETA is ten minutes."), plain.rate_hz,
                           16000))
    assert "estimated time" not in stream.finish().lower()


def test_without_variation_the_same_text_gives_the_same_samples() -> None:
    steady = PiperTts(MODELS / "piper-joe-medium", variation=False)
    assert np.array_equal(steady.synthesize_all("unlock the doors"),
                          steady.synthesize_all("unlock the doors"))
    varied = PiperTts(MODELS / "piper-joe-medium")  # the driver's voice varies a little
    takes = [varied.synthesize_all("unlock the doors") for _ in range(3)]
    assert not all(np.array_equal(takes[0], t) for t in takes[1:])
