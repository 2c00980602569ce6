"""The vehicle tools as the language-model agent sees them: typed argument specs from the registry.

Built from each tool's JSON schema (`vehicle_tools.registry.Tool.json_schema`), so the prompt,
the grammar, the parser and the grounding check all follow the one declaration of every tool.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from vehicle_tools.registry import Registry

ArgKind = Literal["int", "float", "enum", "bool", "str"]


@dataclass(frozen=True)
class ArgSpec:
    """One argument of a tool.

    Attributes:
        name: the argument's name (``celsius``).
        kind: its type.
        required: whether a call must give it.
        default: the value used when it is left out (None: no default).
        minimum: lower limit, in the argument's unit (numbers only).
        maximum: upper limit, in the argument's unit (numbers only).
        choices: the allowed values (``enum`` only).
        max_length: longest string, characters (``str`` only).
        description: the schema's description (units, meaning).
    """

    name: str
    kind: ArgKind
    required: bool
    default: object = None
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()
    max_length: int = 60
    description: str = ""


@dataclass(frozen=True)
class ToolSpec:
    """A tool: name, first sentence of its description, its arguments, topic words and the
    examples the model is shown for it (``Language.model_examples``: sentence, arguments)."""

    name: str
    summary: str
    args: tuple[ArgSpec, ...]
    topics: tuple[str, ...] = ()
    examples: tuple[tuple[str, Mapping[str, object]], ...] = ()

    def arg(self, name: str) -> ArgSpec | None:
        """The argument called `name`, or None."""
        return next((a for a in self.args if a.name == name), None)


def _branch(prop: Mapping[str, Any]) -> Mapping[str, Any]:
    """The non-null branch of ``anyOf: [X, null]`` (optional arguments)."""
    for option in prop.get("anyOf", ()):
        if option.get("type") != "null":
            return {**prop, **option}
    return prop


def _arg(name: str, raw: Mapping[str, Any], required: bool) -> ArgSpec:
    prop = _branch(raw)
    kind: ArgKind
    if "enum" in prop:
        kind = "enum"
    elif prop.get("type") == "integer":
        kind = "int"
    elif prop.get("type") == "number":
        kind = "float"
    elif prop.get("type") == "boolean":
        kind = "bool"
    else:
        kind = "str"
    return ArgSpec(
        name=name, kind=kind, required=required, default=prop.get("default"),
        minimum=prop.get("minimum"), maximum=prop.get("maximum"),
        choices=tuple(str(c) for c in prop.get("enum", ())),
        max_length=int(prop.get("maxLength", 60)), description=str(prop.get("description", "")))


def tool_specs(registry: Registry) -> tuple[ToolSpec, ...]:
    """Every tool of `registry` as a `ToolSpec`, in declaration order."""
    specs = []
    for tool in registry:
        schema = tool.json_schema()
        params = schema["parameters"]
        assert isinstance(params, dict)
        required = set(params.get("required", ()))
        args = tuple(_arg(n, p, n in required) for n, p in params.get("properties", {}).items())
        summary = tool.description.split(". ")[0].rstrip(".")
        examples = () if tool.language is None else tuple(
            (said, dict(given)) for said, given in tool.language.model_examples)
        specs.append(ToolSpec(tool.name, summary, args, tuple(tool.topics), examples))
    return tuple(specs)


def spec_by_name(specs: tuple[ToolSpec, ...], name: str) -> ToolSpec | None:
    """The spec of tool `name`, or None."""
    return next((s for s in specs if s.name == name), None)
