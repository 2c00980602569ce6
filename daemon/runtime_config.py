"""Settings of the live daemon (`cabin run`): audio devices, dialogue, service, head-unit API
and privacy. Sections of cabin.yaml; see daemon/config.py for the whole file."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from daemon.config_base import Section


class AudioIoConfig(Section):
    """Live capture and playback through sounddevice."""

    input_device: str | int | None = Field(None, description="name or index; null = default")
    output_device: str | int | None = Field(None, description="name or index; null = default")
    output_rate_hz: int = Field(48000, ge=8000, le=192000, description="playback rate, Hz")
    block_ms: int = Field(20, ge=5, le=100, description="capture/playback block, ms")
    retry_s: float = Field(2.0, gt=0.0, le=60.0,
                           description="first delay before reopening a lost device, seconds")


class DialogueConfig(Section):
    """Multi-turn behaviour."""

    follow_up_s: float = Field(
        5.0, ge=0.0, le=30.0,
        description="after the assistant asks a question, the driver may answer without the "
        "wake word this long, s (0: always say the wake word)")
    confirm_timeout_s: float = Field(
        8.0, gt=0.0, le=60.0,
        description="a confirmation question (\"Do you want me to unlock the doors?\") may be "
        "answered this long after the driver heard it, s; a later answer is told it expired "
        "and nothing is done")
    history_turns: int = Field(6, ge=0, le=50, description="turns kept as LLM context")


class ServiceConfig(Section):
    """systemd integration."""

    watchdog: bool = Field(True, description="send WATCHDOG=1 while healthy (WatchdogSec)")
    stop_timeout_s: float = Field(2.0, gt=0.0, le=30.0,
                                  description="SIGTERM to exit, seconds (turn under way included)")
    heartbeat_stale_s: float = Field(
        5.0, gt=0.0, le=300.0,
        description="the audio loop counts as hung when it has not beaten for this long, s")


class HmiConfig(Section):
    """The D-Bus API for the head unit (docs/hmi.md)."""

    enabled: bool = Field(True, description="publish the API (off: no D-Bus connection at all)")
    bus: Literal["session", "system"] = Field(
        "session", description="which bus: session (tests, demo) or system (a car)")
    address: str | None = Field(None, description="bus address; null = the default of `bus`")
    name: str = Field("org.cabin.Assistant1", max_length=255,
                      pattern=r"^[A-Za-z_-][A-Za-z0-9_-]*(\.[A-Za-z_-][A-Za-z0-9_-]*)+$",
                      description="well-known bus name Cabin owns")
    call_timeout_s: float = Field(
        2.0, gt=0.0, le=30.0,
        description="a method call waits this long for the assistant, then answers "
        "org.cabin.Assistant1.Error.Timeout, seconds")
    max_pending_calls: int = Field(
        4, ge=1, le=64, description="method calls in flight at once; more answer ...Error.Busy")
    signal_queue: int = Field(
        256, ge=8, le=10000,
        description="signals waiting for the D-Bus thread; when full the oldest is dropped and "
        "counted")
    start_timeout_s: float = Field(
        5.0, gt=0.0, le=60.0, description="connecting and owning the name at start, seconds")
    reconnect_initial_s: float = Field(
        0.5, gt=0.0, le=60.0, description="first delay before reconnecting a lost bus, seconds")
    reconnect_max_s: float = Field(
        30.0, gt=0.0, le=600.0, description="the reconnect delay doubles up to this, seconds")


class PrivacyConfig(Section):
    """What Cabin keeps. By default: no audio, no transcript, ever."""

    debug_recording: bool = Field(False,
                                  description="record each turn (audio + events) for debugging")
    recording_dir: Path = Field(Path("/var/lib/cabin/recordings"),
                                description="where debug recordings go")
    retention_days: float = Field(30.0, gt=0.0, le=3650.0,
                                  description="recordings older than this are deleted, days")
    sweep_interval_s: float = Field(3600.0, ge=1.0, le=86400.0,
                                    description="how often the daemon deletes old ones, s")
    recording_max_turn_s: float = Field(120.0, gt=0.0, le=3600.0,
                                        description="audio recorded per turn at most, s")
    recording_max_mb: float = Field(
        500.0, gt=0.0, le=1e6,
        description="recordings beyond this total are deleted, oldest first, MiB")
    log_text: bool = Field(False, description="put transcripts and replies in the logs")
