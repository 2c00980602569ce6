"""The `cabin` command: replay, say, models, config check.

User errors (bad config, bad audio, missing model, bus down) print the cause and the fix on
stderr and exit with status 2, never a traceback; `--debug` shows tracebacks for bug reports.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
from pathlib import Path

from daemon import __version__
from daemon.bench import add_bench_parser
from daemon.config import load_config
from daemon.errors import CabinError
from daemon.eval import add_eval_parser
from daemon.models import add_models_parser
from daemon.reports.outputs import check_output, output_error
from daemon.retention.privacy_cli import add_privacy_parser
from daemon.runtime import memory
from daemon.runtime.run_cli import add_run_parser
from vehicle_tools.sim.cli import add_sim_parser

EXIT_USER_ERROR = 2


def _setup_logging(level: str, debug: bool) -> None:
    from daemon.runtime.logsetup import setup_logging

    setup_logging(level, debug)


_SINGLE_ONLY = (("events", "--events"), ("reply_wav", "--reply-wav"), ("plot", "--plot"),
                ("plot_turn", "--plot-turn"), ("realtime", "--realtime"))
_FLEET_ONLY = (("workers", "--workers"), ("ray_address", "--ray-address"),
               ("resume", "--resume"), ("manifest", "--manifest"))


def _cmd_replay(args: argparse.Namespace) -> int:
    if args.events_dir is not None:
        return _cmd_fleet(args)
    used = [option for dest, option in _FLEET_ONLY if getattr(args, dest) not in (None, False)]
    if used or args.engine != "local":
        raise CabinError(f"{', '.join(used) or '--engine'} needs --events-dir",
                         fix="add --events-dir OUT (one event log per input goes there)",
                         code="config_invalid")
    if len(args.inputs) != 1:  # one path (even a directory) is replayed as it always was
        raise CabinError(f"{len(args.inputs)} recordings need --events-dir",
                         fix="add --events-dir OUT (one event log per input goes there), or "
                             "name one WAV", code="config_invalid")
    args.wav = args.inputs[0]
    return _replay_one(args)


def _cmd_fleet(args: argparse.Namespace) -> int:
    from daemon.fleet.run import FleetSettings, run_fleet

    used = [option for dest, option in _SINGLE_ONLY if getattr(args, dest) not in (None, False)]
    if used:
        raise CabinError(f"{', '.join(used)} replays one file: not with --events-dir",
                         fix="drop it (every input's log goes to --events-dir; the report "
                             "draws the worst files' timelines)", code="config_invalid")
    if args.workers is not None and args.workers < 1:
        raise CabinError(f"--workers {args.workers}: at least 1", fix="--workers 2",
                         code="config_invalid")
    if args.manifest is not None:  # a bad one is reported now, not after the whole run
        from daemon.eval.manifest import read_manifest

        read_manifest(args.manifest)
    config = load_config(args.config)
    if config.vehicle.can.interface != "virtual" and (args.workers or 1) > 1:
        raise CabinError("several workers on one real CAN bus would hear each other's car",
                         fix="set vehicle.can.interface: virtual, or --workers 1",
                         code="config_invalid")
    if not args.debug and config.logging.level in ("DEBUG", "INFO"):  # the bar stays readable
        config = config.model_copy(update={
            "logging": config.logging.model_copy(update={"level": "WARNING"})})
    _setup_logging(config.logging.level, args.debug)
    settings = FleetSettings(out_dir=args.events_dir, workers=args.workers, engine=args.engine,
                             ray_address=args.ray_address, resume=args.resume,
                             progress=not args.quiet, manifest=args.manifest, worst=args.worst)
    result = run_fleet(config, args.inputs, settings, debug=args.debug)
    run = result.run
    if not args.quiet:
        print(f"replayed {run.replayed} of {run.inputs} files ({run.skipped} kept by --resume), "
              f"{run.errors} error(s), in {run.wall_s:.1f} s: {run.files_per_s:.2f} files/s, "
              f"{run.audio_per_s:.1f} s of audio per s ({run.workers} {run.engine} worker(s))")
        for f in [f for f in result.files if f.status == "error"][:10]:
            print(f"  error {f.key}: [{f.error_code}] {f.error}")
        print(f"event logs:  {args.events_dir}/<file>.jsonl")
        print(f"summary:     {result.summary}")
        for path in result.reports:
            print(f"report:      {path}")
    if result.stopped_by is not None:
        print(f"stopped: `cabin replay ... --events-dir {args.events_dir} --resume` replays "
              "what is missing", file=sys.stderr)
        return 128 + result.stopped_by
    return 1 if run.errors else 0


def _replay_one(args: argparse.Namespace) -> int:
    from daemon.events import ErrorEvent, EventLog
    from daemon.runtime.replay import replay, summarize

    if args.plot_turn is not None and args.plot is None:
        raise CabinError("--plot-turn needs --plot", fix="add --plot turn.png",
                         code="config_invalid")
    config = load_config(args.config)
    _setup_logging(config.logging.level, args.debug)
    try:
        for path, option in ((args.events, "--events"), (args.reply_wav, "--reply-wav"),
                             (args.plot, "--plot")):
            if path is not None:  # before the models load and the replay runs, not after
                check_output(path, option)
        result = asyncio.run(replay(config, args.wav, events_path=args.events,
                                    reply_wav=args.reply_wav, realtime=args.realtime,
                                    debug=args.debug))
    except CabinError as exc:
        if args.events is not None:  # the event log records why the run produced nothing
            # (unwritable after all: the error is on stderr either way)
            with contextlib.suppress(OSError), args.events.open("w", encoding="utf-8") as fh:
                EventLog(fh).emit(ErrorEvent(t_ms=0.0, code=exc.code, message=exc.message))
        raise
    if not args.quiet:
        print(f"replayed {args.wav} ({result.audio_seconds:.1f} s of audio)")
        for line in summarize(result.events) or ["  (no wake word heard)"]:
            print(line)
        if args.reply_wav is not None:
            seconds = result.reply_samples_len / result.reply_rate_hz
            print(f"reply audio: {args.reply_wav} ({seconds:.1f} s)")
        if args.events is not None:
            print(f"event log:   {args.events}")
    if args.plot is not None:
        from daemon.reports.plot import plot_replay

        try:
            plot_replay(result.events, args.wav, args.plot, turn=args.plot_turn)
        except OSError as exc:
            raise output_error(args.plot, "--plot", exc) from None
        if not args.quiet:
            print(f"timeline:    {args.plot}")
    return 0


def _cmd_say(args: argparse.Namespace) -> int:
    from daemon.audio.wavio import write_wav
    from daemon.models import ModelStore, default_manifest_path, load_manifest
    from daemon.speaking.tts import PiperTts

    config = load_config(args.config)
    _setup_logging(config.logging.level, args.debug)
    store = ModelStore(config.models_dir, load_manifest(default_manifest_path()))
    store.verify(config.tts.voice, full=False)
    with store.loading(config.tts.voice):  # a corrupt voice forgets its stamp (docs/faults.md)
        tts = PiperTts(store.path(config.tts.voice), length_scale=config.tts.length_scale,
                       volume=config.tts.volume)
    write_wav(args.out, tts.synthesize_all(args.text), tts.rate_hz)
    print(f"wrote {args.out}")
    return 0


def _cmd_devices(_args: argparse.Namespace) -> int:
    from daemon.audio.device import list_devices

    lines = list_devices()
    if not lines:
        print("no audio devices: PortAudio sees none (no sound card, or no permission to the "
              "audio group); `cabin replay` works without one")
    for line in lines:
        print(line)
    return 0


def _cmd_config_check(args: argparse.Namespace) -> int:
    from daemon.manual.loader import load_answerer

    config = load_config(args.file)
    answerer = load_answerer(config.manual)  # the manual is read at start: check it here too
    manual = (f"owner's manual {config.manual.manual_path()}" if answerer is not None
              else "no owner's manual")
    print(f"{args.file}: valid (models in {config.models_dir}, ASR backend "
          f"{config.asr.backend}, {manual})")
    return 0


def _add_fleet_options(rp: argparse.ArgumentParser) -> None:
    fleet = rp.add_argument_group("many recordings (docs/eval.md, \"Replaying a fleet\")")
    fleet.add_argument("--events-dir", type=Path, metavar="OUT",
                       help="replay every input: OUT/<file>.jsonl each, OUT/summary.json, "
                       "OUT/report.md and report.html")
    fleet.add_argument("--workers", type=int, metavar="N",
                       help="worker processes (Ray actors), each loading the models once "
                       "(default 1; with Ray every CPU)")
    fleet.add_argument("--engine", choices=["local", "ray"], default="local",
                       help="local processes, or Ray (local, or the cluster at --ray-address)")
    fleet.add_argument("--ray-address", metavar="ADDR",
                       help="a running Ray cluster (HOST:6379 or ray://HOST:10001)")
    fleet.add_argument("--resume", action="store_true",
                       help="keep the complete logs in OUT, replay the missing and failed ones")
    fleet.add_argument("--manifest", type=Path, metavar="M",
                       help="labelled set (.jsonl/.tsv) the report scores the logs against")
    fleet.add_argument("--worst", type=int, default=5, metavar="N",
                       help="worst files shown in the report with their timelines (default 5)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    parser = argparse.ArgumentParser(prog="cabin", description="On-device car voice assistant.")
    parser.add_argument("--version", action="version", version=f"cabin {__version__}")
    parser.add_argument("--debug", action="store_true", help="debug logs and tracebacks")
    sub = parser.add_subparsers(dest="command", required=True)

    rp = sub.add_parser("replay", help="run the pipeline over a recorded WAV (16 kHz mono), or "
                        "over many with --events-dir (docs/eval.md)")
    rp.add_argument("inputs", type=Path, nargs="+", metavar="WAV|DIR",
                    help="a recording; with --events-dir any number, directories searched "
                    "recursively")
    rp.add_argument("--events", type=Path, help="write the event log (JSON lines) here")
    rp.add_argument("--reply-wav", type=Path, help="write the assistant's speech here")
    rp.add_argument("--config", type=Path, help="cabin.yaml (default: built-in defaults)")
    rp.add_argument("--realtime", action="store_true", help="pace the input at 1x")
    rp.add_argument("--quiet", action="store_true", help="no summary on stdout")
    rp.add_argument("--plot", type=Path, metavar="PNG",
                    help="draw the replay as a timeline (waveform, speech, stages, events)")
    rp.add_argument("--plot-turn", type=int, metavar="N", help="with --plot: only turn N")
    _add_fleet_options(rp)
    rp.set_defaults(func=_cmd_replay)

    sp = sub.add_parser("say", help="speak a text with the configured voice into a WAV")
    sp.add_argument("text")
    sp.add_argument("--out", type=Path, required=True)
    sp.add_argument("--config", type=Path)
    sp.set_defaults(func=_cmd_say)

    cp = sub.add_parser("config", help="configuration tools")
    csub = cp.add_subparsers(dest="config_command", required=True)
    check = csub.add_parser("check", help="validate a cabin.yaml")
    check.add_argument("file", type=Path)
    check.set_defaults(func=_cmd_config_check)

    dp = sub.add_parser("devices", help="list the audio devices")
    dp.set_defaults(func=_cmd_devices)

    add_run_parser(sub)
    add_models_parser(sub)
    add_privacy_parser(sub)
    add_sim_parser(sub)
    add_bench_parser(sub)
    add_eval_parser(sub)
    _debug_after_subcommands(parser)
    return parser


def _debug_after_subcommands(parser: argparse.ArgumentParser) -> None:
    """Accept ``--debug`` after any subcommand too (``cabin replay x.wav --debug``)."""
    for action in parser._actions:
        if not isinstance(action, argparse._SubParsersAction):
            continue
        for child in action.choices.values():
            if "--debug" not in child._option_string_actions:
                child.add_argument("--debug", action="store_true", default=argparse.SUPPRESS,
                                   help="debug logs and tracebacks (as before the subcommand)")
            _debug_after_subcommands(child)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `cabin` console script."""
    args = build_parser().parse_args(argv)
    memory.limit_arenas_for_daemon()  # before any thread: see daemon/runtime/memory.py
    try:
        code: int = args.func(args)
    except CabinError as exc:
        if args.debug:
            raise
        print(f"cabin: error [{exc.code}]: {exc}", file=sys.stderr)
        return EXIT_USER_ERROR
    except KeyboardInterrupt:
        return 130
    return code


if __name__ == "__main__":
    sys.exit(main())
