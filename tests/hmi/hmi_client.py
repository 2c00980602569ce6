"""A head unit in a second process: subscribes to the assistant's signals with pydbus.

    python hmi_client.py listen ADDRESS BUS_NAME STOP_MEMBER

Prints ``READY`` once the subscription is in place on the bus, then one JSON object per signal
from BUS_NAME at /org/cabin/Assistant1 (``interface``, ``member``, ``args``), and exits 0 after
the first signal named STOP_MEMBER (exit 2 if none comes within 30 s).
"""

from __future__ import annotations

import json
import sys
from typing import Any

import pydbus
from gi.repository import GLib


def listen(address: str, name: str, stop_member: str) -> int:
    bus = pydbus.connect(address)
    loop = GLib.MainLoop()
    status = {"code": 2}

    def fired(_sender: str, _path: str, iface: str, member: str, args: Any) -> None:
        print(json.dumps({"interface": iface, "member": member, "args": list(args)}), flush=True)
        if member == stop_member:
            status["code"] = 0
            loop.quit()

    subscription = bus.subscribe(sender=name, object="/org/cabin/Assistant1",
                                 signal_fired=fired)
    bus.dbus.GetId()  # a round trip: the bus has processed the AddMatch before READY
    print("READY", flush=True)
    GLib.timeout_add_seconds(30, loop.quit)
    loop.run()
    subscription.unsubscribe()
    return status["code"]


if __name__ == "__main__":
    if len(sys.argv) != 5 or sys.argv[1] != "listen":
        sys.exit(__doc__)
    sys.exit(listen(*sys.argv[2:]))
