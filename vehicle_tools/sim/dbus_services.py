"""Simulated D-Bus services: an MPRIS media player, navigation and phone (Cabin's interfaces).

Plain objects published with pydbus (their ``dbus`` attribute is the introspection XML from
`vehicle_tools.dbus_api`); they run in the `DbusServiceHost` thread, never on the event loop.
Each records every call and property write it receives in a shared `CallRecorder`, including the
ones it refuses (a volume outside 0.0-1.0 is refused, never clamped), so tests can assert on what
reached the services.
"""

# ruff: noqa: N802  # D-Bus member names are CamelCase by the MPRIS and Cabin interface specs

from __future__ import annotations

import hashlib
import logging
import threading
from dataclasses import dataclass
from typing import Any

from pydbus.generic import signal

from vehicle_tools.dbus_api import (
    MEDIA_NOT_FOUND,
    MPRIS_PLAYER,
    MPRIS_XML,
    NAV_NOT_FOUND,
    NAVIGATION,
    NAVIGATION_XML,
    PHONE,
    PHONE_XML,
    UNKNOWN_CONTACT,
)
from vehicle_tools.sim.places import search

logger = logging.getLogger(__name__)

LIBRARY: tuple[tuple[str, str], ...] = (
    ("Bohemian Rhapsody", "Queen"), ("Take Five", "The Dave Brubeck Quartet"),
    ("Clair de Lune", "Claude Debussy"), ("Superstition", "Stevie Wonder"),
    ("Hey Jude", "The Beatles"))
"""The simulated media library: (title, artist)."""
CONTACTS: dict[str, str] = {
    "Mom": "+44 20 7946 0001", "Alice": "+44 20 7946 0002", "Bob Smith": "+44 20 7946 0003",
    "Office": "+44 20 7946 0004"}
"""The simulated phone book: name -> number."""


def _named(name: str) -> type[Exception]:
    # pydbus answers an exception with a D-Bus error named after its class (if it has a dot).
    return type(name, (Exception,), {})


@dataclass(frozen=True, slots=True)
class RecordedCall:
    """One call or property write a simulated service received."""

    service: str
    member: str
    args: tuple[object, ...]
    accepted: bool


class CallRecorder:
    """Thread-safe list of `RecordedCall` (written by the GLib thread, read by tests)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._calls: list[RecordedCall] = []

    def record(self, service: str, member: str, *args: object, accepted: bool = True) -> None:
        """Append one call."""
        with self._lock:
            self._calls.append(RecordedCall(service, member, args, accepted))

    def take(self) -> list[RecordedCall]:
        """Every call recorded since the last take."""
        with self._lock:
            calls, self._calls = self._calls, []
        return calls


class MediaPlayer:
    """MPRIS media player (root + Player interfaces) with Cabin's PlaySearch."""

    dbus = MPRIS_XML
    PropertiesChanged = signal()
    Seeked = signal()

    def __init__(self, recorder: CallRecorder) -> None:
        self._recorder = recorder
        self._track = 0
        self._status = "Stopped"
        self._volume = 0.5
        self.LoopStatus = "None"
        self.Rate = 1.0
        self.Shuffle = False

    # org.mpris.MediaPlayer2
    def Raise(self) -> None:
        self._recorder.record("media", "Raise")

    def Quit(self) -> None:
        self._recorder.record("media", "Quit", accepted=False)

    CanQuit = False
    CanRaise = False
    HasTrackList = False
    Identity = "Cabin simulated player"

    @property
    def SupportedUriSchemes(self) -> list[str]:
        return ["file"]

    @property
    def SupportedMimeTypes(self) -> list[str]:
        return ["audio/mpeg"]

    # org.mpris.MediaPlayer2.Player
    def Next(self) -> None:
        self._recorder.record("media", "Next")
        self._set_track((self._track + 1) % len(LIBRARY), "Playing")

    def Previous(self) -> None:
        self._recorder.record("media", "Previous")
        self._set_track((self._track - 1) % len(LIBRARY), "Playing")

    def Pause(self) -> None:
        self._recorder.record("media", "Pause")
        self._set_status("Paused")

    def PlayPause(self) -> None:
        self._recorder.record("media", "PlayPause")
        self._set_status("Paused" if self._status == "Playing" else "Playing")

    def Stop(self) -> None:
        self._recorder.record("media", "Stop")
        self._set_status("Stopped")

    def Play(self) -> None:
        self._recorder.record("media", "Play")
        self._set_status("Playing")

    def Seek(self, offset: int) -> None:
        self._recorder.record("media", "Seek", offset)

    def SetPosition(self, track_id: str, position: int) -> None:
        self._recorder.record("media", "SetPosition", track_id, position)

    def OpenUri(self, uri: str) -> None:
        self._recorder.record("media", "OpenUri", uri, accepted=False)

    @property
    def PlaybackStatus(self) -> str:
        return self._status

    @property
    def Metadata(self) -> dict[str, Any]:
        from gi.repository import GLib

        title, artist = LIBRARY[self._track]
        return {"mpris:trackid": GLib.Variant("o", f"/org/cabin/track/{self._track}"),
                "xesam:title": GLib.Variant("s", title),
                "xesam:artist": GLib.Variant("as", [artist])}

    @property
    def Volume(self) -> float:
        return self._volume

    @Volume.setter
    def Volume(self, value: float) -> None:
        ok = isinstance(value, float) and 0.0 <= value <= 1.0
        self._recorder.record("media", "Set.Volume", value, accepted=ok)
        if not ok:
            logger.warning("simulated player: refusing volume %r", value)
            raise _named("org.mpris.MediaPlayer2.Error.InvalidArgs")(f"volume {value!r}")
        self._volume = value
        self.PropertiesChanged(MPRIS_PLAYER, {"Volume": value}, [])

    Position = 0
    MinimumRate = 1.0
    MaximumRate = 1.0
    CanGoNext = True
    CanGoPrevious = True
    CanPlay = True
    CanPause = True
    CanSeek = False
    CanControl = True

    # org.cabin.MediaSearch1
    def PlaySearch(self, query: str) -> str:
        words = query.lower().split()
        for index, (title, artist) in enumerate(LIBRARY):
            text = f"{title} {artist}".lower()
            if words and all(w in text for w in words):
                self._recorder.record("media", "PlaySearch", query)
                self._set_track(index, "Playing")
                return title
        self._recorder.record("media", "PlaySearch", query, accepted=False)
        raise _named(MEDIA_NOT_FOUND)("nothing matches")  # the words stay out of the log

    def _set_track(self, index: int, status: str) -> None:
        self._track, self._status = index, status
        self.PropertiesChanged(MPRIS_PLAYER, {"PlaybackStatus": status,
                                              "Metadata": self.Metadata}, [])

    def _set_status(self, status: str) -> None:
        self._status = status
        self.PropertiesChanged(MPRIS_PLAYER, {"PlaybackStatus": status}, [])


class Navigation:
    """``org.cabin.Navigation1``: searches the simulated map (`vehicle_tools.sim.places`) and
    routes to any place name with letters or digits in it (Cabin searches first).

    Distance is derived from the name (2 to 80 km, deterministic); ETA assumes 50 km/h.
    """

    dbus = NAVIGATION_XML
    PropertiesChanged = signal()
    RouteChanged = signal()

    def __init__(self, recorder: CallRecorder) -> None:
        self._recorder = recorder
        self.Active = False
        self.Destination = ""
        self.DistanceMeters = 0
        self.EtaSeconds = 0

    def SetDestination(self, destination: str) -> tuple[str, int]:
        resolved = destination.strip()
        if not any(c.isalnum() for c in resolved):
            self._recorder.record("navigation", "SetDestination", destination, accepted=False)
            raise _named(NAV_NOT_FOUND)("no such place")  # pydbus logs the message
        self._recorder.record("navigation", "SetDestination", destination)
        digest = int(hashlib.sha256(resolved.lower().encode()).hexdigest()[:8], 16)
        self.DistanceMeters = 2000 + digest % 78_000
        self.EtaSeconds = round(self.DistanceMeters / (50_000 / 3600))
        self.Active, self.Destination = True, resolved
        self._changed()
        return resolved, self.EtaSeconds

    def Search(self, query: str) -> list[tuple[str, bool]]:
        """The map's places for ``query``, best first, each with whether it is sure
        (`vehicle_tools.sim.places.search`); a search changes nothing."""
        found = search(query)
        self._recorder.record("navigation", "Search", query, accepted=bool(found))
        return found

    def CancelRoute(self) -> None:
        self._recorder.record("navigation", "CancelRoute")
        self.Active, self.Destination, self.DistanceMeters, self.EtaSeconds = False, "", 0, 0
        self._changed()

    def _changed(self) -> None:
        self.PropertiesChanged(NAVIGATION, {"Active": self.Active,
                                            "Destination": self.Destination}, [])
        self.RouteChanged(self.Destination, self.Active)


class Phone:
    """``org.cabin.Phone1``: dials contacts of `CONTACTS` (case-insensitive)."""

    dbus = PHONE_XML
    PropertiesChanged = signal()
    CallStateChanged = signal()

    def __init__(self, recorder: CallRecorder) -> None:
        self._recorder = recorder
        self.CallState = "idle"
        self.Contact = ""
        self.Contacts = sorted(CONTACTS)

    def Dial(self, contact: str) -> str:
        match = next((n for n in CONTACTS if n.lower() == contact.strip().lower()), None)
        if match is None:
            self._recorder.record("phone", "Dial", contact, accepted=False)
            raise _named(UNKNOWN_CONTACT)("no such contact")  # pydbus logs the message
        self._recorder.record("phone", "Dial", contact)
        self.CallState, self.Contact = "dialing", match
        self._changed()
        return CONTACTS[match]

    def Hangup(self) -> None:
        self._recorder.record("phone", "Hangup")
        self.CallState, self.Contact = "idle", ""
        self._changed()

    def _changed(self) -> None:
        self.PropertiesChanged(PHONE, {"CallState": self.CallState}, [])
        self.CallStateChanged(self.CallState, self.Contact)
