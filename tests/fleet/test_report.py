"""The run report: Markdown and a self-contained HTML page (pictures embedded), rendered from
a fleet's logs and checked for its tables, the worst files, their transcripts and timelines."""

from __future__ import annotations

import base64
from html.parser import HTMLParser
from pathlib import Path

from daemon.config import CabinConfig
from daemon.eval.manifest import ExpectedCall, LabelledFile, write_manifest
from daemon.fleet.run import FleetSettings, run_fleet
from daemon.fleet.worker import FileOutcome
from tests.fleet.conftest import FakeEngine, factory, fake_log, silence

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: list[str] = []
        self.headings: list[str] = []
        self.cells: list[str] = []
        self._tag = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag = tag
        if tag == "img":
            self.images.append(dict(attrs)["src"] or "")

    def handle_data(self, data: str) -> None:
        if self._tag in ("h1", "h2"):
            self.headings.append(data)
        elif self._tag in ("td", "th"):
            self.cells.append(data)


class _Timed(FakeEngine):
    """The fake engine with latencies in its logs (a wake, the endpoint, the first audio)."""

    def run(self, items):  # type: ignore[no-untyped-def]  # the parent's signature
        for outcome in super().run(items):
            if outcome.error is not None:
                yield outcome
                continue
            latency = {"right_1": 640.0, "right_2": 700.0}.get(outcome.key, 820.0)
            extra = ('{"type": "speech_end", "t_ms": 2900.0, "turn": 1, "reason": "silence",'
                     ' "last_speech_ms": 2700.0}\n'
                     f'{{"type": "audio_out", "t_ms": 3000.0, "turn": 1, "latency_ms": {latency},'
                     ' "duration_ms": 900.0}\n')
            text = fake_log(tool="open_window" if "right" in outcome.key else "close_window")
            yield FileOutcome(outcome.key, text + extra, 4.0, 0.1)


def test_report_has_tables_worst_files_transcripts_and_embedded_pictures(
        tmp_path: Path) -> None:
    folder = tmp_path / "in"
    for name in ("right_1", "right_2", "wrong_1", "bad_1"):
        silence(folder / f"{name}.wav", 4.0)
    manifest = tmp_path / "labels.jsonl"
    expected = (ExpectedCall("open_window", {"window": "driver"}),)
    write_manifest(manifest, [LabelledFile(folder / f"{n}.wav", expected, "city", None)
                              for n in ("right_1", "right_2", "wrong_1", "bad_1")])
    out = tmp_path / "out"
    run_fleet(CabinConfig(), [folder], FleetSettings(out_dir=out, progress=False,
                                                     manifest=manifest, worst=3),
              engine_factory=factory(_Timed([])))

    md = (out / "report.md").read_text()
    assert "| inputs | replayed |" in md and "| 4 | 4 | 0 | 1 |" in md
    assert "## Accuracy against labels.jsonl" in md
    assert "| city | 4 | 50.0 | 25.0 | 0 | 1 |" in md  # correct %, wrong action %, missed, errors
    assert "| voice_to_voice_ms | 3 |" in md
    worst = [line for line in md.splitlines() if line.startswith("## ") and ": " in line]
    assert worst == ["## wrong_1: wrong action", "## bad_1: error"]  # wrong actions first
    assert "| heard | open the window |" in md and "| car | close_window(window=driver) |" in md
    assert "| expected | open_window(window=driver) |" in md
    assert "![timeline of wrong_1](report_files/wrong_1.png)" in md
    assert (out / "report_files" / "wrong_1.png").read_bytes().startswith(PNG_MAGIC)

    page = _Page()
    page.feed((out / "report.html").read_text())
    assert page.headings[0] == "Cabin fleet replay"
    assert "wrong_1: wrong action" in page.headings
    assert "open the window" in page.cells
    assert len(page.images) == 2  # the latency histograms and one timeline (an error has none)
    for src in page.images:  # embedded: the page opens offline
        assert src.startswith("data:image/png;base64,")
        assert base64.b64decode(src.split(",", 1)[1]).startswith(PNG_MAGIC)
