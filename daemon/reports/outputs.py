"""Files a command writes (event log, reply WAV, plot): checked before the work, not after it.

`cabin replay` and `cabin run --input-wav` write their outputs when the run ends; a path that
cannot be written used to be found only then, as a traceback with exit 1, after the whole run
(issue 23 item 8). `check_output` is called before any model is loaded: a missing parent
directory is created (as the writers would have), anything else that stops the file from being
written (a parent that is a file, a read-only or unreadable directory, the path being a
directory) is an `OutputError` naming the path, the option and the fix; the CLI exits with 2.
"""

from __future__ import annotations

import errno
from pathlib import Path

from daemon.errors import CabinError


class OutputError(CabinError):
    """An output file cannot be written where the user asked for it."""

    code = "output_unwritable"


def output_error(path: Path, option: str, exc: OSError) -> OutputError:
    """The error for ``option``'s ``path`` after ``exc`` (from mkdir, open or write)."""
    if isinstance(exc, FileExistsError | NotADirectoryError) or exc.errno == errno.ENOTDIR:
        cause = f"{_file_in_the_way(path)} is a file, not a directory"
    elif isinstance(exc, IsADirectoryError):
        cause = f"{path} is a directory"
    else:
        cause = exc.strerror or str(exc)
    return OutputError(
        f"cannot write {option} {path}: {cause}",
        fix=f"give {option} a file path in a directory this user can write to (or make "
            f"{path.parent} writable)",
    )


def _file_in_the_way(path: Path) -> Path:
    """The first ancestor of ``path`` that exists and is not a directory (else its parent)."""
    for ancestor in reversed(path.parents):
        if ancestor.exists() and not ancestor.is_dir():
            return ancestor
    return path.parent


def check_output(path: Path, option: str) -> None:
    """Make sure ``path`` can be written later: create its parent directory, probe the file.

    The probe opens the file for appending (creating it if absent, then removing it again), so
    an existing file keeps its contents and mtime. Raises OutputError.
    """
    try:
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
        path.parent.mkdir(parents=True, exist_ok=True)
        existed = path.exists()
        with path.open("ab"):
            pass
        if not existed:
            path.unlink()
    except OSError as exc:
        raise output_error(path, option, exc) from None
