"""`cabin eval` pieces: WER, ERLE, list files, vocabulary biasing, and a quick real run."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np
import pytest

from daemon.eval.aec_eval import erle_db
from daemon.eval.common import (
    EvalItem,
    Report,
    WerCounter,
    edit_distance,
    normalize_words,
    read_list,
    write_list,
)
from daemon.hearing.biasing import (
    UNK,
    FallbackStream,
    build_vocabulary,
    unk_fraction,
    vosk_grammar,
    whisper_hotwords,
    whisper_prompt,
)
from tests.conftest import REPO, SHARED_AUDIO


def test_edit_distance_counts_substitutions_insertions_deletions() -> None:
    assert edit_distance(["a", "b", "c"], ["a", "b", "c"]) == 0
    assert edit_distance(["a", "b", "c"], ["a", "x", "c"]) == 1
    assert edit_distance(["a", "b", "c"], ["a", "c"]) == 1
    assert edit_distance(["a", "b"], ["a", "b", "c", "d"]) == 2
    assert edit_distance([], ["a"]) == 1


def test_wer_normalises_case_punctuation_numbers_and_tags() -> None:
    assert normalize_words("Set the temperature to twenty-one degrees.") == \
        ["set", "the", "temperature", "to", "21", "degrees"]
    assert normalize_words("[spk1] And so it begins") == ["and", "so", "it", "begins"]
    counter = WerCounter()
    assert counter.add("set the temperature to twenty one", "Set the temperature to 21.") == 0
    assert counter.add("open the window", "open window please") == 2
    assert counter.wer_pct == pytest.approx(100.0 * 2 / 8)


def test_erle_is_the_energy_ratio_in_db() -> None:
    echo = np.full(16000, 1000, dtype=np.int16)
    assert erle_db(echo, echo // 10) == pytest.approx(20.0, abs=0.01)
    assert erle_db(echo, np.zeros(16000, dtype=np.int16)) > 100.0


def test_list_files_round_trip_with_relative_paths(tmp_path: Path) -> None:
    wav = tmp_path / "audio" / "x.wav"
    items = [EvalItem(wav, "hey jarvis", "wakeword-positive"), EvalItem(wav, "-", "noise")]
    path = tmp_path / "sets" / "a.tsv"
    write_list(path, items, "made by a test")
    assert "../audio/x.wav\they jarvis" in path.read_text()
    assert read_list(path) == [EvalItem(wav.resolve(), i.label, i.kind) for i in items]


def test_shipped_lists_point_at_existing_recordings() -> None:
    if not SHARED_AUDIO.is_dir():
        pytest.skip("shared recordings missing")
    for name in ("wake_positive", "asr_transcribed", "negative_speech", "car_noise", "rir"):
        items = read_list(REPO / "tools" / "eval_sets" / f"{name}.tsv")
        assert items, name
        assert all(i.path.is_file() for i in items), name
    labels = {i.label for i in read_list(REPO / "tools" / "eval_sets" / "wake_positive.tsv")}
    assert {"alexa", "hey jarvis"} <= labels


def test_report_table_shows_rows_and_checks() -> None:
    report = Report("x", rows=[["a", "bb"], ["ccc", "d"]], checks={"t": False})
    text = report.table()
    assert "ccc  d" in text and "target t: MISS" in text


def test_vocabulary_comes_from_the_vehicle_registry() -> None:
    vocab = build_vocabulary()
    for word in ("temperature", "passenger", "rear", "odometer", "fan", "window", "twenty"):
        assert word in vocab.words
    assert "rear left" in vocab.phrases  # an enum value, spoken
    grammar = vosk_grammar(vocab, known_words=lambda w: w != "odometer")
    assert grammar[-1] == UNK and "odometer" not in grammar and "fan" in grammar
    prompt = whisper_prompt(vocab)
    assert "set the temperature to twenty one degrees" in prompt
    for domain_word in ("window", "sunroof", "song", "call", "fan"):  # every domain, not one
        assert domain_word in prompt, domain_word
    assert "temperature" in whisper_hotwords(vocab).split()
    assert "the" not in whisper_hotwords(vocab).split()


class FakeStream:
    def __init__(self, result: str) -> None:
        self.result = result
        self.fed = 0

    def accept(self, samples: np.ndarray) -> str | None:
        self.fed += len(samples)
        return self.result

    def finish(self) -> str:
        return self.result


def test_unk_fraction() -> None:
    assert unk_fraction("") == 1.0
    assert unk_fraction("set the fan") == 0.0
    assert unk_fraction("[unk] [unk] fan") == pytest.approx(2 / 3)


def test_grammar_result_is_kept_when_it_matches() -> None:
    opened: list[FakeStream] = []
    stream = FallbackStream(FakeStream("set the [unk] fan to three"),
                            lambda: opened.append(FakeStream("x")) or opened[-1])
    assert stream.accept(np.zeros(320, dtype=np.int16)) == "set the fan to three"
    assert stream.finish() == "set the fan to three"
    assert not stream.fell_back and opened == []


def test_unk_dominated_grammar_result_is_decoded_again_with_open_vocabulary() -> None:
    open_stream = FakeStream("what's the weather in paris")
    stream = FallbackStream(FakeStream("[unk] [unk] the [unk]"), lambda: open_stream)
    for _ in range(3):
        stream.accept(np.ones(320, dtype=np.int16))
    assert stream.finish() == "what's the weather in paris"
    assert stream.fell_back and open_stream.fed == 960


@pytest.mark.slow
def test_quick_eval_run_writes_json_and_table(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    if not SHARED_AUDIO.is_dir() or not (REPO / "models" / "whisper-tiny-en").is_dir():
        pytest.skip("shared recordings or models missing")
    from daemon.eval import add_eval_parser

    parser = argparse.ArgumentParser()
    add_eval_parser(parser.add_subparsers())
    args = parser.parse_args(["eval", "aec", "asr", "--quick", "--out", str(tmp_path)])
    assert args.func(args) == 0
    data = json.loads((tmp_path / "eval.json").read_text())
    assert set(data) == {"aec", "asr"}
    erle = data["aec"]["results"]["erle"]
    assert all(v["erle_converged_db"] > 5.0 for v in erle.values())
    wer = data["asr"]["results"]["wer"]
    assert wer["clean|fe=off|bias=off"]["wer_pct"] < 60.0
    assert "== asr" in capsys.readouterr().out


def test_an_unconfigured_alexa_is_evaluated_at_its_measured_threshold() -> None:
    from daemon.config import CabinConfig
    from daemon.eval.models import EvalModels

    specs = {s.model: s.threshold for s in EvalModels(CabinConfig()).wake_specs}
    assert specs == {"wake-hey-jarvis": 0.5, "wake-alexa": 0.95}
    chosen = CabinConfig.model_validate({"wake": {"words": [
        {"model": "wake-hey-jarvis", "threshold": 0.6}, {"model": "wake-alexa",
                                                         "threshold": 0.8}]}})
    assert {s.model: s.threshold for s in EvalModels(chosen).wake_specs} == {
        "wake-hey-jarvis": 0.6, "wake-alexa": 0.8}  # the configured values win
