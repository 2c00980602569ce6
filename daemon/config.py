"""Cabin's configuration: one YAML file validated by pydantic.

Every section is a frozen model with ``extra="forbid"``, so a misspelt key is an error, not a
silently ignored setting. `load_config` turns pydantic's report into a `ConfigError` that names
the key path, the bad value and the fix (with a "did you mean" for unknown keys).
"""

from __future__ import annotations

import difflib
import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import Field, ValidationError, model_validator

from daemon.config_base import Section
from daemon.errors import ConfigError
from daemon.llm.config import LlmConfig
from daemon.manual.config import ManualConfig
from daemon.runtime_config import (
    AudioIoConfig,
    DialogueConfig,
    HmiConfig,
    PrivacyConfig,
    ServiceConfig,
)
from vehicle_tools.config import VehicleConfig

REPO_ROOT = Path(__file__).resolve().parent.parent
"""The source checkout (where models/ and cabin.yaml live in development)."""


class WakeWordConfig(Section):
    """One wake word."""

    model: str = Field(description="model name in models/manifest.yaml, e.g. wake-hey-jarvis")
    threshold: float = Field(0.5, gt=0.0, lt=1.0, description="score (0-1) that fires")


class WakeConfig(Section):
    """openWakeWord settings."""

    words: tuple[WakeWordConfig, ...] = Field(
        default=(WakeWordConfig(model="wake-hey-jarvis"),), min_length=1)
    features_model: str = "openwakeword-features"
    refractory_s: float = Field(2.0, ge=0.0, le=30.0,
                                description="seconds after a detection during which none fires")


class VadConfig(Section):
    """Silero VAD settings."""

    model: str = "silero-vad"
    threshold: float = Field(0.5, gt=0.0, lt=1.0, description="speech probability (0-1)")


class EndpointConfig(Section):
    """When a driver's turn has ended (see daemon/hearing/endpoint.py)."""

    silence_s: float = Field(0.7, ge=0.1, le=5.0,
                             description="silence after speech that ends the turn, seconds")
    min_speech_s: float = Field(0.15, ge=0.0, le=2.0,
                                description="speech shorter than this is not a start, seconds")
    no_speech_timeout_s: float = Field(5.0, ge=0.5, le=30.0,
                                       description="give up when no speech follows the wake word")
    max_utterance_s: float = Field(12.0, ge=1.0, le=60.0,
                                   description="hard cap on one utterance, seconds")
    complete_silence_s: float = Field(
        0.15, ge=0.05, le=5.0,
        description="silence that ends the turn when the words so far are a complete command")
    incomplete_silence_s: float = Field(
        1.2, ge=0.1, le=5.0,
        description="silence that ends the turn when the words so far are clearly unfinished")
    sentence_silence_s: float = Field(
        0.3, ge=0.05, le=5.0,
        description="silence that ends the turn when the recogniser closed the sentence (final "
                    "punctuation) on words that are not a parsed command, seconds")
    semantic: bool = Field(True, description="use the transcript so far to pick the silence")


class AsrConfig(Section):
    """Speech recognition: Vosk (product default, streaming), faster-whisper or Moonshine."""

    backend: Literal["auto", "vosk", "faster_whisper", "moonshine"] = Field(
        "auto", description="auto: Vosk when its model is installed, else faster-whisper; "
                            "moonshine: Moonshine base (measured, not shipped: docs/eval.md; "
                            "never chosen by auto)")
    vosk_model: str = "vosk-small-en-us"
    whisper_model: str = "whisper-tiny-en"
    moonshine_model: str = "moonshine-base-en"
    language: str = Field("en", min_length=2, max_length=5)
    beam_size: int = Field(1, ge=1, le=8, description="faster-whisper beam width")
    no_repeat_ngram: int = Field(
        0, ge=0, le=10, description="faster-whisper: never repeat a token n-gram this long "
                                    "(ends hallucination loops, but costs ~1 WER point: off)")
    threads: int = Field(2, ge=1, le=8, description="CPU threads for the recogniser")
    window_s: float = Field(
        15.0, ge=10.0, le=30.0,
        description="faster-whisper: encoder window in s for an utterance of at most a third "
                    "of it (the encoder's cost is proportional to the window; whisper was "
                    "trained on 30 s, which longer utterances keep)")
    temperatures: tuple[Annotated[float, Field(ge=0.0, le=1.0)], ...] = Field(
        (0.0, 0.5), min_length=1, max_length=8,
        description="faster-whisper: decode greedily at the first; a result that looks "
                    "wrong (repetitive, or improbable) is decoded again at the next ones, one "
                    "sampled hypothesis each (~70 ms per retry on this machine)")
    alternatives: int = Field(
        5, ge=0, le=8,
        description="faster-whisper: when the best text is not a command the fast path "
                    "understands, decode a beam of this many hypotheses and take the first one "
                    "it does (with that hypothesis' own confidence, which confirm_below "
                    "judges); 0 or 1: off")
    alternatives_floor: float = Field(
        -1.0, ge=-10.0, le=0.0,
        description="faster-whisper: a beam hypothesis less probable than this (natural log "
                    "per token) is never taken")
    value_margin: float | None = Field(
        0.15, ge=0.0, le=2.0,
        description="faster-whisper: when the best text's plan names a free text (a title, a "
                    "contact, a destination), decode the beam (asr.alternatives) and ask "
                    "before acting when a hypothesis at most this much less probable (natural "
                    "log per token) names another (\"lucky\" / \"lucky you\" for \"Lucky "
                    "Dube\"); None: off (docs/corpus.md)")
    confirm_below: float | None = Field(
        -0.3, ge=-10.0, le=0.0,
        description="faster-whisper: a command heard with a confidence (the lowest segment "
                    "avg_logprob, natural log per token) below this is asked about before it "
                    "runs (\"Do you want me to move the window: rear right, 100 percent?\"); None: "
                    "never. -0.3 chosen on the spoken corpus (docs/corpus.md, dev splits "
                    "heldout6 and heldout7): wrong actions 5.6 -> 0.2 % of files (-0.4: 0.6 %), "
                    "two fifths of right actions asked first")


class TtsConfig(Section):
    """Piper voice settings."""

    voice: str = "piper-joe-medium"
    length_scale: float = Field(1.0, ge=0.5, le=2.0, description="> 1 speaks slower")
    volume: float = Field(1.0, ge=0.0, le=2.0, description="linear gain")
    acknowledge: str = Field(
        "Okay.", max_length=40,
        description="said first when the car has done an action (pre-rendered, so it plays at "
                    "once while the rest is synthesized); empty for none")
    duck_ratio: float = Field(
        0.3, ge=0.0, le=1.0,
        description="media volume while Cabin listens or speaks, as a fraction of the driver's")
    lexicon: dict[str, str] = Field(
        default_factory=dict,
        description="word -> respelling, or raw phonemes as '[[ ... ]]', applied before Piper")


class BargeInConfig(Section):
    """Interrupting the assistant by speaking over it."""

    enabled: bool = True
    min_speech_s: float = Field(0.064, ge=0.03, le=1.0,
                                description="driver speech needed to interrupt a reply, s")


class FrontEndConfig(Section):
    """Echo cancellation, noise suppression, gain control (daemon/audio/frontend.py)."""

    aec: Literal["speex", "none"] = "speex"
    tail_ms: int = Field(256, ge=10, le=2000, description="echo path the canceller models, ms")
    echo_suppress_db: int = Field(-40, ge=-90, le=0, description="residual echo suppression")
    echo_suppress_active_db: int = Field(-15, ge=-90, le=0,
                                         description="residual suppression in double talk")
    ns: Literal["webrtc", "speex", "none"] = Field(
        "none", description="off by default: it lowered wake-word scores on the command set")
    ns_level: int = Field(2, ge=0, le=4)
    ns_speex_db: int = Field(-15, ge=-90, le=0)
    agc: bool = False
    agc_target_dbfs: int = Field(3, ge=0, le=31)
    reference_delay_ms: float = Field(0.0, ge=0.0, le=1000.0,
                                      description="speaker-to-microphone delay to align, ms")
    echo_path_file: Path | None = Field(
        Path("/var/lib/cabin/echo_path.npz"),
        description="where `cabin run` keeps the learned echo path between starts, to prime "
                    "the echo canceller (null: every start is cold)")


class LoggingConfig(Section):
    """Log settings."""

    level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"


class CabinConfig(Section):
    """The whole configuration (cabin.yaml)."""

    models_dir: Path = Field(default=REPO_ROOT / "models",
                             description="directory with the fetched models")
    wake: WakeConfig = WakeConfig()
    vad: VadConfig = VadConfig()
    endpoint: EndpointConfig = EndpointConfig()
    asr: AsrConfig = AsrConfig()
    tts: TtsConfig = TtsConfig()
    barge_in: BargeInConfig = BargeInConfig()
    frontend: FrontEndConfig = FrontEndConfig()
    vehicle: VehicleConfig = VehicleConfig()
    llm: LlmConfig = LlmConfig()
    manual: ManualConfig = ManualConfig()
    dialogue: DialogueConfig = DialogueConfig()
    audio: AudioIoConfig = AudioIoConfig()
    service: ServiceConfig = ServiceConfig()
    hmi: HmiConfig = HmiConfig()
    privacy: PrivacyConfig = PrivacyConfig()
    logging: LoggingConfig = LoggingConfig()
    sequential: bool = Field(
        False, description="benchmark baseline: every stage waits for the previous one "
        "(silence-only endpointing, no transcript peek, whole reply synthesized before playing)")

    @model_validator(mode="after")
    def _endpoint_consistent(self) -> CabinConfig:
        if self.endpoint.silence_s >= self.endpoint.max_utterance_s:
            raise ValueError("endpoint.silence_s must be shorter than endpoint.max_utterance_s")
        return self


def _fields_at(loc: tuple[int | str, ...]) -> list[str]:
    """Names of the fields valid at `loc` (a pydantic error location), for "did you mean"."""
    model: Any = CabinConfig
    for part in loc[:-1]:
        field = getattr(model, "model_fields", {}).get(part)
        if field is None:
            return []
        model = field.annotation
    return list(getattr(model, "model_fields", {}))


def _shown(value: object, limit: int = 80) -> str:
    """A bounded repr of a rejected value (an int of over 4300 digits has no repr at all)."""
    try:
        text = repr(value)
    except (ValueError, RecursionError):
        return f"<unprintable {type(value).__name__}>"
    return text if len(text) <= limit else f"{text[:limit]}... ({len(text)} chars)"


def _item_key(key: str, kind: str, msg: str) -> str:
    """A strict-number error about one item of a list or dict also names that item the way
    pydantic's own item errors do ("item 0 must be a number ... (at asr.temperatures.0)")."""
    found = re.match(r"^(?:item (\d+)|'([^']*)') ", msg) if kind == "number_expected" \
        else None
    return msg if found is None else f"{msg} (at {key}.{found.group(1) or found.group(2)})"


def _describe(exc: ValidationError, source: str) -> ConfigError:
    lines = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        key = ".".join(str(p) for p in loc) or "(top level)"
        if err["type"] == "extra_forbidden":
            close = difflib.get_close_matches(str(loc[-1]), _fields_at(loc), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            lines.append(f"{key}: unknown key{hint}")
        else:
            msg = _item_key(key, err["type"], err["msg"])
            lines.append(f"{key}: {msg} (got {_shown(err.get('input'))})")
    return ConfigError(f"{source}: invalid configuration:\n  " + "\n  ".join(lines),
                       fix="correct the keys above; cabin.yaml in the repository documents each")


def parse_config(data: object, source: str = "<config>") -> CabinConfig:
    """Validate already-parsed YAML content."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: the top level must be a mapping of sections, "
                          f"got {type(data).__name__}", fix="see cabin.yaml for the layout")
    try:
        return CabinConfig.model_validate(data)
    except ValidationError as exc:
        raise _describe(exc, source) from None


def load_config(path: Path | None) -> CabinConfig:
    """Load and validate a YAML config file; None gives the defaults.

    Relative paths inside the file (``models_dir``, ``manual.path``) are resolved against the
    file's directory.
    The environment variable ``CABIN_MODELS_DIR`` overrides ``models_dir``.
    """
    if path is None:
        config = CabinConfig()
    else:
        try:
            text = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"cannot read config file {path}: {exc.strerror}",
                              fix="check the path given with --config") from None
        except UnicodeDecodeError as exc:
            raise ConfigError(f"{path}: not UTF-8 text (byte {exc.start})",
                              fix="save the file as UTF-8") from None
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise ConfigError(f"{path}: not valid YAML: {exc}",
                              fix="fix the YAML syntax at the line shown") from None
        except RecursionError:
            raise ConfigError(f"{path}: nested too deeply to be a configuration",
                              fix="see cabin.yaml for the layout") from None
        config = parse_config(data, str(path))
        if not config.models_dir.is_absolute():
            config = config.model_copy(update={"models_dir": path.parent / config.models_dir})
        manual = config.manual.path
        if manual is not None and not manual.is_absolute():
            config = config.model_copy(update={"manual": config.manual.model_copy(
                update={"path": path.parent / manual})})
    override = os.environ.get("CABIN_MODELS_DIR")
    if override:
        config = config.model_copy(update={"models_dir": Path(override)})
    return config
