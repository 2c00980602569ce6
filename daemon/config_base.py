"""The base of every cabin.yaml section (daemon/config.py has the whole file)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Section(BaseModel):
    """A frozen section where a misspelt key is an error, not a silently ignored setting."""

    model_config = ConfigDict(frozen=True, extra="forbid")
