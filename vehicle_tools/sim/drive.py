"""Drive profiles for the simulated car: speed and gear as a function of time.

A profile is a list of segments, each ramping the speed linearly from where the previous one
ended to ``speed_kmh`` over ``duration_s`` seconds in ``gear``. It also says what the light
sensor sees (``light``: ``day``, the default, or ``night``; a segment may override it, e.g. a
tunnel). `DriveProfile.at(t_s)` and `DriveProfile.light_at(t_s)` are pure (no clock); the ECU
samples them. Built in: ``parked``, ``city`` (stop-and-go up to 50 km/h) and ``highway`` (up
to 120 km/h), in daylight, and ``city_night`` and ``highway_night``, the same in the dark; or a
YAML file::

    loop: true
    light: night
    segments:
      - {duration_s: 5, gear: D, speed_kmh: 50}
      - {duration_s: 10, gear: D, speed_kmh: 50, light: day}
      - {duration_s: 5, gear: D, speed_kmh: 0}
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from vehicle_tools.errors import ToolError

Gear = Literal["P", "R", "N", "D"]
Light = Literal["day", "night"]
"""What the light sensor sees (LIGHT_STATUS.AmbientLight DAY / NIGHT)."""


class Segment(BaseModel):
    """One stretch of a drive."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    duration_s: float = Field(gt=0, le=86_400, description="how long the segment lasts, s")
    gear: Gear = Field(description="gear during the segment")
    speed_kmh: float = Field(ge=0, le=250, description="speed at the END of the segment, km/h "
                                                       "(linear ramp from the previous end)")
    light: Light | None = Field(default=None, description="what the light sensor sees during "
                                                          "the segment; None = the profile's")


class DriveProfile(BaseModel):
    """A drive: segments, optionally repeated."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    segments: tuple[Segment, ...] = Field(min_length=1)
    loop: bool = Field(default=False, description="start over after the last segment")
    light: Light = Field(default="day", description="what the light sensor sees (segments may "
                                                    "override it)")

    @property
    def duration_s(self) -> float:
        """Length of one pass, seconds."""
        return sum(s.duration_s for s in self.segments)

    def at(self, t_s: float) -> tuple[Gear, float]:
        """Gear and speed (km/h) ``t_s`` seconds after the start."""
        if self.loop:
            t_s %= self.duration_s
        start_kmh = 0.0
        for segment in self.segments:
            if t_s < segment.duration_s:
                fraction = t_s / segment.duration_s
                return segment.gear, start_kmh + (segment.speed_kmh - start_kmh) * fraction
            t_s -= segment.duration_s
            start_kmh = segment.speed_kmh
        last = self.segments[-1]
        return last.gear, last.speed_kmh

    def light_at(self, t_s: float) -> Light:
        """What the light sensor sees ``t_s`` seconds after the start."""
        if self.loop:
            t_s %= self.duration_s
        for segment in self.segments:
            if t_s < segment.duration_s:
                return segment.light or self.light
            t_s -= segment.duration_s
        return self.segments[-1].light or self.light


def _segments(*rows: tuple[float, Gear, float]) -> tuple[Segment, ...]:
    return tuple(Segment(duration_s=d, gear=g, speed_kmh=v) for d, g, v in rows)


_CITY = _segments((3.0, "P", 0.0), (2.0, "D", 0.0), (8.0, "D", 50.0), (20.0, "D", 50.0),
                  (6.0, "D", 0.0), (5.0, "D", 0.0))
_HIGHWAY = _segments((2.0, "D", 0.0), (15.0, "D", 120.0), (60.0, "D", 120.0),
                     (10.0, "D", 80.0))

BUILTIN_PROFILES: dict[str, DriveProfile] = {
    "parked": DriveProfile(segments=_segments((1.0, "P", 0.0)), loop=True),
    "city": DriveProfile(loop=True, segments=_CITY),
    "highway": DriveProfile(loop=True, segments=_HIGHWAY),
    "city_night": DriveProfile(loop=True, segments=_CITY, light="night"),
    "highway_night": DriveProfile(loop=True, segments=_HIGHWAY, light="night"),
}


def load_profile(name_or_path: str) -> DriveProfile:
    """A built-in profile by name, or one read from a YAML file.

    Raises:
        ToolError: ``invalid_arguments`` naming the profile and what is wrong with it.
    """
    if name_or_path in BUILTIN_PROFILES:
        return BUILTIN_PROFILES[name_or_path]
    try:
        data = yaml.safe_load(Path(name_or_path).read_text(encoding="utf-8"))
        return DriveProfile.model_validate(data)
    except (OSError, UnicodeDecodeError, yaml.YAMLError, ValidationError) as exc:
        raise ToolError("invalid_arguments", "The drive profile could not be loaded.",
                        f"{name_or_path}: not one of {sorted(BUILTIN_PROFILES)} and not a valid "
                        f"profile file: {profile_problem(exc)}") from exc


def profile_problem(exc: BaseException | None) -> str:
    """What is wrong with a drive profile file, never quoting its contents (a path given by
    mistake, e.g. /etc/passwd, must not be echoed to the terminal or the journal)."""
    if isinstance(exc, UnicodeDecodeError):
        return "not UTF-8 text"
    if isinstance(exc, OSError):
        return f"cannot read it ({exc.strerror or type(exc).__name__})"
    if isinstance(exc, yaml.YAMLError):
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
        return f"not valid YAML{where}"
    if isinstance(exc, ValidationError):
        problems = []
        for err in exc.errors(include_url=False, include_input=False)[:3]:
            loc = ".".join(str(p) if isinstance(p, int) or p in _PROFILE_KEYS else "(unknown key)"
                           for p in err["loc"])
            problems.append(f"{loc or 'the file'}: {err['msg']}")
        return "; ".join(problems)
    return "not a drive profile"


_PROFILE_KEYS = frozenset(DriveProfile.model_fields) | frozenset(Segment.model_fields)
PROFILE_FORMAT = ("a YAML file like `segments: [{duration_s: 5, gear: D, speed_kmh: 50}]` "
                  "(optional `loop: true`, `light: night`; see vehicle_tools/sim/drive.py)")

