"""Where models live on disk, and whether they are intact.

Layout: ``<models_dir>/<model name>/<file>``. Next to the files, two small JSON records:

- ``.verified.json``: for every file, the size (bytes), mtime (ns) and sha256 seen when it was
  last hashed. A later ``verify(full=False)`` accepts a file whose size and mtime are unchanged
  and whose recorded hash equals the expected one, without reading it: the daemon's start-up
  check costs a few ``stat`` calls instead of hashing ~0.5-1 GB of GGUF. Bit rot that keeps
  a file's size and mtime is invisible to that check: when a loader then refuses the file
  (``model_corrupt``), ``ModelStore.loading`` forgets the model's stamp, so the next ``verify``
  (and ``fetch``) hashes it again; ``cabin models verify --full`` always does.
- ``.pins.json`` (``pin: local`` models only): the files and sha256 recorded at first fetch, and
  where they came from. Such files are "pinned locally, not by manifest".
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from daemon.errors import ModelError
from daemon.models.manifest import Manifest, ModelFile, ModelSpec

log = logging.getLogger(__name__)

STAMP_NAME = ".verified.json"
PINS_NAME = ".pins.json"
CHUNK = 1 << 20  # bytes read per hashing step
Status = Literal["present", "missing", "corrupt", "unverified"]


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


def _read_json(path: Path) -> dict[str, Any] | None:
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


class ModelStore:
    """The models directory seen through the manifest: paths, status and verification."""

    def __init__(self, models_dir: Path, manifest: Manifest) -> None:
        self.models_dir = models_dir
        self.manifest = manifest

    # -- locations and expected files ---------------------------------------------------------
    def directory(self, name: str) -> Path:
        """The directory model ``name`` lives in (whether or not it exists)."""
        return self.models_dir / self.manifest.get(name).name

    def expected_files(self, name: str) -> list[ModelFile]:
        """The files model ``name`` must have, with their expected sha256 and size (bytes).

        For ``pin: local`` models these come from ``.pins.json``; empty when never fetched.
        """
        spec = self.manifest.get(name)
        if spec.pin == "manifest":
            return list(spec.files)
        pins = self.read_pins(name)
        if pins is None:
            return []
        return [ModelFile(path=p, sha256=v["sha256"], size=v["size"]) for p, v in pins.items()]

    def read_pins(self, name: str) -> dict[str, dict[str, Any]] | None:
        """The locally recorded pins of a ``pin: local`` model, or None."""
        data = _read_json(self.directory(name) / PINS_NAME)
        files = data.get("files") if data else None
        return files if isinstance(files, dict) else None

    def pin_origin(self, name: str) -> str:
        """How a local pin was made (``""`` for manifest pins)."""
        data = _read_json(self.directory(name) / PINS_NAME)
        return str(data.get("origin", "")) if data else ""

    def write_pins(self, name: str, files: dict[str, tuple[str, int]], origin: str) -> None:
        """Record sha256 and size (bytes) of the files of a ``pin: local`` model."""
        data = {
            "model": name,
            "origin": origin,
            "pinned_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "files": {p: {"sha256": h, "size": s} for p, (h, s) in sorted(files.items())},
        }
        write_json_atomic(self.directory(name) / PINS_NAME, data)

    def _missing_error(self, spec: ModelSpec, detail: str) -> ModelError:
        directory = self.directory(spec.name)
        offline = (f"copy its files to {directory}" if spec.pin == "manifest" else
                   f"copy {directory} with its {PINS_NAME} from a machine that fetched it")
        return ModelError(
            f"model {spec.name!r} is missing: {detail}",
            fix=f"{fetch_fix(spec.name)} (offline: {offline})",
            code="model_missing",
        )

    def path(self, name: str) -> Path:
        """The model directory; ModelError ``model_missing`` if it or any file is absent.

        Cheap (``stat`` only): use ``verify`` to check the contents.
        """
        spec = self.manifest.get(name)
        directory = self.directory(name)
        if not directory.is_dir():
            raise self._missing_error(spec, f"no directory {directory}")
        expected = self.expected_files(name)
        if not expected:
            raise self._missing_error(spec, f"{directory} has no {PINS_NAME} (never fetched)")
        absent = [f.path for f in expected if not (directory / f.path).is_file()]
        if absent:
            raise self._missing_error(spec, f"absent from {directory}: {', '.join(absent)}")
        return directory

    # -- verification --------------------------------------------------------------------------
    def forget(self, name: str) -> bool:
        """Drop model ``name``'s verification stamp: the next ``verify`` hashes every file.

        Returns True when there was a stamp. Best effort: a read-only models directory is
        logged, not raised (its stamp then still vouches for the files).
        """
        stamp = self.directory(name) / STAMP_NAME
        try:
            stamp.unlink()
        except FileNotFoundError:
            return False
        except OSError as exc:
            log.warning("cannot forget the verification stamp %s: %s", stamp, exc)
            return False
        log.warning("forgot the verification stamp of %s: its files are hashed at the next "
                    "check", name)
        return True

    @contextlib.contextmanager
    def loading(self, *names: str) -> Iterator[None]:
        """Around a loader of models ``names``: a ``model_corrupt`` it raises forgets their stamps.

        The files passed ``verify`` (by stamp: size and mtime unchanged) yet the native library
        refuses them, e.g. bit rot in place. The stamps are dropped, so ``cabin models verify``
        and ``fetch`` hash the files again, and the error's fix names ``verify --full``.
        Other errors pass through untouched.
        """
        try:
            yield
        except ModelError as exc:
            if exc.code != "model_corrupt":
                raise
            for name in names:
                self.forget(name)
            exc.fix = rehash_fix(*names)
            raise

    def _stamp(self, name: str) -> dict[str, Any]:
        data = _read_json(self.directory(name) / STAMP_NAME)
        files = data.get("files") if data else None
        return files if isinstance(files, dict) else {}

    @staticmethod
    def _stamp_matches(entry: object, st: os.stat_result, expected: ModelFile) -> bool:
        return (
            isinstance(entry, dict)
            and entry.get("size") == st.st_size
            and entry.get("mtime_ns") == st.st_mtime_ns
            and entry.get("sha256") == expected.sha256
        )

    def record_verified(self, name: str, checks: dict[str, tuple[str, os.stat_result]]) -> None:
        """Merge freshly hashed files (path -> (sha256, stat)) into the stamp; best effort."""
        stamp = self._stamp(name)
        for rel, (digest, st) in checks.items():
            stamp[rel] = {"sha256": digest, "size": st.st_size, "mtime_ns": st.st_mtime_ns}
        try:
            write_json_atomic(
                self.directory(name) / STAMP_NAME,
                {"model": name, "files": stamp, "written_at": time.time()},
            )
        except OSError as exc:  # a read-only models dir still verifies, just not cached
            log.warning("cannot write verification stamp for %s: %s", name, exc)

    def verify(
        self, name: str, *, full: bool, progress: Callable[[int], object] | None = None
    ) -> VerifyReport:
        """Check every file's sha256 (and size); ``full=True`` rehashes despite the stamp.

        Raises ModelError ``model_missing`` (absent files) or ``model_corrupt`` (naming each bad
        file with the expected and actual sha256, and the fetch fix). ``progress(n_bytes)`` is
        called while hashing.
        """
        start = time.monotonic()
        spec = self.manifest.get(name)
        directory = self.path(name)
        stamp = {} if full else self._stamp(name)
        checks: list[FileCheck] = []
        fresh: dict[str, tuple[str, os.stat_result]] = {}
        bad: list[str] = []
        hashed = 0
        for expected in self.expected_files(name):
            file = directory / expected.path
            st = file.stat()
            if self._stamp_matches(stamp.get(expected.path), st, expected):
                checks.append(FileCheck(expected.path, st.st_size, str(expected.sha256), True))
                continue
            if expected.size is not None and st.st_size != expected.size:
                bad.append(f"{file}: size {st.st_size} bytes, expected {expected.size}")
                continue
            digest = sha256_file(file, progress)
            hashed += st.st_size
            if digest != expected.sha256:
                bad.append(f"{file}: sha256 {digest}, expected {expected.sha256}")
                continue
            fresh[expected.path] = (digest, st)
            checks.append(FileCheck(expected.path, st.st_size, digest, False))
        if fresh:
            self.record_verified(name, fresh)
        if bad:
            raise ModelError(
                f"model {name!r} is corrupt:\n  " + "\n  ".join(bad),
                fix=f"delete the bad files and {fetch_fix(name)}",
                code="model_corrupt",
            )
        return VerifyReport(
            name=name,
            directory=directory,
            files=tuple(checks),
            pinned_by=spec.pin,
            pin_origin=self.pin_origin(name),
            hashed_bytes=hashed,
            seconds=time.monotonic() - start,
        )

    def status(self, name: str) -> Status:
        """Cheap status without hashing: missing, corrupt (wrong size), present or unverified.

        ``present`` means every file matches its verification stamp; ``unverified`` means the
        files are there with the right sizes but have not been hashed since they last changed.
        """
        try:
            directory = self.path(name)
        except ModelError:
            return "missing"
        stamp = self._stamp(name)
        status: Status = "present"
        for expected in self.expected_files(name):
            st = (directory / expected.path).stat()
            if expected.size is not None and st.st_size != expected.size:
                return "corrupt"
            entry = stamp.get(expected.path)
            if isinstance(entry, dict) and entry.get("size") == st.st_size and (
                entry.get("mtime_ns") == st.st_mtime_ns and entry.get("sha256") != expected.sha256
            ):
                return "corrupt"
            if not self._stamp_matches(entry, st, expected):
                status = "unverified"
        return status

    def file_is_current(self, name: str, expected: ModelFile) -> bool:
        """True when the file exists with the expected sha256 (stamp-accelerated); no raising."""
        file = self.directory(name) / expected.path
        try:
            st = file.stat()
        except OSError:
            return False
        if expected.size is not None and st.st_size != expected.size:
            return False
        if self._stamp_matches(self._stamp(name).get(expected.path), st, expected):
            return True
        digest = sha256_file(file)
        if digest != expected.sha256:
            return False
        self.record_verified(name, {expected.path: (digest, st)})
        return True
