"""The D-Bus interfaces Cabin talks to: names, paths, introspection XML, state keys.

- Media: the standard MPRIS interfaces (``org.mpris.MediaPlayer2`` and
  ``org.mpris.MediaPlayer2.Player``, https://specifications.freedesktop.org/mpris-spec/latest/)
  plus Cabin's ``org.cabin.MediaSearch1`` (MPRIS has no search) on the same object.
- Navigation: ``org.cabin.Navigation1``. Phone: ``org.cabin.Phone1``.

The XML here is the contract: the simulator publishes exactly these interfaces, docs/vehicle.md
describes them, and the backend reads their properties into ``service.Property`` state keys
(``media.Volume``, ``navigation.EtaSeconds``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from vehicle_tools.commands import DbusService

MPRIS_ROOT = "org.mpris.MediaPlayer2"
MPRIS_PLAYER = "org.mpris.MediaPlayer2.Player"
MEDIA_SEARCH = "org.cabin.MediaSearch1"
NAVIGATION = "org.cabin.Navigation1"
PHONE = "org.cabin.Phone1"

MEDIA_NOT_FOUND = "org.cabin.MediaSearch1.Error.NotFound"
NAV_NOT_FOUND = "org.cabin.Navigation1.Error.NotFound"
UNKNOWN_CONTACT = "org.cabin.Phone1.Error.UnknownContact"


@dataclass(frozen=True, slots=True)
class ServiceAddress:
    """Where a service lives on the bus and which interface's properties describe its state.

    Attributes:
        bus_name: the well-known bus name.
        path: the object path.
        state_interface: the interface whose properties are read (GetAll) after each call.
    """

    bus_name: str
    path: str
    state_interface: str


DEFAULT_SERVICES: Mapping[DbusService, ServiceAddress] = MappingProxyType({
    "media": ServiceAddress("org.mpris.MediaPlayer2.cabin", "/org/mpris/MediaPlayer2",
                            MPRIS_PLAYER),
    "navigation": ServiceAddress("org.cabin.Navigation", "/org/cabin/Navigation", NAVIGATION),
    "phone": ServiceAddress("org.cabin.Phone", "/org/cabin/Phone", PHONE),
})

MPRIS_XML = f"""
<node>
  <interface name="{MPRIS_ROOT}">
    <method name="Raise"/>
    <method name="Quit"/>
    <property name="CanQuit" type="b" access="read"/>
    <property name="CanRaise" type="b" access="read"/>
    <property name="HasTrackList" type="b" access="read"/>
    <property name="Identity" type="s" access="read"/>
    <property name="SupportedUriSchemes" type="as" access="read"/>
    <property name="SupportedMimeTypes" type="as" access="read"/>
  </interface>
  <interface name="{MPRIS_PLAYER}">
    <method name="Next"/>
    <method name="Previous"/>
    <method name="Pause"/>
    <method name="PlayPause"/>
    <method name="Stop"/>
    <method name="Play"/>
    <method name="Seek"><arg name="Offset" type="x" direction="in"/></method>
    <method name="SetPosition">
      <arg name="TrackId" type="o" direction="in"/>
      <arg name="Position" type="x" direction="in"/>
    </method>
    <method name="OpenUri"><arg name="Uri" type="s" direction="in"/></method>
    <signal name="Seeked"><arg name="Position" type="x"/></signal>
    <property name="PlaybackStatus" type="s" access="read">
      <annotation name="org.freedesktop.DBus.Property.EmitsChangedSignal" value="true"/>
    </property>
    <property name="LoopStatus" type="s" access="readwrite"/>
    <property name="Rate" type="d" access="readwrite"/>
    <property name="Shuffle" type="b" access="readwrite"/>
    <property name="Metadata" type="a{{sv}}" access="read">
      <annotation name="org.freedesktop.DBus.Property.EmitsChangedSignal" value="true"/>
    </property>
    <property name="Volume" type="d" access="readwrite">
      <annotation name="org.freedesktop.DBus.Property.EmitsChangedSignal" value="true"/>
    </property>
    <property name="Position" type="x" access="read"/>
    <property name="MinimumRate" type="d" access="read"/>
    <property name="MaximumRate" type="d" access="read"/>
    <property name="CanGoNext" type="b" access="read"/>
    <property name="CanGoPrevious" type="b" access="read"/>
    <property name="CanPlay" type="b" access="read"/>
    <property name="CanPause" type="b" access="read"/>
    <property name="CanSeek" type="b" access="read"/>
    <property name="CanControl" type="b" access="read"/>
  </interface>
  <interface name="{MEDIA_SEARCH}">
    <method name="PlaySearch">
      <arg name="query" type="s" direction="in"/>
      <arg name="title" type="s" direction="out"/>
    </method>
  </interface>
</node>
"""

NAVIGATION_XML = f"""
<node>
  <interface name="{NAVIGATION}">
    <method name="SetDestination">
      <arg name="destination" type="s" direction="in"/>
      <arg name="resolved" type="s" direction="out"/>
      <arg name="eta_seconds" type="u" direction="out"/>
    </method>
    <method name="CancelRoute"/>
    <method name="Search">
      <arg name="query" type="s" direction="in"/>
      <arg name="places" type="a(sb)" direction="out"/>
    </method>
    <signal name="RouteChanged">
      <arg name="destination" type="s"/>
      <arg name="active" type="b"/>
    </signal>
    <property name="Active" type="b" access="read">
      <annotation name="org.freedesktop.DBus.Property.EmitsChangedSignal" value="true"/>
    </property>
    <property name="Destination" type="s" access="read">
      <annotation name="org.freedesktop.DBus.Property.EmitsChangedSignal" value="true"/>
    </property>
    <property name="EtaSeconds" type="u" access="read"/>
    <property name="DistanceMeters" type="u" access="read"/>
  </interface>
</node>
"""

PHONE_XML = f"""
<node>
  <interface name="{PHONE}">
    <method name="Dial">
      <arg name="contact" type="s" direction="in"/>
      <arg name="number" type="s" direction="out"/>
    </method>
    <method name="Hangup"/>
    <signal name="CallStateChanged">
      <arg name="state" type="s"/>
      <arg name="contact" type="s"/>
    </signal>
    <property name="CallState" type="s" access="read">
      <annotation name="org.freedesktop.DBus.Property.EmitsChangedSignal" value="true"/>
    </property>
    <property name="Contact" type="s" access="read"/>
    <property name="Contacts" type="as" access="read"/>
  </interface>
</node>
"""


def state_values(service: DbusService, props: Mapping[str, object]) -> dict[str, float | int | str]:
    """Turn a GetAll answer into ``service.Property`` state values (plain numbers and strings).

    MPRIS ``Metadata`` becomes ``media.Title`` and ``media.Artist``; booleans stay booleans
    (an int subclass); anything else that is not a number or a string is left out.
    """
    values: dict[str, float | int | str] = {}
    for name, value in props.items():
        if name == "Metadata" and isinstance(value, Mapping):
            title, artist = value.get("xesam:title"), value.get("xesam:artist")
            if isinstance(title, str):
                values[f"{service}.Title"] = title
            if isinstance(artist, list | tuple):
                values[f"{service}.Artist"] = ", ".join(str(a) for a in artist)
        elif isinstance(value, int | float | str):
            values[f"{service}.{name}"] = value
    return values
