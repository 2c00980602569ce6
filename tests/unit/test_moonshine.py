"""The Moonshine backend (daemon/hearing/moonshine.py): its token list, the backend choice, the
clear error when the model is missing, and (slow) a real decode of real recordings."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from daemon.config import AsrConfig
from daemon.errors import ModelError
from daemon.eval.common import WerCounter, load_audio
from daemon.hearing import moonshine
from daemon.hearing.asr import choose_backend, load_recognizer
from daemon.models import ModelStore, default_manifest_path, load_manifest
from tests.conftest import REPO, SHARED_AUDIO

MODEL = REPO / "models" / "moonshine-base-en"
TRANSCRIBED = REPO / "tools" / "eval_sets" / "asr_transcribed.tsv"
CLIPS = ("picovoice-leopard/test_librispeech_1272-128104-0000.wav",
         "pocketsphinx/goforward.wav",
         "pocketsphinx/librivox_sense_and_sensibility_01_austen_64kb-0880.wav",
         "speechbrain/spk1_snt1.wav")
"""Real recordings of shared/audio/speech whose transcripts tools/eval_sets lists."""


def _token_file(path: Path, tokens: list[bytes]) -> Path:
    out = bytearray()
    for token in tokens:
        n = len(token)
        out += bytes([n]) if n < 128 else bytes([(n & 0x7F) | 0x80, n >> 7])
        out += token
    path.write_bytes(bytes(out))
    return path


def test_token_list_and_text(tmp_path: Path) -> None:
    long = b"x" * 200  # a two-byte length
    words = ["\u2581turn".encode(), "\u2581on".encode(), b"\xc3", long]
    tokens = [b"<unk>", b"<s>", b"</s>", *(bytes([b]) for b in range(256)), *words]
    read = moonshine.read_tokens(_token_file(tmp_path / "tokenizer.bin", tokens))
    assert read == tokens
    first = 259
    # word marks become spaces; byte tokens join into UTF-8 ("é" is 0xC3 0xA9); specials drop
    ids = [1, first, first + 1, 3 + 0xC3, 3 + 0xA9, 2, 0]
    assert moonshine.detokenize(ids, read) == "turn oné"
    (tmp_path / "cut.bin").write_bytes(b"\x05ab")
    with pytest.raises(ValueError, match="truncated"):
        moonshine.read_tokens(tmp_path / "cut.bin")


def test_token_budget_grows_with_audio() -> None:
    assert moonshine.token_budget(0.2) == moonshine.MIN_TOKENS
    assert moonshine.token_budget(4.0) == 26


def test_backend_only_when_named(tmp_path: Path) -> None:
    chosen = choose_backend(AsrConfig(backend="moonshine"), tmp_path)
    assert chosen.backend == "moonshine" and chosen.model_dir == tmp_path / "moonshine-base-en"
    assert choose_backend(AsrConfig(), tmp_path).backend == "faster_whisper"  # auto never picks it


def test_missing_model_names_the_fix(tmp_path: Path) -> None:
    config = AsrConfig(backend="moonshine")
    with pytest.raises(ModelError) as gone:
        load_recognizer(choose_backend(config, tmp_path), config)
    assert gone.value.code == "model_missing"
    assert "cabin models fetch moonshine-base-en" in str(gone.value.fix)
    partial = tmp_path / "moonshine-base-en"
    partial.mkdir()
    (partial / "tokenizer.bin").write_bytes(b"")
    with pytest.raises(ModelError) as incomplete:
        load_recognizer(choose_backend(config, tmp_path), config)
    assert incomplete.value.code == "model_missing"
    assert "encoder_model.ort, decoder_model_merged.ort" in str(incomplete.value)
    assert "cabin models fetch moonshine-base-en" in str(incomplete.value.fix)


def test_manifest_entry_is_asr_eval_with_its_wheel() -> None:
    manifest = load_manifest(default_manifest_path())
    spec = manifest.get("moonshine-base-en")
    assert spec.groups == ["asr-eval"]
    assert sorted(f.path for f in spec.files) == sorted(moonshine.FILES)
    wheel = [s.pypi for s in spec.sources if s.pypi is not None]
    assert wheel and wheel[0].package == "moonshine-cpp==0.1.4"
    store = ModelStore(REPO / "models", manifest)
    if store.directory("moonshine-base-en").is_dir():
        assert store.verify("moonshine-base-en", full=False).pinned_by == "manifest"


def _labels() -> dict[str, str]:
    labels: dict[str, str] = {}
    for line in TRANSCRIBED.read_text().splitlines():
        path, label, *_ = [*line.split("\t"), ""]
        labels[path.removeprefix("../../../shared/audio/speech/")] = label
    return labels


@pytest.mark.slow
def test_decodes_real_speech_to_the_right_words() -> None:
    if not (MODEL / "decoder_model_merged.ort").is_file():
        pytest.skip("moonshine-base-en not fetched (cabin models fetch moonshine-base-en)")
    if not (SHARED_AUDIO / "speech").is_dir():
        pytest.skip(f"the shared recordings are not at {SHARED_AUDIO}")
    config = AsrConfig(backend="moonshine")
    recognizer = load_recognizer(choose_backend(config, REPO / "models"), config)
    assert recognizer.name == "moonshine" and not recognizer.streaming
    labels = _labels()
    counter = WerCounter()
    for clip in CLIPS:
        audio = load_audio(SHARED_AUDIO / "speech" / clip)
        stream = recognizer.stream()
        assert all(stream.accept(audio[i:i + 320]) is None for i in range(0, len(audio), 320))
        text = stream.finish()
        assert counter.add(labels[clip], text) <= 2, (clip, text)
        assert stream.confidence is not None and -1.0 < stream.confidence <= 0.0
        assert stream.settle(text) == text
    assert counter.wer_pct <= 10.0, counter.wer_pct
    silence = recognizer.stream()
    silence.accept(np.zeros(16000, dtype=np.int16))
    assert len(silence.finish().split()) <= 2  # no loop on silence
    assert recognizer.stream().finish() == ""
