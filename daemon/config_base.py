"""The base of every cabin.yaml section (daemon/config.py has the whole file)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

from vehicle_tools.config_numbers import strict_numbers


class Section(BaseModel):
    """A frozen section where a misspelt key is an error, not a silently ignored setting, and a
    number is a number (``silence_s: true`` is refused, not read as 1.0)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _numbers_are_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        return strict_numbers(cls, value, info)
