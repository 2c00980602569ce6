"""The report's section for a labelled set (``cabin replay ... --manifest M``): accuracy by
category and the wrong actions, misses and failures as its worst files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from daemon.eval.commands_eval import FileScore, categories, category_rows, score
from daemon.eval.manifest import read_manifest
from daemon.fleet.report import Block, Heading, Para, Table, Worst
from daemon.fleet.summary import Call, FileSummary

ORDER = {"wrong_action": 0, "error": 1, "missed": 2}
"""Which verdicts come first among the worst files: a wrong action is the worst outcome."""


def _expected(s: FileScore) -> str:
    return "; ".join(Call(c.tool, c.args).text() for c in s.item.expected) or "(no call)"


def labelled_blocks(manifest: Path, files: Sequence[FileSummary],
                    worst: int) -> tuple[list[Block], list[Worst]]:
    """The accuracy section, and the worst files (wrong actions, errors, misses first).

    Raises:
        ManifestError: the manifest cannot be read.
    """
    items = read_manifest(manifest)
    by_wav = {str(Path(f.wav).resolve()): f for f in files}
    scores = [s for s in score(items, by_wav) if s.verdict != "no_log"]
    blocks: list[Block] = [Heading(f"Accuracy against {manifest.name}")]
    if not scores:
        return [*blocks, Para("No file of the manifest was replayed in this run.")], []
    blocks.append(Table(category_rows(categories(scores))))
    unlabelled = len(files) - len(scores)
    if unlabelled:
        blocks.append(Para(f"{unlabelled} replayed file(s) are not in the manifest."))
    bad = sorted((s for s in scores if s.verdict in ORDER),
                 key=lambda s: (ORDER[s.verdict], str(s.item.file)))
    chosen = [Worst(s.summary, s.verdict.replace("_", " "), _expected(s))
              for s in bad if s.summary is not None]
    return blocks, chosen[:worst]
