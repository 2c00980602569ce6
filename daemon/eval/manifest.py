"""Labelled recordings: which tool calls each file should produce (docs/eval.md, "Manifests").

A manifest is JSON lines (``.jsonl``) or tab-separated values with a header (``.tsv``), one
recording per row:

- ``file``: the WAV, relative to the manifest's directory (or absolute);
- ``expected``: the tool calls it should make, in order, as JSON: a list of
  ``{"tool": NAME, "args": {...}}`` (``[]`` or ``null``: no call at all; one object alone is a
  list of one). Only the arguments listed are checked;
- ``category``: any label to break the figures down by (default ``all``);
- ``transcript``: what was said (optional; gives the word error rate).

The built command set writes one (build/commands/labels.jsonl, `from_command_set`).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from daemon.errors import CabinError

COLUMNS = ("file", "expected", "category", "transcript")


class ManifestError(CabinError):
    """A manifest that cannot be read; the message names the file and line."""

    code = "manifest_invalid"


@dataclass(frozen=True)
class ExpectedCall:
    """A tool call a recording should make; `args` lists the arguments that are checked."""

    tool: str
    args: Mapping[str, object]


@dataclass(frozen=True)
class LabelledFile:
    """One row of a manifest.

    Attributes:
        file: the recording, absolute.
        expected: the calls it should make, in order (empty: none).
        category: the label the figures are broken down by.
        transcript: what was said, or None.
    """

    file: Path
    expected: tuple[ExpectedCall, ...]
    category: str = "all"
    transcript: str | None = None


def _calls(value: object, where: str) -> tuple[ExpectedCall, ...]:
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else None
        except ValueError as exc:
            raise ManifestError(f"{where}: expected is not JSON ({exc})",
                                fix='write it as [{"tool": "...", "args": {...}}]') from None
    if value is None:
        return ()
    listed = [value] if isinstance(value, dict) else value
    if not isinstance(listed, list):
        raise ManifestError(f"{where}: expected must be a list of calls",
                            fix='write it as [{"tool": "...", "args": {...}}] or []')
    calls = []
    for call in listed:
        if not isinstance(call, dict) or not isinstance(call.get("tool"), str) \
                or not isinstance(call.get("args", {}), dict):
            raise ManifestError(f"{where}: each expected call needs a 'tool' name and 'args'",
                                fix='write it as {"tool": "set_temperature", "args": '
                                    '{"celsius": 21}}')
        calls.append(ExpectedCall(call["tool"], dict(call.get("args", {}))))
    return tuple(calls)


def _item(row: Mapping[str, object], base: Path, where: str) -> LabelledFile:
    file = row.get("file")
    if not isinstance(file, str) or not file:
        fix = "this is the command set's build manifest: use build/commands/labels.jsonl" \
            if "build_version" in row else "give every row a 'file' (relative to the manifest)"
        raise ManifestError(f"{where}: no 'file'", fix=fix)
    transcript = row.get("transcript")
    category = row.get("category")
    return LabelledFile((base / file).resolve(), _calls(row.get("expected"), where),
                        str(category) if category not in (None, "") else "all",
                        str(transcript) if transcript not in (None, "") else None)


def read_manifest(path: Path) -> list[LabelledFile]:
    """The rows of a ``.jsonl`` or ``.tsv`` manifest.

    Raises:
        ManifestError: unreadable, or a row that is not as described in the module docstring.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ManifestError(f"cannot read the manifest {path}: {exc}",
                            fix="name a .jsonl or .tsv manifest (docs/eval.md)") from None
    base = path.parent
    if path.suffix.lower() == ".tsv":
        lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
        reader = csv.DictReader(lines, delimiter="\t", quoting=csv.QUOTE_NONE)
        if reader.fieldnames is None or "file" not in reader.fieldnames:
            raise ManifestError(f"{path}: the first line must name the columns",
                                fix="start with: " + "\\t".join(COLUMNS))
        return [_item(row, base, f"{path}:{n}") for n, row in enumerate(reader, 2)]
    items = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise ManifestError(f"{path}:{n}: not JSON ({exc})",
                                fix="one JSON object per line (docs/eval.md)") from None
        if not isinstance(row, dict):
            raise ManifestError(f"{path}:{n}: not a JSON object", fix="one object per line")
        items.append(_item(row, base, f"{path}:{n}"))
    return items


def _relative(file: Path, base: Path) -> str:
    try:
        return file.relative_to(base.resolve()).as_posix()
    except ValueError:
        return str(file)


def manifest_rows(items: Iterable[LabelledFile], base: Path) -> list[dict[str, object]]:
    """`items` as JSON-lines rows with files relative to `base` (the manifest's directory)."""
    return [{"file": _relative(i.file, base),
             "expected": [{"tool": c.tool, "args": dict(c.args)} for c in i.expected],
             "category": i.category,
             **({"transcript": i.transcript} if i.transcript is not None else {})}
            for i in items]


def write_manifest(path: Path, items: Sequence[LabelledFile]) -> None:
    """Write a ``.jsonl`` manifest (files relative to its directory)."""
    rows = manifest_rows(items, path.parent)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n"
                            for r in rows), encoding="utf-8")


def from_command_set(rows: Iterable[Mapping[str, object]], base: Path) -> list[LabelledFile]:
    """The built command set's manifest.jsonl rows as labelled files: category = its SNR
    directory (``snr10``, ``clean``), transcript = the command's text."""
    items = []
    for row in rows:
        rel = str(row["path"])
        category = rel.split("/", 1)[0] if "/" in rel else "all"
        items.append(LabelledFile((base / rel).resolve(), _calls(row.get("expected"), rel),
                                  category, str(row["text"]) if row.get("text") else None))
    return items
