"""`cabin run`: the service (see daemon/runtime/live.py), on the sound card or on injected audio."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
from pathlib import Path

from daemon.config import load_config
from daemon.errors import AudioInputError
from daemon.reports.outputs import check_output, output_error

_LOG = logging.getLogger(__name__)


def _cmd_run(args: argparse.Namespace) -> int:
    from daemon.audio.sources import WavFileSource, WavSink
    from daemon.audio.speaker import VirtualSpeaker
    from daemon.runtime.live import AudioIo, Daemon
    from daemon.runtime.logsetup import setup_logging

    config = load_config(args.config)
    setup_logging(config.logging.level, args.debug, journal=args.journal)
    if (args.input_wav is None) != (args.output_wav is None):
        raise AudioInputError("--input-wav and --output-wav go together",
                              fix="give both (a rig without a sound card) or neither")
    for path, option in ((args.events, "--events"), (args.output_wav, "--output-wav")):
        if path is not None:  # now, not when the run ends (issue 23 item 8)
            check_output(path, option)
    io = None
    sink = WavSink()
    if args.input_wav is not None:
        io = AudioIo(WavFileSource(args.input_wav, realtime=not args.fast),
                     VirtualSpeaker(sink))
    with contextlib.ExitStack() as stack:
        events = None
        if args.events is not None:
            args.events.parent.mkdir(parents=True, exist_ok=True)
            events = stack.enter_context(args.events.open("w", encoding="utf-8"))
        daemon = Daemon(config, config_path=args.config, io=io, events=events,
                        debug=args.debug, hard_exit=True)
        asyncio.run(daemon.run())
    if args.output_wav is not None:
        try:
            sink.save(args.output_wav)
        except OSError as exc:
            raise output_error(args.output_wav, "--output-wav", exc) from None
    return 0


def add_run_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register `cabin run`."""
    rp = sub.add_parser("run", help="run the assistant (the systemd service's command)")
    rp.add_argument("--config", type=Path, help="cabin.yaml (default: built-in defaults)")
    rp.add_argument("--input-wav", type=Path,
                    help="hear this recording instead of the microphone (16 kHz mono), at 1x; "
                         "the daemon stops when it ends")
    rp.add_argument("--output-wav", type=Path,
                    help="with --input-wav: write what the assistant said here")
    rp.add_argument("--fast", action="store_true",
                    help="with --input-wav: as fast as the CPU allows instead of 1x")
    rp.add_argument("--events", type=Path, help="also write the event log (JSON lines) here")
    rp.add_argument("--journal", action="store_true",
                    help="log lines for journald (no timestamps; priority prefixes)")
    rp.set_defaults(func=_cmd_run)
