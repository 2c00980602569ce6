"""Central locking and lights: ``DOOR_CMD`` / ``DOOR_STATUS``, ``LIGHT_CMD`` / ``LIGHT_STATUS``.

Unlocking is the one tool that can let a stranger in: parked only, with the driver's spoken
confirmation, and rate limited. High beams and fog lights exclude each other (dazzle in fog).
The headlights go off on the road only in daylight: unless the car is parked, switching them off
needs the light sensor (``LIGHT_STATUS.AmbientLight``) to say DAY (`HEADLIGHTS_OFF_IN_THE_DARK`).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

from pydantic import Field

from vehicle_tools.commands import CommandFrame
from vehicle_tools.language import Complaint, Language, Sentences, values
from vehicle_tools.registry import Report, SignalLink, Tool, ToolArgs
from vehicle_tools.safety import (
    DRIVING_SIGNALS,
    PARKED,
    Constraint,
    RateLimit,
    ToolPolicy,
    driving_state,
)
from vehicle_tools.state import VehicleState
from vehicle_tools.tools.common import missing, on_off


class NoArgs(ToolArgs):
    """A tool without arguments."""


def _lock_report(args: NoArgs, state: VehicleState) -> Report:
    locked = state.text("DoorLocked")
    if locked is None:
        raise missing("door locks")
    return {"doors_locked": locked == "LOCKED"}


_DOORS = "(door[s]|car|it|truck|ute|bakkie|van|vehicle|motor|wagon)"
_ALL_DOORS = "[the|all the|all|my|all [the] (four|five)|both]"
LOCK_DOORS_LANGUAGE = Language(sentences=(Sentences((
    f"lock [up] {_ALL_DOORS} ({_DOORS}|them)", f"lock [all] [the] {_DOORS} [up]",
    "(lock up|lock everything)", "central locking on", "lock (her|it) up [tight]",
)),), complaints=(Complaint(feel=("nobody can get in", "no one can get in", "anyone getting in",
                                  "anybody getting in", "someone getting in", "dodgy area"),
                            means="lock the doors"),),
    model_examples=(("lock up", {}),),
)


LOCK_DOORS: Tool[NoArgs] = Tool(
    name="lock_doors",
    language=LOCK_DOORS_LANGUAGE,
    topics=("lock", "door"),
    description="Lock all doors and the trunk (central locking).",
    action="lock the doors",
    usage="I can lock all the doors.",
    args_model=NoArgs,
    commands=lambda a: (CommandFrame("DOOR_CMD", {"DoorLockReq": "LOCK"}),),
    confirmed=lambda a, fresh: fresh.text("DoorLocked") == "LOCKED",
    report=_lock_report,
    reply=lambda a, r: "The doors are locked." if r["doors_locked"] else "The doors are unlocked.",
    reads=("DoorLocked",),
    policy=ToolPolicy(rate_limit=RateLimit(calls=5, per_s=30.0)),
)

UNLOCK_DOORS_LANGUAGE = Language(sentences=(Sentences((
    f"unlock {_ALL_DOORS} ({_DOORS}|them)", "open the (locks|lock)", "unlock everything",
    "central locking off", "pop the locks",
    "let (the kids|them|me|us|him|her|everyone|the passengers|my passenger) out",
)),), complaints=(Complaint(feel=("cant get out", "can not get out", "locked in",
                                  "still locked", "want to get out", "wants to get out",
                                  "needs to get out", "need to get out"),
                            means="unlock the doors"),))



UNLOCK_DOORS: Tool[NoArgs] = Tool(
    name="unlock_doors",
    language=UNLOCK_DOORS_LANGUAGE,
    topics=("unlock", "door"),
    description="Unlock all doors and the trunk. Only when the car is parked, and only after "
                "the driver confirms.",
    action="unlock the doors",
    usage="I can unlock the doors when the car is parked.",
    args_model=NoArgs,
    commands=lambda a: (CommandFrame("DOOR_CMD", {"DoorLockReq": "UNLOCK"}),),
    confirmed=lambda a, fresh: fresh.text("DoorLocked") == "UNLOCKED",
    report=_lock_report,
    reply=lambda a, r: "The doors are locked." if r["doors_locked"] else "The doors are unlocked.",
    reads=("DoorLocked",),
    policy=ToolPolicy(allowed_in=PARKED, needs_confirmation=True,
                      rate_limit=RateLimit(calls=3, per_s=60.0)),
)

Light = Literal["headlights", "high_beam", "fog_lights", "interior"]
_SPOKEN_LIGHT: Mapping[Light, str] = MappingProxyType({
    "headlights": "The headlights are", "high_beam": "The high beams are",
    "fog_lights": "The fog lights are", "interior": "The interior light is"})


class SetLightsArgs(ToolArgs):
    """Arguments of ``set_lights``."""

    light: Light = Field(description=(
        "which light: headlights (low beam), high_beam, fog_lights (front fog lights) or "
        "interior (dome light)"))
    on: bool = Field(description="true to switch it on, false for off")
    brightness_pct: int = Field(default=100, ge=1, le=100, description=(
        "interior light brightness when switching it on, percent, 1 to 100; ignored for the "
        "other lights"))


def _light_frame(a: SetLightsArgs) -> CommandFrame:
    match a.light:
        case "headlights":
            return CommandFrame("LIGHT_CMD", {"LightCmdItem": "HEADLIGHTS",
                                              "HeadlightReq": "LOW" if a.on else "OFF"})
        case "high_beam":
            return CommandFrame("LIGHT_CMD", {"LightCmdItem": "HEADLIGHTS",
                                              "HeadlightReq": "HIGH" if a.on else "LOW"})
        case "fog_lights":
            return CommandFrame("LIGHT_CMD", {"LightCmdItem": "FOG", "FogReq": on_off(a.on)})
        case "interior":
            return CommandFrame("LIGHT_CMD", {"LightCmdItem": "INTERIOR",
                                              "InteriorReq": a.brightness_pct if a.on else 0})


def _light_confirmed(a: SetLightsArgs, fresh: VehicleState) -> bool:
    match a.light:
        case "headlights":
            mode = fresh.text("HeadlightMode")
            return mode is not None and (mode in ("LOW", "HIGH")) == a.on
        case "high_beam":
            return fresh.text("HeadlightMode") == ("HIGH" if a.on else "LOW")
        case "fog_lights":
            return fresh.text("FogLightsOn") == on_off(a.on)
        case "interior":
            return fresh.number("InteriorLight") == (a.brightness_pct if a.on else 0)


def _light_report(a: SetLightsArgs, state: VehicleState) -> Report:
    mode, fog, interior = (state.text("HeadlightMode"), state.text("FogLightsOn"),
                           state.number("InteriorLight"))
    if mode is None or fog is None or interior is None:
        raise missing("lights")
    return {"headlight_mode": mode.lower(), "fog_lights_on": fog == "ON",
            "interior_light_pct": int(interior)}


def _light_reply(a: SetLightsArgs, r: Report) -> str:
    on = {"headlights": r["headlight_mode"] in ("low", "high"),
          "high_beam": r["headlight_mode"] == "high",
          "fog_lights": bool(r["fog_lights_on"]),
          "interior": int(r["interior_light_pct"]) > 0}[a.light]
    return f"{_SPOKEN_LIGHT[a.light]} {'on' if on else 'off'}."


def _headlights_off(a: SetLightsArgs) -> bool:
    return a.light == "headlights" and not a.on


def _dark_on_the_road(a: SetLightsArgs, s: VehicleState) -> bool:
    return driving_state(s) != "parked" and s.text("AmbientLight") != "DAY"


HEADLIGHTS_OFF_IN_THE_DARK = Constraint(
    "headlights_off_in_the_dark", (*DRIVING_SIGNALS, "AmbientLight"), _dark_on_the_road,
    "It's dark outside, so I can only switch the headlights off when the car is parked.",
    applies=_headlights_off)
"""Headlights off (``HeadlightReq`` OFF) only when the car is parked or the light sensor says
DAY. Moving, or stopped in gear (at a light, in traffic), with ``AmbientLight`` NIGHT, the call
is refused with that sentence; without a recent gear, speed or light-sensor reading it is
refused as ``not_available``. Other lights (high beams off = back to low beam, fog, interior)
are not concerned."""


_LIGHT = "{light}"
_DARK = ("dark", "pitch dark", "pitch black", "so dark", "too dark", "getting dark",
         "cant see", "can hardly see", "can barely see", "hardly see", "barely see")

SET_LIGHTS_LANGUAGE = Language(
    complaints=(
        Complaint(feel=_DARK, about=("road", "ahead", "where im going", "where we are going"),
                  means="turn the headlights on"),
        Complaint(feel=_DARK, about=("in here", "dropped", "cant find", "looking for",
                                     "inside", "back seat"), means="turn the interior light on"),
        Complaint(feel=("blinding", "dazzling", "dazzle", "too bright", "flashing me",
                        "keep flashing", "flashing their lights"),
                  about=("oncoming", "other drivers", "beams", "high beams", "brights",
                         "full beam", "traffic"), means="turn the high beams off"),
        Complaint(feel=("blinding", "dazzling", "too bright"),
                  about=("fog lights", "fogs", "fog lamps"), means="turn the fog lights off"),
        Complaint(feel=("too bright", "blinding", "dazzling"),
                  about=("in here", "that light", "interior light", "dome light",
                         "reading light", "light inside", "cabin light", "inside light"),
                  means="turn the interior light off"),
        Complaint(feel=("fog", "foggy", "fogs so thick", "thick fog", "fog is so thick",
                        "so much fog", "fogs really thick", "fog is really thick"),
                  about=("road", "ahead", "car in front", "see", "out there"),
                  means="turn the fog lights on"),
    ),
    sentences=(
        Sentences((
            f"(turn|switch|put|flip) [the] {_LIGHT} on",
            f"(turn|switch|put|flip) on [the] {_LIGHT}",
            f"[the] {_LIGHT} on", f"(enable|activate|use) [the] {_LIGHT}", f"on the {_LIGHT}",
            # a light asked for by name with a please ("it's getting dark, headlights
            # please"); named alone it may be a question for the manual ("fog lights")
            f"[the|some] {_LIGHT} please",
            f"open [the] {_LIGHT}",  # "open the light": French, Spanish, Italian, Chinese
        ), args={"on": True}),
        Sentences((
            f"(turn|switch|put|flip|shut) [the] {_LIGHT} off",
            f"(turn|switch|flip|shut) off [the] {_LIGHT}", f"[the] {_LIGHT} off",
            f"off the {_LIGHT}",
            f"(disable|deactivate|kill) [the] {_LIGHT}", f"close [the] {_LIGHT}",
            f"off with [the] {_LIGHT}",
        ), args={"on": False}),
        Sentences((
            "[(turn|switch|put|set)] [the] {light} [on] (to|at) {percent:brightness_pct} percent",
            "{light} on at {percent:brightness_pct} percent",
            # only a brightness is a percentage: a bare number after "to"/"at" is one
            "[(turn|switch|put|set)] [the] {light} [on] (to|at) {percent:brightness_pct}",
            "(dim|brighten) [the] {light} [(down|up)] [(to|at)] {percent:brightness_pct} "
            "[percent]", "(turn|switch|put) on [the] {light} (to|at) {percent:brightness_pct} "
            "[percent]",
            "{light} [on] [at] {percent:brightness_pct} percent",
            "[the] {light} brightness [(to|at)] {percent:brightness_pct} [percent]",
        ), args={"on": True}),
        Sentences(("[(turn|switch|put|set)] [the] {light} [on] (at|to) half [brightness]",
                   "[the] {light} at half brightness"), args={"on": True, "brightness_pct": 50}),
        Sentences(("[(turn|switch|put|set)] [the] {light} [on] (at|to) (full|max|maximum) "
                   "brightness", "(turn|switch|put) [on] [the] (interior|dome|cabin|reading) "
                   "(light|lamp) [on] at (full|max|maximum) [brightness]"),
                  args={"on": True, "brightness_pct": 100, "light": "interior"}),
        Sentences((  # no light named: "Which light?"
            "(turn|switch|put|flip) [the] light on", "(turn|switch|put|flip) on [the] light",
        ), args={"on": True}),
        Sentences((
            "(turn|switch|put|flip|shut) [the] light off",
            "(turn|switch|flip|shut) off [the] light",
        ), args={"on": False}),
    ),
    ask={"light": "Which light?", "on": "On or off?",
         "brightness_pct": "How bright, in percent?"},
    lists={"light": values(
        ("[normal|regular|ordinary] (headlights|headlight|head lights|head light|headlamp[s]|"
         "head lamp[s]|low beam[s]|"
         "dipped beam[s]|dipped (lights|headlights)|dip beam[s]|lights)",
         "headlights"),
        ("(high beam[s]|full beam[s]|brights|main beam[s])", "high_beam"),
        ("[front] (fog lights|fog light|fog lamp[s]|foglights|fogs|foggies)", "fog_lights"),
        ("(interior|dome|cabin|reading|inside|courtesy) (light|lights|lamp)", "interior"),
        ("(light|lights|lamp) inside", "interior"))},
)


SET_LIGHTS: Tool[SetLightsArgs] = Tool(
    name="set_lights",
    language=SET_LIGHTS_LANGUAGE,
    topics=("light", "headlight", "beam", "brights", "fog lamp", "dome", "dark", "lamp"),
    description="Switch the headlights, high beams, front fog lights or interior light on or "
                "off. High beams and fog lights cannot be on together.",
    action="change the lights",
    usage="I can switch the headlights, high beams, fog lights or interior light on or off.",
    args_model=SetLightsArgs,
    commands=lambda a: (_light_frame(a),),
    confirmed=_light_confirmed,
    report=_light_report,
    reply=_light_reply,
    links=(SignalLink("brightness_pct", "LIGHT_CMD", "InteriorReq"),),
    reads=("HeadlightMode", "FogLightsOn", "InteriorLight"),
    policy=ToolPolicy(
        rate_limit=RateLimit(calls=6, per_s=10.0),
        constraints=(
            Constraint("high_beam_with_fog", ("FogLightsOn",),
                       lambda a, s: a.light == "high_beam" and a.on
                       and s.text("FogLightsOn") == "ON",
                       "I can't switch the high beams on while the fog lights are on."),
            Constraint("fog_with_high_beam", ("HeadlightMode",),
                       lambda a, s: a.light == "fog_lights" and a.on
                       and s.text("HeadlightMode") == "HIGH",
                       "I can't switch the fog lights on while the high beams are on."),
            HEADLIGHTS_OFF_IN_THE_DARK,
        )),
)
