"""`cabin sim`: run the simulated car standalone, e.g. on a rig's CAN interface.

The simulated body ECU listens and reports on the given CAN channel (socketcan on a rig; the
``virtual`` interface only reaches buses in the same process, so it is for tests), optionally
follows a drive profile, and optionally publishes the simulated media (MPRIS), navigation and
phone services on a D-Bus. It runs until SIGINT or SIGTERM and tells systemd when it is ready
(``Type=notify``; a no-op elsewhere).

The main CLI calls ``add_sim_parser(subparsers)`` and then ``args.func(args)``, which returns
the exit code: 0 after a clean stop, 2 when the bus, the DBC, the profile or the D-Bus services
could not be set up (reported on stderr as ``error [code]: ...``).
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import signal
import sys
from collections.abc import Sequence
from contextlib import AsyncExitStack
from dataclasses import dataclass

from pydantic import ValidationError

from vehicle_tools.backends.can_bus import open_bus
from vehicle_tools.backends.dbus import resolve_address
from vehicle_tools.config import CanConfig, DbusConfig, SimConfig
from vehicle_tools.dbc import load_dbc
from vehicle_tools.errors import ToolError
from vehicle_tools.sim.drive import (
    BUILTIN_PROFILES,
    PROFILE_FORMAT,
    DriveProfile,
    load_profile,
    profile_problem,
)
from vehicle_tools.sim.ecu import SimulatedEcu

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SimOptions:
    """What `run_sim` runs.

    Attributes:
        can: interface and channel of the bus the ECU sits on.
        dbc: DBC path; None = the packaged cabin.dbc.
        window_speed_pct_per_s: window/sunroof travel, percent per second; 0 = instant.
        profile: drive profile name or YAML path; None = stay parked.
        dbus: where to publish the simulated services; None = no D-Bus services.
    """

    can: CanConfig
    dbc: str | None = None
    window_speed_pct_per_s: float = 25.0
    profile: str | None = None
    dbus: DbusConfig | None = None


def add_sim_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``sim``: run the simulated car until SIGINT/SIGTERM."""
    parser = subparsers.add_parser("sim", help="run the simulated car (ECU on CAN, D-Bus "
                                               "services)", description=__doc__)
    add_sim_arguments(parser)
    parser.set_defaults(func=cmd_sim)


def add_sim_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``cabin sim`` (shared with ``python -m vehicle_tools.sim``)."""
    parser.add_argument("--interface", choices=("socketcan", "virtual"), default="socketcan",
                        help="python-can interface (default: socketcan)")
    parser.add_argument("--channel", default="can0",
                        help="CAN channel: the socketcan device (default: can0)")
    parser.add_argument("--dbc", default=None, help="DBC file (default: the packaged cabin.dbc)")
    parser.add_argument("--window-speed", type=window_speed, default=25.0, metavar="PCT_PER_S",
                        help="window and sunroof travel, percent per second (0-1000); "
                             "0 = instant")
    parser.add_argument("--profile", default=None, metavar="NAME|FILE",
                        help=f"drive profile: {', '.join(BUILTIN_PROFILES)} or a YAML file "
                             "(default: stay parked)")
    parser.add_argument("--dbus", choices=("none", "session", "system"), default="none",
                        help="publish the simulated media, navigation and phone services on "
                             "this bus (default: none)")
    parser.add_argument("--dbus-address", default=None,
                        help="D-Bus address overriding --dbus's standard address")
    parser.add_argument("--log-level", default="INFO",
                        choices=("DEBUG", "INFO", "WARNING", "ERROR"))


def window_speed(text: str) -> float:
    """``--window-speed``: a finite number within `SimConfig`'s range, else an argparse error
    (exit 2) naming the value and the range; ``-5`` used to be accepted."""
    try:
        return SimConfig(window_speed_pct_per_s=float(text)).window_speed_pct_per_s
    except ValueError as exc:  # float() or pydantic (a ValueError too)
        errors = exc.errors() if isinstance(exc, ValidationError) else []
        reason = errors[0]["msg"].lower() if errors else "not a number"
        raise argparse.ArgumentTypeError(
            f"{text!r}: {reason}; give 0 (instant) to 1000 percent of full travel per second"
        ) from None


def profile_from(name_or_path: str) -> DriveProfile:
    """`load_profile`, with an error that names the built-in profiles and the file format and
    does not quote the file.

    Raises:
        ToolError: ``invalid_arguments``.
    """
    try:
        return load_profile(name_or_path)
    except (ToolError, UnicodeDecodeError) as exc:
        cause = exc.__cause__ if isinstance(exc, ToolError) else exc
        raise ToolError("invalid_arguments", "The drive profile could not be loaded.",
                        f"{name_or_path} is not a valid drive profile file: "
                        f"{profile_problem(cause)}; give a built-in profile "
                        f"({', '.join(BUILTIN_PROFILES)}) or {PROFILE_FORMAT}") from None


def options_from(args: argparse.Namespace) -> SimOptions:
    """`SimOptions` from parsed ``cabin sim`` arguments (raises pydantic errors on bad values)."""
    dbus = None if args.dbus == "none" else DbusConfig(bus=args.dbus, address=args.dbus_address)
    return SimOptions(can=CanConfig(interface=args.interface, channel=args.channel),
                      dbc=args.dbc, window_speed_pct_per_s=args.window_speed,
                      profile=args.profile, dbus=dbus)


def cmd_sim(args: argparse.Namespace) -> int:
    """Run ``cabin sim``; returns the exit code."""
    logging.basicConfig(level=args.log_level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        asyncio.run(_main(options_from(args)))
    except ToolError as exc:
        print(f"error [{exc.code}]: {exc.message} ({exc.detail})", file=sys.stderr)
        return 2
    except ValueError as exc:  # pydantic: a bad channel or address
        print(f"error [invalid_arguments]: {exc}", file=sys.stderr)
        return 2
    return 0


async def _main(options: SimOptions) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await run_sim(options, stop)
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(signum)


async def run_sim(options: SimOptions, stop: asyncio.Event) -> None:
    """Run the simulated car until ``stop`` is set; everything started is stopped on return.

    Raises:
        ToolError: ``bus_unavailable`` (CAN), ``dbc_invalid``, ``invalid_arguments`` (drive
            profile) or ``service_unavailable`` (D-Bus services).
    """
    db = load_dbc(options.dbc)
    profile = profile_from(options.profile) if options.profile else None
    async with AsyncExitStack() as stack:
        try:
            bus = open_bus(options.can)
        except Exception as exc:  # python-can raises many types for a missing device
            raise ToolError("bus_unavailable", "The simulated car could not reach its bus.",
                            f"{options.can.interface} {options.can.channel}: {exc}") from exc
        stack.callback(bus.shutdown)
        ecu = SimulatedEcu(bus, db, window_speed_pct_per_s=options.window_speed_pct_per_s)
        await stack.enter_async_context(ecu)
        if profile is not None:
            ecu.drive(profile)
        if options.dbus is not None:
            await _publish(options.dbus, stack)
        _notify("READY=1")
        logger.info("simulator ready on %s %s%s", options.can.interface, options.can.channel,
                    f", driving {options.profile}" if profile else "")
        await stop.wait()
        _notify("STOPPING=1")
        logger.info("simulator stopping")


async def _publish(config: DbusConfig, stack: AsyncExitStack) -> None:
    from vehicle_tools.sim.dbus_host import DbusServiceHost  # GLib only when asked for

    address = resolve_address(config)
    if address is None:
        raise ToolError("service_unavailable", "No D-Bus to publish the services on.",
                        f"no {config.bus} bus address configured or found")
    host = DbusServiceHost(address)
    await asyncio.to_thread(host.start)
    stack.push_async_callback(asyncio.to_thread, host.stop)


def _notify(state: str) -> None:
    import sdnotify

    sdnotify.SystemdNotifier().notify(state)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m vehicle_tools.sim``: the same as ``cabin sim``."""
    parser = argparse.ArgumentParser(prog="cabin sim", description=__doc__)
    add_sim_arguments(parser)
    return cmd_sim(parser.parse_args(argv))
