"""`cabin replay`: run the whole pipeline over a recorded WAV with the vehicle on its bus.

This is what `make demo` runs and what engineers use to evaluate and debug recorded sessions.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from daemon import events as ev
from daemon.audio.sources import WavFileSource, WavSink
from daemon.audio.speaker import VirtualSpeaker
from daemon.config import CabinConfig
from daemon.conversation.decide import Agent
from daemon.conversation.dialogue import Conversation
from daemon.conversation.turn import ToolDispatcher
from daemon.pipeline import Pipeline
from daemon.reports.outputs import output_error
from daemon.retention.privacy import shows_text
from daemon.speaking.ducking import MediaDucker
from daemon.stages import Stages, load_stages
from vehicle_tools.vehicle import open_vehicle

_LOG = logging.getLogger(__name__)


@dataclass(frozen=True)
class ReplayResult:
    """What a replay produced.

    Attributes:
        events: every event, in order.
        reply_samples_len: length of the reply audio (all replies in sequence), samples.
        reply_rate_hz: its sample rate, Hz.
        audio_seconds: length of the input, s.
    """

    events: list[ev.Event]
    reply_samples_len: int
    reply_rate_hz: int
    audio_seconds: float


@contextlib.contextmanager
def _maybe_open(path: Path | None) -> Iterator[IO[str] | None]:
    if path is None:
        yield None
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fh = path.open("w", encoding="utf-8")
    except OSError as exc:
        raise output_error(path, "--events", exc) from None
    with fh:
        yield fh


def lazy_agent(config: CabinConfig) -> Agent | None:
    """The language model, loaded when a request first needs it (None when disabled)."""
    if not config.llm.enabled:
        return None
    from daemon.llm.lazy import LazyRouter
    from daemon.llm.router import Router
    from vehicle_tools.tools import default_registry

    return LazyRouter(lambda: Router(config.llm, default_registry(), config.models_dir))


@dataclass(frozen=True)
class ReplayModels:
    """What a replay loads, loaded once and reused across files (a fleet worker, the bench).

    A replay with these starts from fresh state all the same: the stages are reset (wake word,
    VAD, front end: clocks and recurrent state to zero), the conversation and the simulated car
    are new for every file, and the language model keeps no dialogue state of its own.

    Attributes:
        stages: wake word, VAD, recogniser, Piper and the front end (seconds to load).
        agent: the language model, loaded on the first request that needs it (None when the
            config disables it).
    """

    stages: Stages
    agent: Agent | None

    @classmethod
    def load(cls, config: CabinConfig) -> ReplayModels:
        """Verify and load the models `config` names (blocking: seconds).

        Raises:
            CabinError: a model is missing or corrupt (``cabin models fetch`` fixes it).
        """
        return cls(load_stages(config), lazy_agent(config))


async def replay(config: CabinConfig, wav: Path, *, events_path: Path | None = None,
                 reply_wav: Path | None = None, realtime: bool = False,
                 stages: Stages | None = None, agent: Agent | None = None,
                 conversation: Conversation | None = None, debug: bool = False,
                 models: ReplayModels | None = None) -> ReplayResult:
    """Replay `wav` through the pipeline with the configured vehicle (simulated by default).

    `models`: stages and language model loaded once (`ReplayModels.load`) for many replays;
    they take the place of `stages` and `agent`. `stages`: loaded stages to reuse (reset
    first); None = load them. `agent`: the language model (reuse one across replays); None =
    load it on first use when the config enables it. `conversation`: the dialogue state to use
    (and inspect afterwards). `debug` (``--debug``): the driver's text may appear in log
    lines, as with ``privacy.log_text``.

    Raises:
        CabinError: bad audio file, missing/corrupt model, bus unavailable (before any audio);
            OutputError when the event log or the reply WAV cannot be written.
    """
    source = WavFileSource(wav, realtime=realtime)  # validates the file before loading models
    if models is not None:
        stages, agent = models.stages, models.agent
    if stages is None:
        stages = await asyncio.to_thread(load_stages, config)
    else:
        stages.reset()
    sink = WavSink()
    with _maybe_open(events_path) as stream:
        log = ev.EventLog(stream)
        show_text = shows_text(config.privacy, debug=debug)
        async with open_vehicle(config.vehicle, show_text=show_text) as vehicle:
            dispatcher: ToolDispatcher = vehicle.dispatcher
            pipeline = Pipeline(config, stages, dispatcher, log, VirtualSpeaker(sink),
                                concurrent_turns=realtime,
                                ducker=MediaDucker(vehicle.dbus, config.tts.duck_ratio),
                                agent=agent if agent is not None else lazy_agent(config),
                                conversation=conversation)
            await pipeline.run(source)
    if reply_wav is not None:
        try:
            sink.save(reply_wav)
        except OSError as exc:  # the CLI checked the path first; a full disk still ends here
            raise output_error(reply_wav, "--reply-wav", exc) from None
    return ReplayResult(log.events, len(sink.samples), sink.rate_hz, source.audio.seconds)


def summarize(events: list[ev.Event]) -> list[str]:
    """Human-readable lines, one block per turn: what was heard, done and said."""
    lines: list[str] = []
    for event in events:
        stamp = f"[{event.t_ms / 1000.0:7.2f} s]"
        if isinstance(event, ev.Wake):
            lines.append(f"{stamp} turn {event.turn}: wake word {event.model} "
                         f"(score {event.score:.2f})")
        elif isinstance(event, ev.Transcript) and event.final:
            lines.append(f"{stamp}   heard: \"{event.text}\" ({event.backend})")
        elif isinstance(event, ev.Llm):
            lines.append(f"{stamp}   model: {event.source} answered '{event.kind}' in "
                         f"{event.total_ms:.0f} ms ({event.generated_tokens} tokens)")
        elif isinstance(event, ev.ToolCall):
            args = ", ".join(f"{k}={v}" for k, v in event.args.items())
            lines.append(f"{stamp}   car:   {event.name}({args})")
        elif isinstance(event, ev.ToolResultEvent):
            state = ", ".join(f"{k}={v}" for k, v in event.state.items())
            outcome = f"reports {state}" if event.ok else f"refused: {event.error}"
            lines.append(f"{stamp}          -> {outcome}")
        elif isinstance(event, ev.Reply):
            lines.append(f"{stamp}   said:  \"{event.text}\"")
        elif isinstance(event, ev.AudioOut):
            lines.append(f"{stamp}          (first audio {event.latency_ms:.0f} ms after the "
                         f"end of speech, {event.duration_ms / 1000.0:.1f} s long)")
        elif isinstance(event, ev.Interrupted):
            lines.append(f"{stamp}          (interrupted by the driver after "
                         f"{event.played_ms / 1000.0:.1f} s: \"{event.heard_text}\")")
        elif isinstance(event, ev.ErrorEvent):
            lines.append(f"{stamp}   error: {event.code}: {event.message}")
    return lines
