"""The owner's manual format: parsed into sections, errors that name the line and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from daemon.errors import ConfigError
from daemon.manual.config import SHIPPED_MANUAL, ManualConfig
from daemon.manual.document import load_manual, parse_manual, split_sentences
from daemon.manual.loader import load_answerer

SMALL = """# A manual
Introduction, ignored.

## tyre-pressures: Recommended tyre pressures
Also: tire pressure, psi
The front tyres take 240 kPa (35 psi). The rear tyres take 220 kPa (32 psi).

## child-locks: Child safety locks
- Turn the switch on the rear door edge.
- **Each** rear door has its own switch.
"""


def test_sections_titles_also_words_and_sentences() -> None:
    manual = parse_manual(SMALL, "small.md")
    assert [s.id for s in manual.sections] == ["tyre-pressures", "child-locks"]
    tyres = manual.get("tyre-pressures")
    assert tyres.title == "Recommended tyre pressures"
    assert tyres.also == ("tire pressure", "psi")
    assert tyres.sentences == ("The front tyres take 240 kPa (35 psi).",
                               "The rear tyres take 220 kPa (32 psi).")
    assert tyres.line == 4
    assert manual.get("child-locks").sentences == (
        "Turn the switch on the rear door edge.", "Each rear door has its own switch.")
    with pytest.raises(KeyError):
        manual.get("sunroof")


def test_sentences_split_at_a_full_stop_before_a_capital_or_digit_only() -> None:
    assert split_sentences("Drive at 80 km/h. Then stop. 3 times, e.g. the stalk.") == (
        "Drive at 80 km/h.", "Then stop.", "3 times, e.g. the stalk.")


@pytest.mark.parametrize(("text", "why"), [
    ("no headings at all\n", "no sections"),
    ("## Tyres: Pressures\nText.\n", "bad section heading"),
    ("## tyres Pressures\nText.\n", "bad section heading"),
    ("## tyres: Pressures\nText.\n## tyres: Again\nMore.\n", "used twice"),
    ("## tyres: Pressures\nAlso: psi\n\n## locks: Locks\nText.\n", "has no text"),
])
def test_a_bad_manual_names_the_line_and_the_fix(text: str, why: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_manual(text, "bad.md")
    assert why in err.value.message and "bad.md:" in err.value.message
    assert "docs/manual.md" in err.value.fix


def test_a_missing_manual_file_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read the owner's manual"):
        load_answerer(ManualConfig(path=tmp_path / "missing.md"))
    assert load_answerer(ManualConfig(enabled=False)) is None


def test_the_shipped_manual_covers_what_drivers_ask() -> None:
    manual = load_manual(SHIPPED_MANUAL)
    ids = {s.id for s in manual.sections}
    assert len(ids) >= 40
    assert {"tyre-pressures", "phone-pairing", "child-locks", "wipers", "washer-fluid", "fuel",
            "service-intervals", "spare-wheel", "tyre-repair-kit", "jump-starting", "seats",
            "seat-heating", "climate", "windows", "sunroof", "assistant"} <= ids
    lights = [s for s in manual.sections if s.id.startswith("light-")]
    assert len(lights) >= 12
    for light in lights:  # each warning light: its colour, what it means, what to do
        text = light.text.lower()
        assert any(c in text for c in ("red", "orange", "blue", "green")), light.id
        assert "mean" in text, light.id
    tyres = manual.get("tyre-pressures").text
    assert all(f in tyres for f in ("kPa", "psi", "front", "rear", "full load"))
