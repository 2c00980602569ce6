"""`cabin privacy status | purge`: what debug recordings are kept, and deleting them now."""

from __future__ import annotations

import argparse
from pathlib import Path

from daemon.cli_levels import add_two_level_option, with_levels
from daemon.config import load_config
from daemon.retention.privacy_store import PurgeError, purge, stats


def _directory(args: argparse.Namespace) -> Path:
    return load_config(args.config).privacy.recording_dir


def _human(size: int) -> str:
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def cmd_status(args: argparse.Namespace) -> int:
    """Print the recording settings and what is on disk."""
    privacy = load_config(args.config).privacy
    directory = privacy.recording_dir
    try:
        kept = stats(directory)
    except OSError as exc:
        raise PurgeError(f"cannot read {directory}: {exc.strerror or exc}",
                         fix="run as the cabin user (sudo -u cabin cabin privacy status) "
                             "or as root") from exc
    state = "ON" if privacy.debug_recording else "off"
    print(f"debug recording: {state}; directory {directory}; kept "
          f"{privacy.retention_days:g} days, at most {privacy.recording_max_mb:g} MiB")
    if kept.count == 0:
        print("recordings: none")
        return 0
    assert kept.oldest is not None and kept.newest is not None
    print(f"recordings: {kept.count} ({_human(kept.bytes)}), "
          f"oldest {kept.oldest:%Y-%m-%d %H:%M:%S} UTC, newest {kept.newest:%Y-%m-%d %H:%M:%S} UTC")
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    """Delete every debug recording now."""
    directory = _directory(args)
    deleted = purge(directory)
    print(f"deleted {deleted} recording(s) from {directory}")
    return 0


def add_privacy_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``privacy`` with its ``status`` and ``purge`` subcommands."""
    parser = subparsers.add_parser("privacy", help="debug recordings: status, purge",
                                   description=__doc__)
    sub = parser.add_subparsers(dest="privacy_command", required=True, metavar="COMMAND")
    p_status = sub.add_parser("status", help="what is recorded and kept (count, size, oldest)")
    p_status.set_defaults(func=with_levels(cmd_status))
    p_purge = sub.add_parser("purge", help="delete every recording now")
    p_purge.set_defaults(func=with_levels(cmd_purge))
    add_two_level_option(parser, (p_status, p_purge), "--config", dest="config", type=Path,
                         help="cabin.yaml naming privacy.recording_dir (default: built-in "
                              "defaults, /var/lib/cabin/recordings); before or after COMMAND")
