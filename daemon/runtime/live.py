"""`cabin run`: the assistant as a long-running service.

Start-up checks everything before saying ready: the config (already validated), every model
(verified), the language model (optional: without it the fast path still answers, announced as
degraded), the buses (down = degraded, announced; calls then answer "unavailable" and retry),
the head-unit API (optional). Then systemd hears READY=1, and WATCHDOG=1 is sent from the event
loop only while the microphone loop beats. SIGTERM/SIGINT: STOPPING=1, no new turn, the reply
is cut, a vehicle command already sent completes and is logged, exit within
`ServiceConfig.stop_timeout_s`. SIGHUP re-reads the config file: a bad file is reported and the
running config kept.

Tasks, all named and owned by one TaskGroup: ``pipeline`` (which owns ``audio-source``,
``listener`` and ``turn-N``), ``speaker-out`` (live playback), ``watchdog``, ``retention``
(debug recordings), ``signals``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
import threading
from collections.abc import AsyncIterator, Callable, Coroutine
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from daemon import events as ev
from daemon.audio.capture import DeviceSource, sounddevice_input
from daemon.audio.device import DeviceSpeaker, sounddevice_output
from daemon.audio.echo_store import keep_echo_path, restore_echo_path
from daemon.audio.sources import AudioSource
from daemon.audio.speaker import Speaker
from daemon.config import CabinConfig, load_config
from daemon.conversation.decide import Agent
from daemon.errors import CabinError
from daemon.llm.router import Router
from daemon.pipeline import Pipeline
from daemon.retention.privacy import DebugRecorder, format_event, retention_task, shows_text
from daemon.runtime.service import Heartbeat, Notifier, Watchdog
from daemon.speaking.ducking import MediaDucker
from daemon.stages import Stages, load_stages
from vehicle_tools.vehicle import Vehicle, open_vehicle

_LOG = logging.getLogger(__name__)
_EVENTS = logging.getLogger("cabin.events")


@dataclass
class AudioIo:
    """Where the daemon hears and speaks.

    Attributes:
        source: microphone chunks (16 kHz mono int16).
        speaker: where replies play (and the echo reference comes from).
        tasks: coroutines the I/O needs running (device playback), started with the daemon.
        close: ends the source (called on shutdown).
        live: the source is a device that never waits for the pipeline (its overflow policy
            is then drop-oldest); False: a recording, which waits (nothing is lost).
    """

    source: AudioSource
    speaker: Speaker
    tasks: dict[str, Callable[[], Coroutine[Any, Any, None]]] = field(default_factory=dict)
    close: Callable[[], None] = lambda: None
    live: bool = False


def device_io(config: CabinConfig, on_error: Callable[[CabinError], None]) -> AudioIo:
    """The sound card: capture and playback through sounddevice (degrading, never crashing)."""
    audio = config.audio
    source = DeviceSource(sounddevice_input(audio.input_device, audio.block_ms),
                          block_ms=audio.block_ms, backoff_s=(audio.retry_s, 30.0),
                          on_error=on_error)
    speaker = DeviceSpeaker(sounddevice_output(audio.output_device, audio.output_rate_hz),
                            rate_hz=audio.output_rate_hz, block_ms=audio.block_ms,
                            backoff_s=(audio.retry_s, 30.0), on_error=on_error)
    return AudioIo(source, speaker, {"speaker-out": speaker.run}, source.close, live=True)


class LiveControl:
    """What the head unit may ask (daemon/hmi `AssistantControl`), on the running pipeline."""

    def __init__(self, pipeline: Pipeline) -> None:
        self._pipeline = pipeline

    @property
    def state(self) -> str:
        """idle, listening, thinking, speaking or follow_up."""
        return self._pipeline.state

    @property
    def turn(self) -> int:
        """The latest turn number."""
        return self._pipeline.turn

    async def send_text(self, text: str) -> int:
        """Run a typed request as a turn."""
        return await self._pipeline.submit_text(text)

    async def push_to_talk(self) -> int:
        """Listen now, without the wake word."""
        return self._pipeline.push_to_talk()

    async def cancel(self) -> bool:
        """Stop listening, thinking or speaking."""
        return self._pipeline.cancel()


class Daemon:
    """One run of the service.

    Args:
        config: the validated configuration.
        config_path: where it came from (re-read on SIGHUP), or None.
        io: audio in/out; None = the sound card (`device_io`).
        notifier: systemd notification (a no-op outside systemd).
        events: also write the event log here as JSON lines (debugging, tests).
        debug: transcripts and replies may appear in the logs.
        hard_exit: after SIGTERM, end the process (status 0) if it is still alive one second
            past `ServiceConfig.stop_timeout_s` (a native call stuck in a worker thread would
            otherwise hold the interpreter's exit); `cabin run` only, never in-process.

    The run ends when the audio source ends (an injected recording) or on `request_stop`.
    """

    def __init__(self, config: CabinConfig, *, config_path: Path | None = None,
                 io: AudioIo | None = None, notifier: Notifier | None = None,
                 events: IO[str] | None = None, debug: bool = False,
                 hard_exit: bool = False) -> None:
        self.config = config
        self._config_path = config_path
        self._io = io
        self.notifier = notifier or Notifier()
        self.log = ev.EventLog(events)
        self.heartbeat = Heartbeat(config.service.heartbeat_stale_s)
        self.stopping = asyncio.Event()
        self.pipeline: Pipeline | None = None
        self.vehicle: Vehicle | None = None
        self.degraded: list[str] = []
        self._state_listeners: list[Callable[[str, int], None]] = []
        self._recorder: DebugRecorder | None = None
        self.debug = debug
        self._hard_exit = hard_exit
        self.log.subscribe(self._journal)

    def request_stop(self) -> None:
        """SIGTERM/SIGINT: stop within the configured time."""
        if not self.stopping.is_set():
            _LOG.info("stopping")
            self.notifier.stopping()
            self.stopping.set()
            if self._hard_exit:
                timer = threading.Timer(self.config.service.stop_timeout_s + 1.0, _force_exit)
                timer.daemon = True
                timer.start()

    def reload(self) -> bool:
        """SIGHUP: re-read the config file; a bad one is reported and the running one kept.

        Applied live: the log level and whether transcripts are logged. Anything else takes
        effect at the next start (logged).
        """
        if self._config_path is None:
            _LOG.warning("reload requested but the daemon runs on built-in defaults")
            return False
        try:
            new = load_config(self._config_path)
        except CabinError as exc:
            _LOG.error("config reload failed, keeping the running config: %s", exc)
            self.log.emit(ev.ErrorEvent(t_ms=self._now(), code=exc.code, message=exc.message))
            return False
        self.notifier.reloading()
        if not self.debug:
            logging.getLogger().setLevel(new.logging.level)
        live = ("logging",)
        changed = [name for name in type(new).model_fields
                   if name not in live and getattr(new, name) != getattr(self.config, name)]
        if changed:
            _LOG.warning("config reloaded; changes to %s take effect at the next start",
                         ", ".join(changed))
        else:
            _LOG.info("config reloaded")
        self.config = self.config.model_copy(update={k: getattr(new, k) for k in live})
        self.notifier.ready()
        return True

    async def run(self) -> None:
        """Start, serve until stopped (or the injected audio ends), shut down cleanly.

        Raises:
            CabinError: a start-up check failed (bad or missing model, simulator bus).
        """
        self.notifier.status("loading models")
        try:
            stages = await asyncio.to_thread(load_stages, self.config)
        except CabinError as exc:  # the event log (when kept) says why nothing ran
            self.log.emit(ev.ErrorEvent(t_ms=0.0, code=exc.code, message=exc.message))
            raise
        agent = await self._load_agent()
        echo_file = self.config.frontend.echo_path_file
        restore_echo_path(stages.frontend, echo_file)
        try:
            await self._run_with(stages, agent)
        finally:
            keep_echo_path(stages.frontend, echo_file)
            if isinstance(agent, Router):
                agent.close()  # ends its llm-worker thread

    async def _run_with(self, stages: Stages, agent: Agent | None) -> None:
        io = self._io or device_io(self.config, self._device_error)
        recorder = DebugRecorder(self.config.privacy, on_error=self._device_error)
        self._recorder = recorder
        self.log.subscribe(recorder.event)
        async with contextlib.AsyncExitStack() as stack:
            self.vehicle = await stack.enter_async_context(open_vehicle(
                self.config.vehicle, show_text=shows_text(self.config.privacy, debug=self.debug)))
            self._check_vehicle(self.vehicle)
            self.pipeline = Pipeline(
                self.config, stages, self.vehicle.dispatcher, self.log, io.speaker,
                concurrent_turns=True, agent=agent,
                ducker=MediaDucker(self.vehicle.dbus, self.config.tts.duck_ratio),
                on_state=self._on_state, on_audio=self._on_audio(recorder),
                input_policy="drop_oldest" if io.live else "block")
            await stack.enter_async_context(self._hmi(self.pipeline))
            await self._serve(io, recorder)

    async def _serve(self, io: AudioIo, recorder: DebugRecorder) -> None:
        assert self.pipeline is not None
        pipeline = self.pipeline
        async with asyncio.TaskGroup() as group:
            run = group.create_task(pipeline.run(io.source), name="pipeline")
            background = [group.create_task(factory(), name=name)
                          for name, factory in io.tasks.items()]
            if self.config.service.watchdog:
                background.append(group.create_task(
                    Watchdog(self.notifier, self._healthy).run(), name="watchdog"))
            background.append(group.create_task(retention_task(self.config.privacy),
                                                name="retention"))
            recording = group.create_task(recorder.run(), name="debug-recorder")
            signals = group.create_task(self._signals(), name="signals")
            self._announce_ready()
            stop = asyncio.ensure_future(self.stopping.wait())
            await asyncio.wait({run, stop}, return_when=asyncio.FIRST_COMPLETED)
            if not run.done():
                await self._stop_pipeline(pipeline, io, run)
            stop.cancel()
            recorder.close()  # the turns still pending are written, then its task ends
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(1.0):
                    await asyncio.shield(recording)
            for task in (*background, signals, recording):
                task.cancel()
        self.notifier.stopping()
        _LOG.info("stopped")

    async def _stop_pipeline(self, pipeline: Pipeline, io: AudioIo,
                             run: asyncio.Task[None]) -> None:
        pipeline.stop()
        io.close()
        try:
            async with asyncio.timeout(self.config.service.stop_timeout_s):
                await asyncio.shield(run)
        except TimeoutError:
            _LOG.error("the pipeline did not stop within %.1f s: cancelling it",
                       self.config.service.stop_timeout_s)
            run.cancel()

    async def _signals(self) -> None:
        loop = asyncio.get_running_loop()
        hup = asyncio.Event()
        loop.add_signal_handler(signal.SIGTERM, self.request_stop)
        loop.add_signal_handler(signal.SIGINT, self.request_stop)
        loop.add_signal_handler(signal.SIGHUP, hup.set)
        try:
            while True:
                await hup.wait()
                hup.clear()
                self.reload()
        finally:
            for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
                loop.remove_signal_handler(sig)

    async def _load_agent(self) -> Agent | None:
        if not self.config.llm.enabled:
            return None
        from vehicle_tools.tools import default_registry

        self.notifier.status("loading the language model")
        router = Router(self.config.llm, default_registry(), self.config.models_dir)
        try:
            await router.load_async()  # its own daemon thread: a stuck load never holds exit
        except CabinError as exc:
            self._degrade(f"language model unavailable ({exc.message}); fix: {exc.fix}")
            return None
        return router

    def _check_vehicle(self, vehicle: Vehicle) -> None:
        if not vehicle.backend.available:
            self._degrade(f"CAN bus {self.config.vehicle.can.channel} is down: vehicle "
                          "commands will answer 'unavailable' until it is back")
        if self.config.vehicle.dbus.enabled and (vehicle.dbus is None
                                                 or not vehicle.dbus.available):
            self._degrade("D-Bus unreachable: media, navigation and phone unavailable")

    @contextlib.asynccontextmanager
    async def _hmi(self, pipeline: Pipeline) -> AsyncIterator[None]:
        if not self.config.hmi.enabled:
            yield
            return
        from daemon.hmi import HmiService

        service = HmiService(self.config.hmi, LiveControl(pipeline))
        try:
            await service.start()
        except CabinError as exc:
            self._degrade(f"head-unit API not available ({exc.message}); fix: {exc.fix}")
            yield
            return
        self.log.subscribe(service.publish)
        self._state_listeners.append(service.state_changed)
        try:
            yield
        finally:
            await service.stop()

    def _on_state(self, state: str, turn: int) -> None:
        if state == "idle" and self._recorder is not None:
            self._recorder.end_turn()
        for listener in self._state_listeners:
            listener(state, turn)

    def _on_audio(self, recorder: DebugRecorder) -> Callable[[Any, int], None]:
        def on_audio(chunk: Any, turn: int) -> None:
            self.heartbeat.beat()
            recorder.audio(chunk, turn)
        return on_audio

    def _journal(self, event: ev.Event) -> None:
        """One log line per event (journald), personal text hidden unless allowed."""
        level = logging.WARNING if isinstance(event, ev.ErrorEvent) else logging.INFO
        _EVENTS.log(level, "%s", format_event(event, self.config.privacy, debug=self.debug))

    def _healthy(self) -> bool:
        return self.heartbeat.fresh() and not self.stopping.is_set()

    def _announce_ready(self) -> None:
        status = "ready" if not self.degraded else "ready, degraded: " + "; ".join(self.degraded)
        _LOG.info("%s", status)
        self.notifier.ready()
        self.notifier.status(status)

    def _degrade(self, why: str) -> None:
        _LOG.warning("degraded mode: %s", why)
        self.degraded.append(why)
        self.log.emit(ev.ErrorEvent(t_ms=self._now(), code="degraded", message=why))

    def _device_error(self, error: CabinError) -> None:
        self.log.emit(ev.ErrorEvent(t_ms=self._now(), code=error.code, message=error.message))

    def _now(self) -> float:
        return self.pipeline.now_ms if self.pipeline is not None else 0.0


def _force_exit() -> None:
    """The stop bound passed and a worker thread still runs native code: leave now."""
    _LOG.error("still running after the stop timeout (a native call is stuck): exiting")
    for handler in logging.getLogger().handlers:
        handler.flush()
    sys.stderr.flush()
    os._exit(0)
