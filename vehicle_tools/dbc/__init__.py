"""The DBC: loading it, and decoding frames into plain typed values.

`cabin.dbc` (packaged next to this module) describes the simulated car; a real car's DBC can be
given in `CanConfig.dbc` as long as it carries the messages and signals the tools drive (checked
by `vehicle_tools.registry.Registry.check_against`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from importlib import resources
from pathlib import Path

import cantools
from cantools.database.can import Database, Message
from cantools.database.errors import DecodeError
from cantools.database.errors import Error as CantoolsError
from cantools.database.namedsignalvalue import NamedSignalValue

from vehicle_tools.errors import ToolError
from vehicle_tools.state import SignalValue

logger = logging.getLogger(__name__)

__all__ = ["Database", "Message", "decode_frame", "limit_violations", "load_dbc"]


def load_dbc(path: str | None = None) -> Database:
    """Load and check a DBC file; ``None`` loads the packaged ``cabin.dbc``.

    Raises:
        ToolError: code ``dbc_invalid`` when the file is missing or does not parse.
    """
    try:
        if path is None:
            text = resources.files(__package__).joinpath("cabin.dbc").read_text(encoding="utf-8")
        else:
            # DBC files are conventionally Windows-1252 (CANdb++ writes them that way).
            text = Path(path).read_text(encoding="cp1252", errors="replace")
        db = cantools.database.load_string(text, database_format="dbc", strict=True)
    except (OSError, CantoolsError, ValueError) as exc:
        raise ToolError("dbc_invalid", "The car's signal definitions could not be loaded.",
                        f"{path or 'packaged cabin.dbc'}: {exc}") from exc
    if not isinstance(db, Database):
        raise ToolError("dbc_invalid", "The car's signal definitions could not be loaded.",
                        f"{path}: not a CAN database")
    return db


def decode_frame(message: Message, data: bytes, *,
                 choices: bool = True) -> dict[str, SignalValue] | None:
    """Decode one frame of ``message`` into physical values (DBC units).

    With ``choices`` an enumerated signal decodes to its VAL_ name (``"P"``, ``"ON"``); without,
    to its raw integer. Returns None (and logs) when the payload does not decode.
    """
    try:
        decoded = message.decode(data, decode_choices=choices, scaling=True)
    except (DecodeError, ValueError, KeyError) as exc:
        logger.warning("undecodable %s frame %s: %s", message.name, data.hex(), exc)
        return None
    if not isinstance(decoded, dict):  # container messages are not used by Cabin
        return None
    values: dict[str, SignalValue] = {}
    for name, value in decoded.items():
        values[name] = value.name if isinstance(value, NamedSignalValue) else value
    return values


def limit_violations(message: Message, values: Mapping[str, SignalValue]) -> dict[str, str]:
    """Every numeric value outside its signal's DBC [min|max]: signal name -> description.

    Empty when every value fits. VAL_ names are not checked (they decode only from valid raws).
    """
    problems: dict[str, str] = {}
    for name, value in values.items():
        if isinstance(value, str):
            continue
        signal = message.get_signal_by_name(name)
        low, high = signal.minimum, signal.maximum
        if (low is not None and value < low) or (high is not None and value > high):
            problems[name] = f"{message.name}.{name}={value} outside [{low}|{high}]"
    return problems
