"""Window and sunroof tools: move one window, all four, or the sunroof to a position (percent open).

Drive ``WINDOW_CMD`` / ``SUNROOF_CMD`` and confirm from ``WINDOW_STATUS``. Windows take time to
travel: a command is confirmed as soon as the car reports each window either at its target or
moving towards it, and the reply says honestly which ("Opening the driver's window." vs "The
driver's window is closed.").

Above `WINDOW_WIDE_MAX_KMH` a window may open at most to `WINDOW_PCT_AT_SPEED` (buffeting,
things blown out, a child's arm out of the window): asking for more is refused with the spoken
limit (`WINDOWS_WIDE_AT_SPEED`); closing, or a window already open further, is always allowed.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

from pydantic import Field

from vehicle_tools.errors import ToolError
from vehicle_tools.language import Complaint, Group, Language, Sentences
from vehicle_tools.registry import CommandFrame, Report, SignalLink, Tool, ToolArgs
from vehicle_tools.safety import Constraint, ToolPolicy
from vehicle_tools.state import VehicleState

SUNROOF_MAX_KMH = 100.0
"""Above this speed (km/h) the sunroof may be closed but not opened."""
WINDOW_WIDE_MAX_KMH = 80.0
"""Above this speed (km/h) a window opens at most to `WINDOW_PCT_AT_SPEED`."""
WINDOW_PCT_AT_SPEED = 30
"""How far a window may open above `WINDOW_WIDE_MAX_KMH`, percent open."""

WindowName = Literal["driver", "passenger", "rear_left", "rear_right"]
WindowChoice = Literal["driver", "passenger", "rear_left", "rear_right", "all"]

WINDOWS: tuple[WindowName, ...] = ("driver", "passenger", "rear_left", "rear_right")
_SUFFIX: Mapping[WindowName, str] = MappingProxyType({
    "driver": "Driver", "passenger": "Passenger", "rear_left": "RearLeft",
    "rear_right": "RearRight"})
_SPOKEN: Mapping[WindowName, str] = MappingProxyType({
    "driver": "the driver's window", "passenger": "the passenger's window",
    "rear_left": "the rear left window", "rear_right": "the rear right window"})


def position_signal(window: WindowName) -> str:
    """The WINDOW_STATUS signal with the position of ``window``, percent open."""
    return f"WindowPos{_SUFFIX[window]}"


def motion_signal(window: WindowName) -> str:
    """The WINDOW_STATUS signal with the motor state of ``window`` (STOPPED/OPENING/CLOSING)."""
    return f"WindowMotion{_SUFFIX[window]}"


class SetWindowArgs(ToolArgs):
    """Arguments of ``set_window``."""

    window: WindowChoice = Field(
        description="which window: driver, passenger, rear_left, rear_right, or all")
    position_pct: int = Field(
        ge=0, le=100, description="target position in percent open: 0 = closed, 100 = fully open")


def _targets(args: SetWindowArgs) -> tuple[WindowName, ...]:
    return WINDOWS if args.window == "all" else (args.window,)


def _on_its_way(position: float | None, motion: str | None, target: int) -> bool:
    if position is None:
        return False
    if position == target:
        return True
    return motion == ("OPENING" if position < target else "CLOSING")


def _confirmed(args: SetWindowArgs, fresh: VehicleState) -> bool:
    return all(
        _on_its_way(fresh.number(position_signal(w)), fresh.text(motion_signal(w)),
                    args.position_pct)
        for w in _targets(args))


def _report(args: SetWindowArgs, state: VehicleState) -> Report:
    report: Report = {}
    for w in _targets(args):
        position, motion = state.number(position_signal(w)), state.text(motion_signal(w))
        if position is None or motion is None:
            raise ToolError("not_available", "The car has not reported the windows yet.",
                            f"{position_signal(w)}/{motion_signal(w)}: no status reading")
        report[f"{w}_pct"] = int(position)
        report[f"{w}_motion"] = motion.lower()
    return report


def _where(pct: int) -> str:
    if pct == 0:
        return "closed"
    return "fully open" if pct == 100 else f"{pct} percent open"


def _reply(args: SetWindowArgs, report: Report) -> str:
    targets = _targets(args)
    positions = [int(report[f"{w}_pct"]) for w in targets]
    subject = "all windows" if args.window == "all" else _SPOKEN[targets[0]]
    if all(p == args.position_pct for p in positions):
        verb = "are" if args.window == "all" else "is"
        return f"{subject[0].upper()}{subject[1:]} {verb} {_where(args.position_pct)}."
    motions = {str(report[f"{w}_motion"]) for w in targets} - {"stopped"}
    if motions == {"opening"}:
        to = "" if args.position_pct == 100 else f" to {args.position_pct} percent"
        return f"Opening {subject}{to}."
    if motions == {"closing"}:
        to = "" if args.position_pct == 0 else f" to {args.position_pct} percent open"
        return f"Closing {subject}{to}."
    return f"Moving {subject} to {args.position_pct} percent open."


def _wider_than_allowed_at_speed(args: SetWindowArgs, s: VehicleState) -> bool:
    if (s.number("VehicleSpeed") or 0.0) <= WINDOW_WIDE_MAX_KMH:
        return False
    return any((s.number(position_signal(w)) or 0.0) < args.position_pct for w in _targets(args))


WINDOWS_WIDE_AT_SPEED = Constraint(
    "windows_wide_at_speed", ("VehicleSpeed", *(position_signal(w) for w in WINDOWS)),
    _wider_than_allowed_at_speed,
    f"Above {WINDOW_WIDE_MAX_KMH:g} kilometres per hour I can open the windows only up to "
    f"{WINDOW_PCT_AT_SPEED} percent.",
    applies=lambda a: a.position_pct > WINDOW_PCT_AT_SPEED)
"""A window target above `WINDOW_PCT_AT_SPEED` percent is refused above `WINDOW_WIDE_MAX_KMH`
when it would open any targeted window further than it is (closing part way, or a window
already that far open, is fine). Without a recent speed or window reading it is refused as
``not_available``; targets up to `WINDOW_PCT_AT_SPEED` need no reading."""


_OPEN = "(open [up]|opening|lower|lowering|roll down|put down|wind down|bring down|drop)"
_PUT = "(put|roll|wind|bring|drop|pop|get)"
"""Verbs whose particle ("down", "up") may follow the window ("put all the windows down")."""
_CRACK = "(crack|crack open)"
_CLOSE = "(close|closing|shut|raise|roll up|put up|wind up|bring up)"
_LET_IN = ("draught", "draft", "drafty", "draughty", "rain is coming in", "rain coming in",
           "letting the rain in", "letting rain in", "leaking", "whistling", "wind noise",
           "dripping", "rain is getting in", "rain getting in", "getting wet")
"""What an open window or roof lets in: said about one, it means closing it (asked first)."""

SET_WINDOW_LANGUAGE = Language(
    complaints=(Complaint(feel=_LET_IN, about=("my window", "mine"), means="close my window"),
                Complaint(feel=_LET_IN, about=("window", "windows"), means="close the window")),
    sentences=(
        Sentences((
            f"{_OPEN} [the] {{window}} (window|one) [(to|at)] {{percent:position_pct}} "
            "percent [open]",
            f"{_OPEN} [the] window [(on|for)] [the] {{window}} [side] [(to|at)] "
            "{percent:position_pct} percent [open]",
            "[(put|set|move)] [the] {window} (window|one) [(to|at)] {percent:position_pct} percent "
            "[open]",
            f"{_OPEN} {{all_windows:window}} [(to|at)] {{percent:position_pct}} percent [open]",
            f"{_OPEN} [the] {{window}} (window|one) {{amount:position_pct}}",
            f"{_OPEN} [the] {{window}} (window|one)",
            f"{_OPEN} [the] window [(on|for)] [the] {{window}} [side] [{{amount:position_pct}}]",
            f"{_OPEN} {{all_windows:window}} [{{amount:position_pct}}]",
            f"{_OPEN} [the] {{window}} (window|one) [down|open] {{amount:position_pct}}",
            f"{_OPEN} [the] {{window}} (window|one) down",
            "[the] {window} (window|one) (down|open) [{amount:position_pct}]",
            "{all_windows:window} (down|open) [{amount:position_pct}]",
            "{all_windows:window} [(to|at)] {amount:position_pct}",  # "windows, all the way down"
            "[the] {window} (window|one) [(to|at)] {amount:position_pct}",
            "[the] {window} (window|one) [down] [(to|at)] {percent:position_pct} percent",
            # a bare number after "to"/"at" is the percentage open, the window's only unit
            # ("open my window to 40"); without "to" it could be a step ("down 40")
            f"{_OPEN} [the] {{window}} (window|one) (to|at) {{percent:position_pct}} [open]",
            f"{_OPEN} [the] window [(on|for)] [the] {{window}} [side] (to|at) "
            "{percent:position_pct} [open]",
            "[(put|set|move)] [the] {window} (window|one) (to|at) {percent:position_pct} [open]",
            f"{_OPEN} {{all_windows:window}} (to|at) {{percent:position_pct}} [open]",
            "[the] {window} (window|one) [down|open] (to|at) {percent:position_pct} [open]",
            f"{_PUT} [the] {{window}} (window|one) down [{{amount:position_pct}}]",
            f"{_PUT} {{all_windows:window}} down [{{amount:position_pct}}]",
            f"{_PUT} [the] {{window}} (window|one) down (to|at) {{percent:position_pct}} [percent]",
        ), args={"position_pct": 100}),
        Sentences((
            f"{_CRACK} [the] {{window}} (window|one) [a (bit|little|touch)]",
            f"{_CRACK} [the] window [(on|for)] [the] {{window}} [side]",
            f"{_CRACK} {{all_windows:window}} [a (bit|little|touch)]",
            f"{_CRACK} [the] {{window}} (window|one) [(to|at)] {{percent:position_pct}} percent",
            f"{_CRACK} [the] {{window}} (window|one) {{amount:position_pct}}",
        ), args={"position_pct": 20}),
        Sentences((
            f"{_CLOSE} [the] {{window}} (window|one) [all the way|completely|fully]",
            f"{_CLOSE} [the] window [(on|for)] [the] {{window}} [side]",
            f"{_CLOSE} {{all_windows:window}} [all the way|completely|fully]",
            f"{_CLOSE} [the] {{window}} (window|one) up",
            "[the] {window} (window|one) (up|closed|shut) [tight]",
            "{all_windows:window} [all the way] (up|closed|shut) [tight]",
            f"{_PUT} [the] {{window}} (window|one) up [all the way|completely|fully]",
            f"{_PUT} {{all_windows:window}} [all the way] up [all the way|completely|fully]",
        ), args={"position_pct": 0}),
        Sentences((  # how far open it is left: "close my window to ten percent", "... a
            # quarter open" (its own block: "close the driver window" still ends the turn)
            f"{_CLOSE} [the] {{window}} (window|one) (to|at) {{percent:position_pct}} [percent] "
            "[open]", f"{_CLOSE} {{all_windows:window}} (to|at) {{percent:position_pct}} "
            "[percent] [open]",
            f"{_CLOSE} [the] {{window}} (window|one) [(to|at)] ({{percent:position_pct}} "
            "percent|{fraction:position_pct}) open",
            f"{_CLOSE} {{all_windows:window}} [(to|at)] ({{percent:position_pct}} percent|"
            "{fraction:position_pct}) open",
        )),
        Sentences((
            f"{_CLOSE} [the] {{window}} (window|one) (halfway|half way)",
            f"{_CLOSE} {{all_windows:window}} (halfway|half way)",
            f"{_PUT} [the] {{window}} (window|one) (halfway|half way) up",
        ), args={"position_pct": 50}),
        Sentences((
            f"{_OPEN} [the] window [(to|at)] {{percent:position_pct}} percent [open]",
            f"{_OPEN} [the|a] window [{{amount:position_pct}}]",
            f"{_OPEN} [the] window (to|at) {{percent:position_pct}} [open]",
            "[the] window (to|at) {amount:position_pct}",
            f"{_PUT} [the] window down [{{amount:position_pct}}]",
        ), args={"position_pct": 100}),
        Sentences((f"{_CRACK} [the|a] window [a (bit|little|touch)]",), args={"position_pct": 20}),
        Sentences((f"{_CLOSE} [the] window", "[the] window (up|closed|shut)",
                   f"{_PUT} [the] window up"), args={"position_pct": 0}),
        Sentences(("[the] window (down|open) [{amount:position_pct}]",
                   f"{_OPEN} the window down [{{amount:position_pct}}]"),
                  args={"position_pct": 100}),
    ),
    ask={"window": "Which window?", "position_pct": "How far open, in percent?"},
    groups=(Group(("back windows", "rear windows", "back two windows", "rear two windows",
                   "windows in the back", "windows at the back", "back seat windows",
                   "rear seat windows", "back ones", "rear ones",
                   "rear left and rear right windows", "back left and back right windows",
                   "rear left and right windows", "back left and right windows",
                   "left and right rear windows", "left and right back windows"),
                  ("the rear left window", "the rear right window")),
            Group(("front windows", "front two windows", "windows in the front",
                   "windows at the front", "front seat windows", "driver and passenger windows",
                   "drivers and passengers windows", "driver and passenger window",
                   "my window and the passenger window", "front ones",
                   "my window and the passengers", "mine and the passengers",
                   "my window and the passengers window"),
                  ("the driver window", "the passenger window"))),
    examples=(
              "open the driver window halfway",
              "close all the windows",
              "open the window a bit",
              "crack the passenger window",
              "rear left window",
              "rear right window",
              "percent"),
    model_examples=(
        ("open the rear right window 30 percent", {"window": "rear_right", "position_pct": 30}),
        ("shut every window", {"window": "all", "position_pct": 0}),
        ("roll down my window", {"window": "driver", "position_pct": 100})),
)



SET_WINDOW: Tool[SetWindowArgs] = Tool(
    name="set_window",
    language=SET_WINDOW_LANGUAGE,
    topics=("window", "fresh air", "stuffy"),
    description="Open or close a window, or all windows, to a position in percent open "
                "(0 = closed, 100 = fully open).",
    action="move the window",
    usage="I can move the driver's, passenger's, rear left or rear right window, or all of "
          "them, to anywhere from 0 percent, closed, to 100 percent, fully open.",
    args_model=SetWindowArgs,
    commands=lambda a: (CommandFrame("WINDOW_CMD", {
        "WindowId": a.window.upper(), "WindowTargetPos": a.position_pct}),),
    confirmed=_confirmed,
    report=_report,
    reply=_reply,
    links=(SignalLink("position_pct", "WINDOW_CMD", "WindowTargetPos"),),
    reads=tuple(s for w in WINDOWS for s in (position_signal(w), motion_signal(w))),
    policy=ToolPolicy(constraints=(WINDOWS_WIDE_AT_SPEED,)),
)


class SetSunroofArgs(ToolArgs):
    """Arguments of ``set_sunroof``."""

    position_pct: int = Field(
        ge=0, le=100, description="target position in percent open: 0 = closed, 100 = fully open")


def _sunroof_report(args: SetSunroofArgs, state: VehicleState) -> Report:
    position, motion = state.number("SunroofPos"), state.text("SunroofMotion")
    if position is None or motion is None:
        raise ToolError("not_available", "The car has not reported the sunroof yet.",
                        "SunroofPos/SunroofMotion: no status reading")
    return {"sunroof_pct": int(position), "sunroof_motion": motion.lower()}


def _sunroof_reply(args: SetSunroofArgs, report: Report) -> str:
    if report["sunroof_pct"] == args.position_pct:
        return f"The sunroof is {_where(args.position_pct)}."
    if report["sunroof_motion"] == "opening":
        return "Opening the sunroof." if args.position_pct == 100 else (
            f"Opening the sunroof to {args.position_pct} percent.")
    return "Closing the sunroof." if args.position_pct == 0 else (
        f"Closing the sunroof to {args.position_pct} percent open.")


SET_SUNROOF_LANGUAGE = Language(
    complaints=(Complaint(feel=_LET_IN, about=("sunroof", "sun roof", "roof", "moonroof"),
                          means="close the sunroof"),),
    sentences=(
        Sentences((
            f"{_OPEN} [the] (sunroof|sun roof|moonroof|moon roof|roof) [(to|at)] "
            "{percent:position_pct} percent [open]",
            f"{_OPEN} [the] (sunroof|sun roof|moonroof|moon roof|roof) [{{amount:position_pct}}]",
            "[(put|set|move)] [the] (sunroof|sun roof|moonroof) [(to|at)] "
            "{percent:position_pct} percent [open]",
            "[the] (sunroof|sun roof|moonroof|roof) [open] {amount:position_pct}",
            "[the] (sunroof|sun roof|moonroof|roof) open",
            "{amount:position_pct} on the (sunroof|sun roof|moonroof|moon roof)",
            f"{_OPEN} [the] (sunroof|sun roof|moonroof|moon roof|roof) (to|at) "
            "{percent:position_pct} [open]",
            "[(put|set|move|slide)] [the] (sunroof|sun roof|moonroof|moon roof) [back|open] "
            "(to|at) {percent:position_pct} [percent] [open]",
            "slide [the] (sunroof|sun roof|moonroof|moon roof) open [{amount:position_pct}]",
        ), args={"position_pct": 100}),
        Sentences((
            f"{_CRACK} [the] (sunroof|sun roof|moonroof|moon roof|roof) [a (bit|little|touch)]",
            f"{_CRACK} [the] (sunroof|sun roof|moonroof|moon roof) [(to|at)] "
            "{percent:position_pct} percent",
            f"{_CRACK} [the] (sunroof|sun roof|moonroof|moon roof) {{amount:position_pct}}",
        ), args={"position_pct": 20}),
        Sentences((
            f"{_CLOSE} [the] (sunroof|sun roof|moonroof|moon roof|roof) [all the way|fully]",
            "[the] (sunroof|sun roof|moonroof|roof) (closed|shut)",
        ), args={"position_pct": 0}),
        Sentences((
            f"{_CLOSE} [the] (sunroof|sun roof|moonroof|moon roof|roof) (to|at) "
            "{percent:position_pct} [percent] [open]",
            f"{_CLOSE} [the] (sunroof|sun roof|moonroof|moon roof|roof) [(to|at)] "
            "({percent:position_pct} percent|{fraction:position_pct}) open",
        )),
        Sentences((f"{_CLOSE} [the] (sunroof|sun roof|moonroof|roof) (halfway|half way)",),
                  args={"position_pct": 50}),
    ),
    examples=(
              "open the sunroof",
              "close the sunroof"),
    ask={"position_pct": "How far open, in percent?"},
    referent="the sunroof",
)


SET_SUNROOF: Tool[SetSunroofArgs] = Tool(
    name="set_sunroof",
    language=SET_SUNROOF_LANGUAGE,
    topics=("sunroof", "sun roof", "moonroof", "roof"),
    description="Slide the sunroof to a position in percent open (0 = closed, 100 = fully "
                f"open). It cannot be opened above {SUNROOF_MAX_KMH:g} km/h.",
    action="move the sunroof",
    usage="I can move the sunroof anywhere from 0 percent, closed, to 100 percent, fully open.",
    args_model=SetSunroofArgs,
    commands=lambda a: (CommandFrame("SUNROOF_CMD", {"SunroofTargetPos": a.position_pct}),),
    confirmed=lambda a, fresh: _on_its_way(fresh.number("SunroofPos"),
                                           fresh.text("SunroofMotion"), a.position_pct),
    report=_sunroof_report,
    reply=_sunroof_reply,
    links=(SignalLink("position_pct", "SUNROOF_CMD", "SunroofTargetPos"),),
    reads=("SunroofPos", "SunroofMotion"),
    policy=ToolPolicy(constraints=(
        Constraint("sunroof_at_speed", ("VehicleSpeed",),
                   lambda a, s: a.position_pct > 0
                   and (s.number("VehicleSpeed") or 0.0) > SUNROOF_MAX_KMH,
                   f"I can only open the sunroof below {SUNROOF_MAX_KMH:g} kilometres per "
                   "hour."),
    )),
)
