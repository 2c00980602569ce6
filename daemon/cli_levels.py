"""Options a command group accepts before and after its subcommand.

``cabin models --models-dir X verify`` and ``cabin models verify --models-dir X`` mean the same.
argparse parses the subcommand's arguments into a fresh namespace and copies it over the
group's, so an option declared on both parsers with one ``dest`` is lost or overwritten
silently (a default set on either level replaced the other's value: issue 23 item 7). Here the
group-level copy gets its own ``dest`` (``<dest>_before_command``); `merge_levels` folds it into
``dest`` before the command runs and refuses two different values, naming both.
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Callable, Sequence
from typing import Any

from daemon.errors import CabinError

BEFORE_SUFFIX = "_before_command"
Command = Callable[[argparse.Namespace], int]


def add_two_level_option(group: argparse.ArgumentParser,
                         subcommands: Sequence[argparse.ArgumentParser], *flags: str,
                         dest: str, **kwargs: Any) -> None:
    """Add option ``flags`` to ``group`` (before the subcommand) and to every subcommand.

    ``args.<dest>`` is None when the option was given at neither level (the group's default,
    which no subcommand action can overwrite); ``kwargs`` are `add_argument`'s (type, help...).
    """
    group.set_defaults(**{dest: None})
    group.add_argument(*flags, dest=dest + BEFORE_SUFFIX, default=argparse.SUPPRESS, **kwargs)
    for parser in subcommands:
        parser.add_argument(*flags, dest=dest, default=argparse.SUPPRESS, **kwargs)


def merge_levels(args: argparse.Namespace) -> argparse.Namespace:
    """Fold every ``<dest>_before_command`` into ``<dest>`` (None when given at neither level).

    Raises:
        CabinError: ``invalid_arguments`` when both levels gave different values.
    """
    for key in [k for k in vars(args) if k.endswith(BEFORE_SUFFIX)]:
        dest = key.removesuffix(BEFORE_SUFFIX)
        before = getattr(args, key)
        after = getattr(args, dest, None)
        delattr(args, key)
        if after is not None and after != before:
            flag = "--" + dest.replace("_", "-")
            raise CabinError(
                f"{flag} is given twice with different values: {before} before the "
                f"subcommand and {after} after it",
                fix=f"give {flag} once (before or after the subcommand)",
                code="invalid_arguments")
        setattr(args, dest, before)
    return args


def with_levels(command: Command) -> Command:
    """``command`` run on the namespace after `merge_levels`."""

    @functools.wraps(command)
    def run(args: argparse.Namespace) -> int:
        return command(merge_levels(args))

    return run
