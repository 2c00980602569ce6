"""The small records and pure helpers behind the model store (daemon/models/store.py).

Hashing, the fix texts, the verification report, atomic JSON, and the predicates over a
verification stamp entry (``{"sha256", "size" (bytes), "mtime_ns", "ino"}``): whether it
describes this very file, vouches for it, or remembers it as bad.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from daemon.models.manifest import ModelFile

log = logging.getLogger(__name__)

CHUNK = 1 << 20  # bytes read per hashing step


def sha256_file(path: Path, progress: Callable[[int], object] | None = None) -> str:
    """Hex sha256 of a file, read in 1 MiB chunks; ``progress(n_bytes)`` after each chunk."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            if progress is not None:
                progress(len(chunk))
    return digest.hexdigest()


def fetch_fix(name: str) -> str:
    """The command that (re)fetches model ``name``."""
    return f"run `cabin models fetch {name}`"


def rehash_fix(*names: str) -> str:
    """The fix for a model that passed the (stamp-accelerated) check but will not load."""
    listed = " ".join(names)
    fetch = " or ".join(f"`cabin models fetch {n}`" for n in names)
    return (f"run `cabin models verify --full {listed}` (it hashes every file); if it finds "
            f"bad files, delete them and run {fetch}")


@dataclass(frozen=True)
class FileCheck:
    """One verified file: path (relative), size (bytes), sha256, and whether the stamp sufficed."""

    path: str
    size: int
    sha256: str
    from_stamp: bool


@dataclass(frozen=True)
class VerifyReport:
    """The result of verifying one model.

    Attributes:
        name: model name.
        directory: the model directory.
        files: one entry per file.
        pinned_by: ``"manifest"``, or ``"local"`` (hashes recorded at first fetch).
        pin_origin: for local pins, how the hashes were obtained (archive checked or TOFU).
        hashed_bytes: bytes actually read and hashed (0 when every stamp was current).
        seconds: wall time of the check, s.
    """

    name: str
    directory: Path
    files: tuple[FileCheck, ...]
    pinned_by: Literal["manifest", "local"]
    pin_origin: str
    hashed_bytes: int
    seconds: float

    @property
    def size(self) -> int:
        """Total size of the model's files, bytes."""
        return sum(f.size for f in self.files)


def read_json(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("ignoring unreadable %s: %s", path, exc)
        return None
    return data if isinstance(data, dict) else None


def write_json_atomic(path: Path, data: dict[str, Any]) -> None:
    """Write JSON through a temp file in the same directory and an atomic rename."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    os.replace(tmp, path)


def same_file(entry: object, st: os.stat_result, *, inode: bool) -> bool:
    """The stamp entry describes this file: same size and mtime and, with ``inode``, the same
    inode (when recorded)."""
    return (
        isinstance(entry, dict)
        and entry.get("size") == st.st_size
        and entry.get("mtime_ns") == st.st_mtime_ns
        and (not inode or entry.get("ino", st.st_ino) == st.st_ino)
    )


def stamp_matches(entry: object, st: os.stat_result, expected: ModelFile) -> bool:
    """The stamp vouches for this unchanged file: its recorded sha256 is the expected one.

    Size and mtime only: a copy of the models directory that keeps mtimes (``cp -a``, an
    image) keeps its stamps valid, so a read-only deployment does not rehash at every start.
    """
    return (same_file(entry, st, inode=False) and isinstance(entry, dict)
            and entry.get("sha256") == expected.sha256)


def known_bad(entry: object, st: os.stat_result, expected: ModelFile) -> bool:
    """This very file (same size, mtime and inode) was hashed before and its sha256 was not the
    expected one. Any other file at that path is hashed again: acceptance always needs a hash
    that passes, and a replacement that kept size and mtime is not refused for its predecessor.
    """
    return (same_file(entry, st, inode=True) and isinstance(entry, dict)
            and entry.get("sha256") != expected.sha256)
