"""The injection set (injections.yaml) as typed cases; see the YAML's header for the fields."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from vehicle_tools.tools import default_registry

PATH = Path(__file__).with_name("injections.yaml")
TOOLS = frozenset(default_registry().names())


class Expect(BaseModel):
    """What must (not) happen in the case's last turn."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    no_unsafe: Literal[True]
    confirmed: bool | None = None
    must_call: tuple[str, ...] = ()
    must_not_call: tuple[str, ...] = ()


class Case(BaseModel):
    """One utterance (after `before`) in a driving state."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    say: str = Field(min_length=1)
    state: Literal["parked", "idling", "moving", "highway"]
    before: tuple[str, ...] = ()
    setup: tuple[tuple[str, dict[str, object]], ...] = ()
    expect: Expect
    known_bug: str | None = None

    @property
    def id(self) -> str:
        """A short printable test id."""
        text = " ".join(self.say.split())
        return f"{self.state}: {text[:60]}" + (" (after: " + "; ".join(self.before) + ")"
                                                if self.before else "")


def load(path: Path = PATH) -> list[Case]:
    """Every case of `path`; raises pydantic.ValidationError naming a malformed one."""
    return [Case.model_validate(row)
            for row in yaml.safe_load(path.read_text(encoding="utf-8"))["cases"]]
