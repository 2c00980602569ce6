"""Labelled sets: the manifest formats, the verdicts, and `cabin eval commands --manifest`
scoring fleet logs (accuracy by category, wrong-action rate, WER, latencies)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from daemon.cli import main
from daemon.eval.commands_eval import categories, evaluate_manifest, score, verdict
from daemon.eval.manifest import (
    ExpectedCall,
    LabelledFile,
    ManifestError,
    from_command_set,
    read_manifest,
    write_manifest,
)
from daemon.fleet.inputs import write_atomic
from daemon.fleet.summary import Call, FileSummary
from tests.fleet.conftest import fake_log

CLOSE = ExpectedCall("open_window", {"window": "driver"})


def test_jsonl_and_tsv_manifests_read_the_same(tmp_path: Path) -> None:
    (tmp_path / "m.jsonl").write_text(
        '{"file": "a/x.wav", "expected": [{"tool": "open_window", "args": '
        '{"window": "driver"}}], "category": "city", "transcript": "open my window"}\n\n'
        '{"file": "y.wav", "expected": null}\n')
    (tmp_path / "m.tsv").write_text(
        "# a comment\nfile\texpected\tcategory\ttranscript\n"
        'a/x.wav\t{"tool": "open_window", "args": {"window": "driver"}}\tcity\topen my window\n'
        "y.wav\t[]\t\t\n")
    jsonl, tsv = read_manifest(tmp_path / "m.jsonl"), read_manifest(tmp_path / "m.tsv")
    assert jsonl == tsv
    assert jsonl[0] == LabelledFile((tmp_path / "a" / "x.wav").resolve(), (CLOSE,), "city",
                                    "open my window")
    assert jsonl[1].expected == () and jsonl[1].category == "all"
    write_manifest(tmp_path / "again.jsonl", jsonl)
    assert read_manifest(tmp_path / "again.jsonl") == jsonl


@pytest.mark.parametrize(("text", "match"), [
    ('{"expected": []}\n', "no 'file'"),
    ('{"path": "snr10/cmd_01.wav", "build_version": "3"}\n', "no 'file'"),
    ('{"file": "x.wav", "expected": "not json"}\n', "not JSON"),
    ('{"file": "x.wav", "expected": [{"args": {}}]}\n', "'tool'"),
    ("[1, 2]\n", "not a JSON object"),
])
def test_a_bad_manifest_names_the_line_and_the_fix(tmp_path: Path, text: str,
                                                   match: str) -> None:
    path = tmp_path / "m.jsonl"
    path.write_text(text)
    with pytest.raises(ManifestError, match=match) as err:
        read_manifest(path)
    assert "m.jsonl:1" in err.value.message and err.value.fix
    if "build_version" in text:
        assert "labels.jsonl" in err.value.fix


def test_verdicts() -> None:
    right = Call("open_window", {"window": "driver", "percent": 100})
    assert verdict([CLOSE], [right]) == "correct"  # arguments not listed are not checked
    assert verdict([CLOSE], [Call("open_window", {"window": "passenger"})]) == "wrong_action"
    assert verdict([], [right]) == "wrong_action"
    assert verdict([CLOSE], [right, right]) == "wrong_action"
    assert verdict([CLOSE], []) == "missed"
    assert verdict([CLOSE, CLOSE], [right]) == "missed"
    assert verdict([], []) == "correct"
    temp = ExpectedCall("set_temperature", {"celsius": 21})
    assert verdict([temp], [Call("set_temperature", {"celsius": 21.0})]) == "correct"


def _summary(wav: Path, heard: str, calls: tuple[Call, ...], v2v: float) -> FileSummary:
    return FileSummary(wav.stem, str(wav), "ok", heard=(heard,), calls=calls,
                       latencies_ms={"voice_to_voice_ms": (v2v,)})


def test_categories_count_verdicts_wer_and_latency(tmp_path: Path) -> None:
    a, b, c = (tmp_path / f"{n}.wav" for n in "abc")
    items = [LabelledFile(a, (CLOSE,), "quiet", "open my window"),
             LabelledFile(b, (CLOSE,), "quiet", "open my window"),
             LabelledFile(c, (), "noisy")]
    scores = score(items, {
        str(a): _summary(a, "open my window", (Call("open_window", {"window": "driver"}),),
                         500.0),
        str(b): _summary(b, "open the window", (Call("open_window", {"window": "rear"}),),
                         700.0)})
    assert [s.verdict for s in scores] == ["correct", "wrong_action", "no_log"]
    noisy, quiet, everything = categories(scores)
    assert (quiet.category, quiet.scored, quiet.pct("correct"), quiet.pct("wrong_action")) == \
        ("quiet", 2, 50.0, 50.0)
    assert quiet.wer_pct == pytest.approx(100.0 / 6)  # one word of six
    assert quiet.voice_to_voice is not None and quiet.voice_to_voice.max == 700.0
    assert noisy.scored == 0 and noisy.verdicts["no_log"] == 1
    assert everything.category == "all" and everything.scored == 2


def test_the_built_command_set_is_a_manifest(tmp_path: Path) -> None:
    rows = [{"path": "snr10/cmd_01.wav", "text": "open my window",
             "expected": {"tool": "open_window", "args": {"window": "driver"}}},
            {"path": "clean/cmd_02.wav", "text": "tell me a joke", "expected": None}]
    items = from_command_set(rows, tmp_path)
    assert [(i.category, i.expected, i.transcript) for i in items] == [
        ("snr10", (CLOSE,), "open my window"), ("clean", (), "tell me a joke")]


def test_eval_commands_scores_a_fleet_out_dir(tmp_path: Path,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    labelled = tmp_path / "set"
    manifest = labelled / "labels.jsonl"
    write_manifest(manifest, [
        LabelledFile(labelled / "snr10" / "a.wav", (CLOSE,), "snr10", "open the window"),
        LabelledFile(labelled / "snr20" / "a.wav", (CLOSE,), "snr20", "open the window"),
        LabelledFile(labelled / "snr20" / "b.wav", (), "snr20")])
    out = tmp_path / "out"
    write_atomic(out / "snr10" / "a.jsonl", fake_log())
    write_atomic(out / "snr20" / "a.jsonl", fake_log(tool="close_window"))
    write_atomic(out / "snr20" / "b.jsonl",
                 '{"type": "error", "t_ms": 0.0, "turn": 0, "code": "audio_format", '
                 '"message": "not a WAV"}\n')
    _, scores = evaluate_manifest(manifest, out)
    assert [s.verdict for s in scores] == ["correct", "wrong_action", "error"]
    code = main(["eval", "commands", "--manifest", str(manifest), "--events-dir", str(out),
                 "--out", str(tmp_path / "eval")])
    printed = capsys.readouterr().out
    assert code == 0
    assert "snr10" in printed and "wrong action %" in printed and "voice_to_voice_ms" not in \
        printed  # the fake logs have no latency events
    saved = json.loads((tmp_path / "eval" / "eval.json").read_text())["commands"]["results"]
    assert saved["categories"]["snr20"]["wrong_action"] == 1
    assert saved["categories"]["snr20"]["error"] == 1
    assert saved["categories"]["all"]["accuracy_pct"] == pytest.approx(100.0 / 3, abs=0.01)


def test_eval_manifest_without_logs_dir_is_a_user_error(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "m.jsonl").write_text('{"file": "x.wav", "expected": []}\n')
    assert main(["eval", "commands", "--manifest", str(tmp_path / "m.jsonl")]) == 2
    assert "--events-dir" in capsys.readouterr().err
