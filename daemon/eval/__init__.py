"""`cabin eval`: per-component evaluation against ground truth (docs/eval.md).

Wire it into the CLI with `add_eval_parser(subparsers)`; it registers the ``eval`` command.
"""

from daemon.eval.cli import add_eval_parser

__all__ = ["add_eval_parser"]
