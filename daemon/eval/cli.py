"""The ``cabin eval`` command line: components, inputs (list files), front-end and endpoint
settings, ``--quick`` for tests. Writes OUT/eval.json and OUT/eval.txt and prints the table."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from daemon.config import REPO_ROOT

_LOG = logging.getLogger(__name__)

COMPONENTS = ("aec", "wake", "asr", "commands", "endpoint", "llm")
SETS = REPO_ROOT / "tools" / "eval_sets"
SHARED_AUDIO = REPO_ROOT.parent / "shared" / "audio"


def add_eval_parser(subparsers: Any) -> argparse.ArgumentParser:  # argparse's private type
    """Register ``cabin eval`` on the CLI's subparsers; returns its parser."""
    p: argparse.ArgumentParser = subparsers.add_parser(
        "eval", help="evaluate front end, wake word, ASR, commands, endpointing, the language "
        "model agent (docs/eval.md, docs/llm.md)")
    p.add_argument("components", nargs="*",
                   choices=[*COMPONENTS, "all", "lists", "understanding", "corpus-audio",
                            "manual"],
                   default=["all"], help="what to evaluate (default: all); `lists` rebuilds "
                   "tools/eval_sets from ../shared/audio/MANIFEST.tsv; `understanding` scores "
                   "the text corpus, `corpus-audio` the spoken corpus (docs/corpus.md); "
                   "`manual` answers from the owner's manual (docs/manual.md)")
    p.add_argument("--split", choices=["tune", "heldout", "heldout2", "heldout3", "heldout4",
                                      "heldout5", "heldout6", "heldout7", "heldout8",
                                      "heldout9", "heldout10", "heldout11", "heldout12",
                                      "heldout13", "heldout14", "heldout15", "heldout16",
                                      "all"],
                   default="all",
                   help="understanding, corpus-audio, manual: which split (understanding: "
                   "heldout3 to heldout16 are clean, read them with --no-failures; "
                   "corpus-audio: "
                   "all = heldout2 and heldout; manual: tune, heldout to heldout15 or all, "
                   "heldout16 runs every split)")
    p.add_argument("--conditions", nargs="+", default=["clean", "car10", "passenger", "traffic0"],
                   choices=["clean", "car10", "passenger", "traffic0"],
                   help="corpus-audio: which noise conditions")
    p.add_argument("--limit", type=int, default=None,
                   help="corpus-audio: N items per split, spread evenly (default: all)")
    p.add_argument("--driver-gate-db", type=float, default=None, metavar="DB",
                   help="corpus-audio: end the turn on the driver's speech only, speech more "
                   "than DB below the driver's level not counting (an experiment: "
                   "docs/corpus.md)")
    p.add_argument("--json", type=Path,
                   help="understanding, corpus-audio: write the figures here")
    p.add_argument("--rows", type=Path, metavar="JSONL",
                   help="corpus-audio: also write one row per file (what was heard, the plan, "
                   "the expected calls) for debugging a development split; never for a held-out "
                   "split you report")
    p.add_argument("--spoken", type=int, default=0, metavar="N",
                   help="manual: also replay N tune questions spoken (a real wake word, Piper, "
                   "car noise at 15 dB) through the pipeline: sections, bus calls, first audio")
    p.add_argument("--no-failures", action="store_true",
                   help="understanding: print the tables only (for held-out splits)")
    p.add_argument("--config", type=Path, help="cabin.yaml (models, thresholds, ASR options)")
    p.add_argument("--out", type=Path, default=REPO_ROOT / "build" / "eval",
                   help="where eval.json / eval.txt go")
    p.add_argument("--quick", action="store_true",
                   help="small subsets, 2 min of negatives (tests, smoke runs)")
    p.add_argument("--positives", type=Path, default=SETS / "wake_positive.tsv")
    p.add_argument("--transcribed", type=Path, default=SETS / "asr_transcribed.tsv")
    p.add_argument("--negatives", type=Path, default=SETS / "negative_speech.tsv")
    p.add_argument("--rirs", type=Path, default=SETS / "rir.tsv")
    p.add_argument("--noise", type=Path, default=SETS / "car_noise.tsv")
    p.add_argument("--commands", type=Path,
                   default=REPO_ROOT / "build" / "commands" / "manifest.jsonl",
                   help="command set manifest (make commands)")
    p.add_argument("--manifest", type=Path, metavar="M",
                   help="commands: score this labelled set (.jsonl/.tsv, docs/eval.md) from the "
                   "event logs in --events-dir instead of running the models")
    p.add_argument("--events-dir", type=Path, metavar="OUT",
                   help="commands --manifest: the event logs (`cabin replay ... --events-dir`)")
    p.add_argument("--with-llm", action="store_true",
                   help="commands, understanding, corpus-audio: the language model (and the "
                   "owner's manual) answer what the fast path does not, as the Decider runs them")
    p.add_argument("--llm-cases", type=Path, default=SETS / "llm_cases.yaml",
                   help="the language model's paraphrase/multi-action/unsupported/ambiguous set")
    p.add_argument("--minutes", type=float, default=30.0, help="negative stream length, min")
    p.add_argument("--snr", nargs="+", default=["clean", "20", "10", "5"],
                   help="SNRs in dB (and/or clean) for wake FRR/FA and ASR")
    p.add_argument("--aec", choices=["speex", "none"], default="speex")
    p.add_argument("--tail-ms", type=int, default=256)
    p.add_argument("--ns", choices=["webrtc", "speex", "none"], default="webrtc")
    p.add_argument("--agc", action="store_true")
    p.add_argument("--complete-silence", type=float, default=0.15, help="seconds")
    p.add_argument("--incomplete-silence", type=float, default=1.2, help="seconds")
    p.add_argument("--compare", nargs="*", default=["speexdsp-aec", "pyaec"],
                   help="other echo cancellers to measure beside Cabin's (aec)")
    p.set_defaults(func=run_eval)
    return p


def _manifest_commands(args: argparse.Namespace) -> None:
    """``cabin eval commands --manifest M --events-dir OUT``: a labelled set scored from logs."""
    from daemon.errors import CabinError
    from daemon.eval.commands_eval import evaluate_manifest, latency_report
    from daemon.eval.common import save_reports

    if args.events_dir is None:
        raise CabinError("--manifest needs --events-dir", code="config_invalid",
                         fix="replay the set first: cabin replay DIR --events-dir OUT, then "
                             "add --events-dir OUT")
    report, scores = evaluate_manifest(args.manifest, args.events_dir)
    latency = latency_report(scores)
    path = save_reports([report], args.out)
    print(report.table() + "\n\n" + latency.table())
    print(f"results: {path} and {path.with_suffix('.txt')}")


def _snrs(values: list[str]) -> list[float | None]:
    return [None if v == "clean" else float(v) for v in values]


def run_eval(args: argparse.Namespace) -> int:
    """Run the requested evaluations; prints the table, writes JSON + text."""
    from daemon.audio.frontend import FrontEndSettings
    from daemon.config import load_config
    from daemon.eval.common import read_list, save_reports
    from daemon.eval.lists import build_lists

    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s",
                        stream=sys.stderr)
    wanted = set(COMPONENTS) if "all" in args.components else set(args.components)
    if "manual" in wanted:
        from daemon.eval.manual_eval import SPLITS as MANUAL_SPLITS
        from daemon.eval.manual_eval import run as run_manual

        split = args.split if args.split in MANUAL_SPLITS else "all"
        run_manual(split, args.json, show_failures=not args.no_failures,
                   config=load_config(args.config), spoken=args.spoken)
        wanted.discard("manual")
    if "understanding" in wanted:
        from daemon.eval.understanding_eval import run

        run(args.split, args.json, show_failures=not args.no_failures,
            understand=_with_model(args) if args.with_llm else None)
        wanted.discard("understanding")
    if "commands" in wanted and args.manifest is not None:
        _manifest_commands(args)
        wanted.discard("commands")
    if "lists" in wanted:
        counts = build_lists(SHARED_AUDIO, SETS)
        print("wrote " + ", ".join(f"{SETS / n}.tsv ({c})" for n, c in counts.items()))
        wanted.discard("lists")
    if not wanted:
        return 0
    config = load_config(args.config)
    fe_on = FrontEndSettings(aec=args.aec, tail_ms=args.tail_ms, ns=args.ns, agc=args.agc)
    from daemon.eval.models import FRONTEND_OFF, EvalModels

    models = EvalModels(config)
    fe = {"on": fe_on, "off": FRONTEND_OFF}
    ctx = _Context(args, models, fe, read_list)
    if "corpus-audio" in wanted:
        from daemon.eval import corpus_audio_eval

        corpus_audio_eval.run(models, fe_on, ctx._params(), split=args.split,
                              conditions=args.conditions, limit=args.limit, json_path=args.json,
                              driver_gate_db=args.driver_gate_db, rows_path=args.rows,
                              understand=_with_model(args) if args.with_llm else None)
        wanted.discard("corpus-audio")
        if not wanted:
            return 0
    reports = [getattr(ctx, name)() for name in COMPONENTS if name in wanted]
    path = save_reports(reports, args.out)
    print(f"front end: {fe_on.describe()}")
    for report in reports:
        print(report.table() + "\n")
    print(f"results: {path} and {path.with_suffix('.txt')}")
    return 0


class _Context:
    """Runs each component with the parsed arguments."""

    def __init__(self, args: argparse.Namespace, models: Any, fe: dict[str, Any],
                 read_list: Any) -> None:
        self.args = args
        self.models = models
        self.fe = fe
        self.read = read_list
        self.quick: bool = args.quick
        self.cache = REPO_ROOT / "build" / "eval" / "cache"
        self.voice = models.models_dir / models.config.tts.voice
        self._loaded_router: Any = None

    def _take(self, items: list[Any], n: int) -> list[Any]:
        return items[::max(1, len(items) // n)][:n] if self.quick else items

    def _noise(self) -> Path:
        return Path(self.read(self.args.noise)[0].path)

    def _params(self) -> Any:
        from daemon.eval.turn import endpoint_params

        e = self.models.config.endpoint
        return endpoint_params(e.silence_s, self.args.complete_silence,
                               self.args.incomplete_silence, e.max_utterance_s,
                               e.sentence_silence_s)

    def aec(self) -> Any:
        from daemon.eval import aec_eval

        rirs = [i.path for i in self.read(self.args.rirs)]
        near = self._take(self.read(self.args.transcribed), 4 if self.quick else 12)
        fe = {"on": self.fe["on"]}
        if self.fe["on"].echo_suppress_db < 0 and not self.quick:
            from dataclasses import replace

            fe["linear only"] = replace(self.fe["on"], echo_suppress_db=0)
        return aec_eval.evaluate(self.models, rirs=rirs[:2] if self.quick else rirs,
                                 near_items=near, voice_dir=self.voice, cache=self.cache, fe=fe,
                                 compare=() if self.quick else self.args.compare)

    def wake(self) -> Any:
        from daemon.eval import wake_eval
        from daemon.eval.streams import negative_streams

        positives = self._take(self.read(self.args.positives), 8)
        snrs = _snrs(self.args.snr)
        minutes = 2.0 if self.quick else self.args.minutes
        streams = negative_streams(self.read(self.args.negatives),
                                   rirs=[i.path for i in self.read(self.args.rirs)],
                                   voice_dir=self.voice, cache=self.cache, minutes=minutes,
                                   stream_minutes=1.0 if self.quick else 5.0)
        return wake_eval.evaluate(self.models, positives=positives, streams=streams,
                                  noise_path=self._noise(),
                                  snrs=[s for s in snrs if s is None or s >= 10] if self.quick
                                  else snrs, fe=self.fe)

    def asr(self) -> Any:
        from daemon.eval import asr_eval

        items = self._take(self.read(self.args.transcribed), 6)
        snrs = [s for s in _snrs(self.args.snr) if s is None or s in (10.0, 5.0)]
        return asr_eval.evaluate(self.models, items, noise_path=self._noise(), snrs=snrs,
                                 fe=self.fe)

    def _commands(self) -> list[Any]:
        from daemon.eval.commands_eval import read_manifest

        items = read_manifest(self.args.commands)
        return [i for i in items if i.condition in ("clean", "10dB")][:6] if self.quick \
            else items

    def commands(self) -> Any:
        from daemon.eval import commands_eval

        fallback = commands_eval.agent_understanding(self._router()) \
            if self.args.with_llm else None
        return commands_eval.evaluate(self.models, self._commands(), self.fe["on"],
                                      self._params(), fallback=fallback)

    def _router(self) -> Any:
        if self._loaded_router is None:
            from daemon.llm.router import Router
            from vehicle_tools.tools import default_registry

            config = self.models.config
            self._loaded_router = Router(config.llm, default_registry(), config.models_dir)
            self._loaded_router.load()
        return self._loaded_router

    def endpoint(self) -> Any:
        from daemon.eval import endpoint_eval

        clips = [i.path for i in self.read(self.args.positives) if i.label == "hey jarvis"]
        wake_clip = next((c for c in clips if c.name == "hey_jarvis_2.wav"), clips[0])
        paused = endpoint_eval.paused_utterances(self.models, wake_clip, self.voice,
                                                 self.cache / "endpoint")
        complete = [i for i in self._commands() if i.condition in ("clean", "10dB")]
        return endpoint_eval.evaluate(self.models, complete=complete,
                                      paused=paused[:2] if self.quick else paused,
                                      noise_path=self._noise(), fe=self.fe["on"],
                                      params=self._params())

    def llm(self) -> Any:
        from daemon.eval import llm_eval

        router = self._router()
        commands = llm_eval.load_commands(REPO_ROOT / "tools" / "commands.yaml")
        cases = llm_eval.load_cases(self.args.llm_cases)
        return llm_eval.evaluate(router, self._take(commands, 8), self._take(cases, 8),
                                 self.args.out / "llm.json", cache_texts=1 if self.quick else 3)


def _with_model(args: argparse.Namespace) -> Any:
    """The fast path, the owner's manual and the configured language model, as the Decider
    runs them (`cabin eval understanding --with-llm`)."""
    from daemon.config import load_config
    from daemon.eval.understanding_llm import with_model
    from daemon.llm.router import Router
    from daemon.manual.loader import load_answerer
    from daemon.understanding.intents import understander
    from vehicle_tools.tools import default_registry

    config = load_config(args.config)
    router = Router(config.llm, default_registry(), config.models_dir)
    router.load()
    return with_model(understander().understand, router, config.llm.model_actions,
                      load_answerer(config.manual))
