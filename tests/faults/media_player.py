"""The car's media player as a process of its own on a D-Bus (the simulated MPRIS player of
vehicle_tools/sim), which can crash in the middle of a call.

    python tests/faults/media_player.py ADDRESS [--crash-on-play]

Publishes the simulated media, navigation and phone services on ADDRESS, prints READY, and
serves until its stdin closes. With --crash-on-play, a Play call kills the process before it
answers (os._exit): the service vanishes mid-call, as a crashing player does.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from vehicle_tools.sim.dbus_host import DbusServiceHost


def main(argv: list[str]) -> int:
    host = DbusServiceHost(argv[0])
    if "--crash-on-play" in argv:
        def crash() -> None:
            os._exit(3)
        host.media.Play = crash  # type: ignore[method-assign]  # called by pydbus by name
    host.start()
    print("READY", flush=True)
    sys.stdin.read()
    host.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
