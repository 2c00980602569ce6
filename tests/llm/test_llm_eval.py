"""`cabin eval llm`: the sets load, scoring fills defaults, and a small run with the model."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from daemon.eval.llm_eval import Case, correct, evaluate, load_cases, load_commands
from daemon.llm.router import Router
from daemon.llm.types import AgentAnswer, PlannedCall
from vehicle_tools.tools import default_registry

REPO = Path(__file__).resolve().parents[2]
REGISTRY = default_registry()


def test_the_sets_load() -> None:
    commands = load_commands(REPO / "tools" / "commands.yaml")
    cases = load_cases(REPO / "tools" / "eval_sets" / "llm_cases.yaml")
    assert len(commands) >= 30 and len(cases) >= 25
    assert {c.kind for c in cases} == {"calls", "clarify", "decline", "say"}
    for case in [*commands, *cases]:  # every expected call is valid for the registry
        for option in case.calls:
            for call in option:
                REGISTRY.validate(call.name, call.args)
    followups = [c for c in cases if c.history]
    assert followups and all(m.role in ("user", "assistant") for c in followups
                             for m in c.history)


def test_scoring_fills_defaults_and_wants_exact_arguments() -> None:
    case = Case("x", "command", "t", "calls",
                ((PlannedCall("set_temperature", {"celsius": 21.0, "zone": "all"}),),))
    assert correct(REGISTRY, case, AgentAnswer(
        "calls", (PlannedCall("set_temperature", {"celsius": 21}),)))
    assert not correct(REGISTRY, case, AgentAnswer(
        "calls", (PlannedCall("set_temperature", {"celsius": 21.5}),)))
    assert not correct(REGISTRY, case, AgentAnswer(
        "calls", (PlannedCall("set_temperature", {"celsius": 21, "zone": "driver"}),)))
    assert not correct(REGISTRY, case, AgentAnswer("clarify", text="?"))
    assert correct(REGISTRY, Case("y", "c", "t", "decline"), AgentAnswer("decline"))


@pytest.mark.slow
def test_a_small_run_writes_the_figures(router: Router, tmp_path: Path) -> None:
    commands = load_commands(REPO / "tools" / "commands.yaml")[:2]
    cases = [c for c in load_cases(REPO / "tools" / "eval_sets" / "llm_cases.yaml")
             if c.id in ("unsup_01", "amb_01")]
    report = evaluate(router, commands, cases, tmp_path / "llm.json", cache_texts=1)
    data = json.loads((tmp_path / "llm.json").read_text())
    summary = data["summary"]
    assert summary["grounding_violations"] == 0
    assert summary["well_formed_pct"] == 100.0
    assert len(data["items"]) == 4
    assert data["prompt_cache"]["cold_evaluated_tokens"] > data["prompt_cache"][
        "warm_evaluated_tokens"]
    assert report.checks["zero ungrounded argument values"]
    assert "commands (supported)" in report.table()
