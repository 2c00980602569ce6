"""The run report: OUT/report.md and OUT/report.html (the same content; the HTML page has every
picture embedded as base64 PNG, so it opens offline and can be mailed as one file).

Sections: the run (files, errors, throughput), the accuracy by category when a manifest is
given, the latency table and histograms, the errors, and the worst files with what was heard,
what the car did, what was said and their timelines (OUT/report_files/<key>.png).
"""

from __future__ import annotations

import base64
import html
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from daemon.events import read_jsonl
from daemon.fleet import figures
from daemon.fleet.inputs import write_atomic
from daemon.fleet.summary import FileSummary, RunInfo

_LOG = logging.getLogger(__name__)
FILES_DIR = "report_files"


@dataclass(frozen=True)
class Heading:
    """A section title."""

    text: str


@dataclass(frozen=True)
class Para:
    """A paragraph (plain text)."""

    text: str


@dataclass(frozen=True)
class Table:
    """A table; the first row is the header."""

    rows: list[list[str]]


@dataclass(frozen=True)
class Image:
    """A PNG: a file under OUT (`rel`) for the Markdown, embedded in the HTML."""

    rel: str
    png: bytes
    alt: str


Block = Heading | Para | Table | Image


@dataclass(frozen=True)
class Worst:
    """A file the report shows in full, and why."""

    summary: FileSummary
    why: str
    expected: str | None = None


def _run_blocks(run: RunInfo) -> list[Block]:
    state = "stopped before the end (Ctrl-C or SIGTERM)" if run.interrupted else "complete"
    return [Heading("Cabin fleet replay"), Para(f"Run {state}."), Table([
        ["inputs", "replayed", "kept (--resume)", "errors", "engine", "workers", "wall s",
         "files/s", "audio s/s"],
        [str(run.inputs), str(run.replayed), str(run.skipped), str(run.errors), run.engine,
         str(run.workers), f"{run.wall_s:.1f}", f"{run.files_per_s:.2f}",
         f"{run.audio_per_s:.1f}"]])]


def _latency_blocks(files: Sequence[FileSummary]) -> list[Block]:
    from daemon.eval.commands_eval import latency_rows

    rows = latency_rows(files)
    if len(rows) < 2:
        return [Heading("Latency"), Para("No turn in any log.")]
    merged: dict[str, list[float]] = {}
    for f in files:
        for name, values in f.latencies_ms.items():
            merged.setdefault(name, []).extend(values)
    blocks: list[Block] = [Heading("Latency"), Table(rows)]
    png = figures.latency_histograms(merged)
    if png is not None:
        blocks.append(Image(f"{FILES_DIR}/latency.png", png, "latency histograms"))
    return blocks


def _error_blocks(files: Sequence[FileSummary]) -> list[Block]:
    failed = [f for f in files if f.status == "error"]
    missing = sum(f.status == "missing" for f in files)
    blocks: list[Block] = [Heading("Errors")]
    if missing:
        blocks.append(Para(f"{missing} file(s) have no log: the run stopped before them "
                           "(`--resume` replays them)."))
    if not failed:
        return [*blocks, Para("No file failed.")]
    return [*blocks, Table([["file", "code", "message"],
                            *([f.key, f.error_code or "", f.error or ""] for f in failed)])]


def _worst_blocks(out_dir: Path, worst: Sequence[Worst]) -> list[Block]:
    blocks: list[Block] = [Heading("Worst files")]
    if not worst:
        return [*blocks, Para("None.")]
    for w in worst:
        s = w.summary
        blocks.append(Heading(f"{s.key}: {w.why}"))
        lines = [["recording", s.wav], ["heard", " | ".join(s.heard) or "(nothing)"],
                 ["car", "; ".join(c.text() for c in s.calls) or "(no call)"],
                 ["said", " | ".join(s.replies) or "(nothing)"]]
        if w.expected is not None:
            lines.insert(2, ["expected", w.expected])
        if s.error:
            lines.append(["error", f"{s.error_code}: {s.error}"])
        blocks.append(Table([["", s.key], *lines]))
        png = _timeline(out_dir, s)
        if png is not None:
            blocks.append(Image(f"{FILES_DIR}/{s.key}.png", png, f"timeline of {s.key}"))
    return blocks


def _timeline(out_dir: Path, s: FileSummary) -> bytes | None:
    if s.status != "ok":
        return None
    try:
        rows = read_jsonl(out_dir / f"{s.key}.jsonl")
    except (OSError, ValueError):
        return None
    out = out_dir / FILES_DIR / f"{s.key}.png"
    drawn = figures.timeline(rows, Path(s.wav), out)
    return drawn.read_bytes() if drawn is not None else None


def worst_files(files: Sequence[FileSummary], n: int) -> list[Worst]:
    """Without labels: the files that failed, then the slowest voice to voice."""
    bad = [Worst(f, f"error {f.error_code}") for f in files if f.status == "error"]
    timed = sorted((f for f in files if f.latencies_ms.get("voice_to_voice_ms")),
                   key=lambda f: -max(f.latencies_ms["voice_to_voice_ms"]))
    slow = [Worst(f, f"slowest: voice to voice "
                     f"{max(f.latencies_ms['voice_to_voice_ms']):.0f} ms") for f in timed]
    silent = [Worst(f, "no tool call and nothing said") for f in files
              if f.status == "ok" and not f.calls and not f.replies]
    return [*bad, *silent, *slow][:n]


def write_report(out_dir: Path, run: RunInfo, files: Sequence[FileSummary], *,
                 manifest: Path | None = None, worst: int = 5) -> tuple[Path, Path]:
    """Write OUT/report.md and OUT/report.html; returns their paths.

    Raises:
        ManifestError: `manifest` cannot be read.
        OSError: OUT cannot be written.
    """
    blocks = _run_blocks(run)
    chosen = worst_files(files, worst)
    if manifest is not None:
        from daemon.fleet.labelled import labelled_blocks

        extra, chosen = labelled_blocks(manifest, files, worst)
        blocks += extra
    blocks += _latency_blocks(files) + _error_blocks(files) + _worst_blocks(out_dir, chosen)
    for block in blocks:
        if isinstance(block, Image):
            path = out_dir / block.rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(block.png)
    md, page = out_dir / "report.md", out_dir / "report.html"
    write_atomic(md, to_markdown(blocks))
    write_atomic(page, to_html(blocks))
    return md, page


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def to_markdown(blocks: Sequence[Block]) -> str:
    """The blocks as Markdown (pictures linked, relative to OUT)."""
    out: list[str] = []
    for b in blocks:
        if isinstance(b, Heading):
            out.append(("# " if not out else "## ") + b.text)
        elif isinstance(b, Para):
            out.append(b.text)
        elif isinstance(b, Table):
            head, *body = b.rows
            out.append("\n".join(["| " + " | ".join(map(_md_cell, head)) + " |",
                                  "|" + "---|" * len(head),
                                  *("| " + " | ".join(map(_md_cell, r)) + " |" for r in body)]))
        else:
            out.append(f"![{b.alt}]({b.rel})")
    return "\n\n".join(out) + "\n"


_STYLE = ("body{font-family:sans-serif;max-width:72em;margin:2em auto;color:#222}"
          "table{border-collapse:collapse;margin:0.5em 0}"
          "td,th{border:1px solid #ccc;padding:2px 8px;text-align:left;font-size:90%}"
          "th{background:#eee}img{max-width:100%}")


def to_html(blocks: Sequence[Block]) -> str:
    """The blocks as one self-contained HTML page (pictures embedded as base64 PNG)."""
    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           f"<title>Cabin fleet replay</title><style>{_STYLE}</style></head><body>"]
    first = True
    for b in blocks:
        if isinstance(b, Heading):
            tag = "h1" if first else "h2"
            out.append(f"<{tag}>{html.escape(b.text)}</{tag}>")
        elif isinstance(b, Para):
            out.append(f"<p>{html.escape(b.text)}</p>")
        elif isinstance(b, Table):
            head, *body = b.rows
            out.append("<table><tr>" + "".join(f"<th>{html.escape(c)}</th>" for c in head)
                       + "</tr>" + "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>"
                                                            for c in r) + "</tr>" for r in body)
                       + "</table>")
        else:
            data = base64.b64encode(b.png).decode("ascii")
            out.append(f'<img alt="{html.escape(b.alt)}" src="data:image/png;base64,{data}">')
        first = False
    out.append("</body></html>")
    return "\n".join(out) + "\n"
