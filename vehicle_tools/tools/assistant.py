"""The assistant's own settings: voice speed and volume (local backend, no bus)."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from vehicle_tools.commands import SettingChange
from vehicle_tools.language import Complaint, Language, Range, Sentences
from vehicle_tools.registry import Report, Tool, ToolArgs
from vehicle_tools.state import VehicleState
from vehicle_tools.tools.common import missing, number

VOICE_SPEED_MIN = 0.5
"""Slowest speaking rate, as a multiple of the normal rate."""
VOICE_SPEED_MAX = 2.0
"""Fastest speaking rate, as a multiple of the normal rate."""


class SetAssistantVoiceArgs(ToolArgs):
    """Arguments of ``set_assistant_voice`` (at least one of them)."""

    speed: float | None = Field(default=None, ge=VOICE_SPEED_MIN, le=VOICE_SPEED_MAX,
                                description=(
        f"speaking rate as a multiple of normal, {VOICE_SPEED_MIN:g} (half speed) to "
        f"{VOICE_SPEED_MAX:g} (twice as fast); rounded to 0.1"))
    volume_pct: int | None = Field(default=None, ge=0, le=100, description=(
        "the assistant's voice volume, percent, 0 to 100"))

    @field_validator("speed")
    @classmethod
    def _round_speed(cls, value: float | None) -> float | None:
        return None if value is None else round(value, 1)

    @model_validator(mode="after")
    def _something(self) -> SetAssistantVoiceArgs:
        if self.speed is None and self.volume_pct is None:
            raise ValueError("give speed or volume_pct")
        return self


def _changes(a: SetAssistantVoiceArgs) -> tuple[SettingChange, ...]:
    changes: list[SettingChange] = []
    if a.speed is not None:
        changes.append(SettingChange("voice.speed", a.speed))
    if a.volume_pct is not None:
        changes.append(SettingChange("voice.volume_pct", a.volume_pct))
    return tuple(changes)


def _report(a: SetAssistantVoiceArgs, state: VehicleState) -> Report:
    speed, volume = state.number("voice.speed"), state.number("voice.volume_pct")
    if speed is None or volume is None:
        raise missing("voice settings")
    return {"voice_speed": speed, "voice_volume_pct": int(volume)}


def _reply(a: SetAssistantVoiceArgs, r: Report) -> str:
    parts = []
    if a.speed is not None:
        parts.append(f"at {number(float(r['voice_speed']))} times normal speed")
    if a.volume_pct is not None:
        parts.append(f"at {r['voice_volume_pct']} percent volume")
    return "I'll speak " + " and ".join(parts) + "."


_YOUR_VOICE = ("([your|the] voice [volume]|your volume|[the] assistant[s] [voice] volume|"
               "[the] assistant[s] voice)")
_YOUR_SPEED = ("([your|the] (speaking|speech|talking|voice) (speed|rate)|your speed|"
               "[the] assistant[s] [speaking|voice] (speed|rate))")
_TALK = "(speak|talk|speaking|talking)"
SET_ASSISTANT_VOICE_LANGUAGE = Language(
    complaints=(
        Complaint(feel=("too fast", "too quick", "too quickly", "way too fast", "so fast"),
                  about=("you", "your", "youre", "talking", "speaking", "voice"),
                  means="talk slower"),
        Complaint(feel=("too slow", "too slowly", "so slow"),
                  about=("you", "your", "youre", "talking", "speaking", "voice"),
                  means="talk faster"),
        Complaint(feel=("too loud", "loud", "shouting", "yelling", "blaring"),
                  about=("you", "your voice", "youre", "voice"), means="speak quieter"),
        Complaint(feel=("cant hear", "can barely hear", "can hardly hear", "too quiet",
                        "too soft", "speak up", "mumbling"),
                  about=("you", "your voice", "voice", "speak up", "you over the engine",
                         "you over the road noise"), means="speak louder"),
    ),
    sentences=(
        Sentences((f"[(set|turn|put|change|make)] {_YOUR_VOICE} [(to|at)] {{percent:volume_pct}} "
                   "[percent]",
                   "(speak|talk) [at] [a] [volume [of]] {percent:volume_pct} percent [volume]",
                   f"(reduce|lower|raise|increase) {_YOUR_VOICE} (to|at) {{percent:volume_pct}} "
                   "[percent]")),
        Sentences(("(speak|talk) (slower|more slowly|slowly)",
                   "slow down [your (voice|speech|talking)]",
                   "(speak|talk) [a bit|a little] (slower|more slowly)",
                   "slower voice", "[your] voice slower"), args={"speed": 0.8}),
        Sentences(("(speak|talk) (faster|quicker|more quickly|quickly)",
                   "(speak|talk) [a bit|a little] (faster|quicker)",
                   "(faster|quicker) voice", "[your] voice (faster|quicker)"),
                  args={"speed": 1.25}),
        Sentences(("(speak|talk) [at] {speed} (times|x) [speed]",
                   "(speak|talk) at {speed} speed",
                   f"[(set|change|put|make)] {_YOUR_SPEED} [(to|at)] {{speed}} [(times|x)] "
                   "[speed]",
                   "(speak|talk) at a speed of {speed}",
                   "(slow|speed) [your] (voice|speech|talking) (down|up) (to|at) {speed}"),),
        Sentences((f"{_TALK} (twice|two times|double) as (fast|quick|quickly)",
                   "[your] voice (twice|two times|double) as (fast|quick)"),
                  args={"speed": 2.0}),
        Sentences((f"{_TALK} (three times|triple) as (fast|quick|quickly)",),
                  args={"speed": 3.0}),
        Sentences(("(speak|talk) [a bit|a little] louder", f"(turn|put) {_YOUR_VOICE} up",
                   f"[make|turn] {_YOUR_VOICE} [a bit|a little] louder",
                   "i cant hear you", "speak up [a bit|a little]"),
                  args={"volume_pct": 10}, relative="volume_pct"),
        Sentences(("[go back to] (speak|talk|speaking|talking) at (normal|regular|usual|"
                   "your normal|your usual) speed [again]",
                   "(normal|regular|usual) speed [please] [again]",
                   "[(set|put)] [your] (speaking|talking|voice) (speed|rate|pace) [back] to "
                   "(normal|regular|usual)"), args={"speed": 1.0}),
        Sentences(("(speak|talk) at half [your] [normal|usual] speed", "half speed"),
                  args={"speed": 0.5}),
        Sentences(("(speak|talk) at (a|one) quarter [of] [your] [normal|usual] speed",),
                  args={"speed": 0.25}),
        Sentences(("(speak|talk) {speed} times (faster|quicker)",)),
        Sentences(("(speak|talk) (quieter|softer|more quietly|more softly)",
                   f"[make|turn] {_YOUR_VOICE} [a bit|a little] (quieter|softer)",
                   f"{_YOUR_VOICE} [a] [bit|little] lower",
                   f"(turn|put) {_YOUR_VOICE} down"),
                  args={"volume_pct": -10}, relative="volume_pct"),
    ),
    lists={"speed": Range(0, 10, tenths=True)},
    state_keys={"volume_pct": "voice.volume_pct"},
    ask={"speed": "How fast should I speak?",
         "volume_pct": "How loud should I speak, in percent?"},
)


SET_ASSISTANT_VOICE: Tool[SetAssistantVoiceArgs] = Tool(
    name="set_assistant_voice",
    language=SET_ASSISTANT_VOICE_LANGUAGE,
    topics=("speak", "talk", "voice", "slower", "faster", "slowly", "quickly"),
    description="Change how the assistant speaks: its speaking rate and its volume.",
    action="change my voice",
    usage=f"I can speak from {VOICE_SPEED_MIN:g} to {VOICE_SPEED_MAX:g} times my normal speed, "
          "at a volume from 0 to 100 percent.",
    args_model=SetAssistantVoiceArgs,
    commands=_changes,
    confirmed=lambda a, fresh: all(fresh.get(c.key) == c.value for c in _changes(a)),
    report=_report,
    reply=_reply,
    reads=("voice.speed", "voice.volume_pct"),
    backend="local",
    service="the assistant settings",
)
