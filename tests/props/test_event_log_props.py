"""Event log parsing under hostile files: `read_jsonl` returns every event in order, or raises a
ValueError naming ``file:line`` of the FIRST line that is not an event; never another exception.

Files are built line by line from real events (written by `EventLog`), blank lines, truncated
events, JSON that is not an event object, binary garbage, stray carriage returns, deeply nested
JSON and megabyte lines; the oracle says which line is the first bad one.
"""

from __future__ import annotations

import io
import json
import math
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from daemon import events as ev
from tests.props.strategies import scalars, trees


def _nan(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)


texts = st.text(max_size=30) | st.just("x" * 1_000_000)
floats = st.floats(allow_nan=False, allow_infinity=False, min_value=0, max_value=1e7)
some_events: st.SearchStrategy[ev.Event] = st.one_of(
    st.builds(ev.Wake, t_ms=floats, turn=st.integers(0, 99), model=texts,
              score=st.floats(0, 1)),
    st.builds(ev.Transcript, t_ms=floats, turn=st.integers(0, 99), final=st.booleans(),
              text=texts, backend=st.just("faster_whisper")),
    st.builds(ev.ToolCall, t_ms=floats, name=texts,
              args=st.dictionaries(st.text(max_size=8), scalars.filter(lambda v: not _nan(v)),
                                   max_size=3)),  # NaN != NaN would spoil the comparison
    st.builds(ev.ErrorEvent, t_ms=floats, code=st.text(max_size=12), message=texts),
    st.builds(ev.SpeechStart, t_ms=floats),
)


def _line(event_: ev.Event) -> bytes:
    buf = io.StringIO()
    ev.EventLog(buf).emit(event_)
    return buf.getvalue().rstrip("\n").encode("utf-8")


good = some_events.map(_line)
blank = st.sampled_from([b"", b" ", b"\t", b"  \r"])
bad = st.one_of(
    good.filter(lambda b: len(b) > 2).flatmap(
        lambda b: st.integers(1, len(b) - 1).map(lambda n: b[:n])),  # truncated
    trees(st.text(max_size=5), 4).filter(lambda v: not isinstance(v, dict))
    .map(lambda v: json.dumps(v).encode()),  # JSON, not an object
    st.dictionaries(st.sampled_from(["type", "t_ms", "turn"]), scalars, max_size=2)
    .filter(lambda d: not ("type" in d and "t_ms" in d)).map(lambda d: json.dumps(d).encode()),
    st.tuples(scalars.filter(lambda v: not isinstance(v, str)), floats)
    .map(lambda p: json.dumps({"type": p[0], "t_ms": p[1]}).encode()),  # type not a string
    st.tuples(st.text(max_size=8), st.text(max_size=5) | st.booleans() | st.none())
    .map(lambda p: json.dumps({"type": p[0], "t_ms": p[1]}).encode()),  # t_ms not a number
    st.binary(min_size=1, max_size=64).filter(lambda b: b"\n" not in b and b.strip()),
    st.just(b"\xff\xfe{}"), st.just(b'{"type": "wake", "t_ms": 1, "model": "\xc3"}'),
    st.just(b"[" * 100_000), st.just(b"{" * 5000),
    st.just(b'{"type": "wake", \r"t_ms": 1}\r{'),
    st.just(b"\x00" * 1_000_000),
)


def _expected_bad(lines: list[bytes]) -> int | None:
    """1-based number of the first line that is neither blank nor an event (the oracle)."""
    for number, line in enumerate(lines, 1):
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            return number
        if not text.strip():
            continue
        try:
            row: Any = json.loads(text)
        except (ValueError, RecursionError):
            return number
        if not (isinstance(row, dict) and isinstance(row.get("type"), str)
                and isinstance(row.get("t_ms"), int | float)
                and not isinstance(row.get("t_ms"), bool)):
            return number
    return None


@settings(max_examples=400, deadline=None)
@given(lines=st.lists(st.one_of(good, good, blank, bad), max_size=12))
def test_rows_in_order_or_a_value_error_naming_the_line(lines: list[bytes]) -> None:
    first_bad = _expected_bad(lines)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.jsonl"
        path.write_bytes(b"\n".join(lines) + (b"\n" if lines else b""))
        if first_bad is None:
            event("valid log")
            rows = ev.read_jsonl(path)
            assert rows == [json.loads(x) for x in lines if x.strip()]
            return
        event("bad line")
        with pytest.raises(ValueError) as err:
            ev.read_jsonl(path)
    assert str(err.value).startswith(f"{path}:{first_bad}: "), (first_bad, str(err.value)[:200])
    assert len(str(err.value)) < 1000


def test_a_real_log_reads_back_exactly(tmp_path: Path) -> None:
    """What EventLog writes (non-ASCII, NaN-free floats, nested args) reads back as written."""
    path = tmp_path / "events.jsonl"
    emitted = [ev.Ready(t_ms=0, asr_backend="vosk", wake_words=("wake-hey-jarvis",)),
               ev.Transcript(t_ms=1234.56, turn=1, final=True, text="Stell 21 °C ein\u2028ok",
                             backend="vosk"),
               ev.ToolCall(t_ms=1300, turn=1, name="set_temperature",
                           args={"celsius": 21.0, "nested": {"a": [1, 2]}})]
    with path.open("w", encoding="utf-8") as fh:
        log = ev.EventLog(fh)
        for e in emitted:
            log.emit(e)
    assert ev.read_jsonl(path) == [json.loads(json.dumps(e.to_dict())) for e in emitted]
