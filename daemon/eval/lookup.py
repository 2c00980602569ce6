"""What the dispatcher's lookup of free-text arguments does to a plan, on the simulated car.

The text and spoken evaluations score the fast path's plan, before the dispatcher. But a call
whose free-text argument has a `vehicle_tools.names.Directory` (the contact in the phone book,
the destination on the map) is looked up before anything is sent: a name the simulated phone
book or map is not sure of is asked about ("Did you mean Heathrow Airport?") or said not to
exist ("I couldn't find camera, John, turn on the map."), and nothing moves. `stopped` says
whether that happens to a plan's calls, with the simulator's own data
(`vehicle_tools.sim.dbus_services.CONTACTS`, `vehicle_tools.sim.places.search`), so the
evaluations can report the wrong actions that are left after it. Pure.

The simulated map is small (docs/vehicle.md): a right destination it does not know is stopped
too, so the evaluations count those separately, never as right or wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from vehicle_tools.names import Directory, NameMatch, match_name, match_search
from vehicle_tools.registry import Tool
from vehicle_tools.sim.dbus_services import CONTACTS
from vehicle_tools.sim.places import search
from vehicle_tools.tools import ALL_TOOLS

_TOOLS: Mapping[str, Tool[Any]] = {t.name: t for t in ALL_TOOLS if t.directories}

LISTS: Mapping[str, Callable[[], Sequence[str]]] = {"phone.Contacts": lambda: sorted(CONTACTS)}
"""The simulated services' lists, by `Directory.key`."""
SEARCHES: Mapping[str, Callable[[str], Sequence[tuple[str, bool]]]] = {
    "navigation.Search": search}
"""The simulated services' searches, by `Directory.key`."""


def _match(directory: Directory, heard: str) -> NameMatch | None:
    if directory.search:
        find = SEARCHES.get(directory.key)
        return None if find is None else match_search(find(heard))
    entries = LISTS.get(directory.key)
    return None if entries is None else match_name(heard, entries())


def stopped(calls: Iterable[Any]) -> bool:
    """Whether the dispatcher would ask about or refuse one of ``calls`` (objects with
    ``tool`` and ``args``) for a free-text argument the simulated car's phone book or map is
    not sure of, before anything is sent."""
    for call in calls:
        tool = _TOOLS.get(call.tool)
        for arg, directory in () if tool is None else tool.directories.items():
            heard = call.args.get(arg)
            if not isinstance(heard, str):
                continue
            match = _match(directory, heard)
            if match is not None and match.kind != "sure":
                return True
    return False
