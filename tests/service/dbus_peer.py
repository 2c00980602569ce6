"""A D-Bus peer for the policy tests, run as another user (plain PyGObject, no Cabin imports).

    dbus_peer.py serve  ADDRESS NAME PATH      own NAME, answer Ping / Emit; prints "ready"
    dbus_peer.py call   ADDRESS NAME PATH IFACE.METHOD [TEXT]   prints "ok ..." or "denied ..."
    dbus_peer.py listen ADDRESS                prints "subscribed", then every signal of
                                               org.cabin.Assistant1, until the sentinel signal

`serve` exits with status 3 when it may not own NAME. Output is line-buffered for the test.
"""

from __future__ import annotations

import sys

import gi

gi.require_version("Gio", "2.0")
from gi.repository import Gio, GLib  # noqa: E402

INTERFACE = "org.cabin.Assistant1"
SENTINEL = "org.cabin.Test.Sentinel"
XML = f"""<node><interface name="{INTERFACE}">
  <method name="Ping"><arg type="s" direction="out"/></method>
  <method name="Emit"><arg type="s" direction="in"/></method>
  <signal name="Transcript"><arg type="s"/></signal>
  <property name="State" type="s" access="read"/>
</interface></node>"""


def connect(address: str) -> Gio.DBusConnection:
    flags = (Gio.DBusConnectionFlags.AUTHENTICATION_CLIENT
             | Gio.DBusConnectionFlags.MESSAGE_BUS_CONNECTION)
    return Gio.DBusConnection.new_for_address_sync(address, flags, None, None)


def bus_call(conn: Gio.DBusConnection, method: str, args: GLib.Variant | None) -> GLib.Variant:
    return conn.call_sync("org.freedesktop.DBus", "/org/freedesktop/DBus", "org.freedesktop.DBus",
                          method, args, None, Gio.DBusCallFlags.NONE, 10000, None)


def serve(address: str, name: str, path: str) -> int:
    conn = connect(address)
    try:
        reply = bus_call(conn, "RequestName", GLib.Variant("(su)", (name, 4)))  # DO_NOT_QUEUE
    except GLib.Error as exc:
        print(f"own-denied {exc.message}", flush=True)
        return 3
    if reply.unpack()[0] != 1:
        print(f"own-failed {reply.unpack()[0]}", flush=True)
        return 3

    def on_call(conn: Gio.DBusConnection, _sender: str, obj: str,  # noqa: PLR0917  # GDBus's
                iface: str, method: str, params: GLib.Variant,      # callback signature
                invocation: Gio.DBusMethodInvocation) -> None:
        if method == "Ping":
            invocation.return_value(GLib.Variant("(s)", ("pong",)))
        elif method == "Emit":
            conn.emit_signal(None, obj, iface, "Transcript", params)
            conn.flush_sync(None)
            invocation.return_value(None)

    def on_get(*_args: object) -> GLib.Variant:
        return GLib.Variant("s", "idle")

    node = Gio.DBusNodeInfo.new_for_xml(XML)
    conn.register_object(path, node.interfaces[0], on_call, on_get, None)
    print("ready", flush=True)
    GLib.MainLoop().run()
    return 0


def call(address: str, name: str, path: str, method: str, text: str | None) -> int:
    conn = connect(address)
    iface, _, member = method.rpartition(".")
    args = GLib.Variant("(s)", (text,)) if text is not None else None
    try:
        reply = conn.call_sync(name, path, iface, member, args, None, Gio.DBusCallFlags.NONE,
                               10000, None)
    except GLib.Error as exc:
        remote = Gio.DBusError.get_remote_error(exc) or ""
        print(f"denied {remote}" if remote.endswith("AccessDenied") else f"error {remote}",
              flush=True)
        return 2
    print(f"ok {reply.unpack() if reply is not None else ()}", flush=True)
    return 0


def listen(address: str) -> int:
    conn = connect(address)
    loop = GLib.MainLoop()

    def on_signal(_conn: Gio.DBusConnection, _sender: str, _path: str, iface: str, member: str,
                  params: GLib.Variant) -> None:
        print(f"signal {iface}.{member} {params.unpack()}", flush=True)
        if iface == SENTINEL:
            loop.quit()

    for iface in (INTERFACE, SENTINEL):
        conn.signal_subscribe(None, iface, None, None, None, Gio.DBusSignalFlags.NONE,
                              on_signal)
    bus_call(conn, "GetId", None)  # the bus handles our AddMatch calls before this reply
    print("subscribed", flush=True)
    loop.run()
    return 0


def main(argv: list[str]) -> int:
    command, address, *rest = argv
    if command == "serve":
        return serve(address, rest[0], rest[1])
    if command == "call":
        return call(address, rest[0], rest[1], rest[2], rest[3] if len(rest) > 3 else None)
    return listen(address)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
