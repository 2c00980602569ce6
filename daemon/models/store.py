"""Where models live on disk, and whether they are intact.

Layout: ``<models_dir>/<model name>/<file>``. Next to the files, two small JSON records:

- ``.verified.json``: for every file, the size (bytes), mtime (ns) and sha256 seen when it was
  last hashed. A later ``verify(full=False)`` accepts a file whose size and mtime are unchanged
  and whose recorded hash equals the expected one, without reading it: the daemon's start-up
  check costs a few ``stat`` calls instead of hashing ~0.5-1 GB of GGUF. Bit rot that keeps
  a file's size and mtime is invisible to that check: when a loader then refuses the file
  (``model_corrupt``), ``ModelStore.loading`` forgets the model's stamp, so the next ``verify``
  (and ``fetch``) hashes it again; ``cabin models verify --full`` always does.
  A file whose hash was found wrong (by ``--full`` or any other hashing) is remembered as bad
  in the same record, keyed by its size, mtime and inode: every later check refuses it without
  hashing until the file changes and a hash of it passes (``fetch`` replaces it; a changed or
  replaced file is always hashed, as ``--full`` does), so a failed ``verify --full`` sticks and
  the daemon never loads the file it found bad.
- ``.pins.json`` (``pin: local`` models only): the files and sha256 recorded at first fetch, and
  where they came from. Such files are "pinned locally, not by manifest".
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from daemon.errors import ModelError
from daemon.models.manifest import Manifest, ModelFile, ModelSpec
from daemon.models.records import (
    FileCheck,
    VerifyReport,
    fetch_fix,
    known_bad,
    read_json,
    rehash_fix,
    sha256_file,
    stamp_matches,
    write_json_atomic,
)

__all__ = [
    "PINS_NAME", "STAMP_NAME", "FileCheck", "ModelStore", "Status", "VerifyReport", "fetch_fix",
    "rehash_fix", "sha256_file", "write_json_atomic",
]

log = logging.getLogger(__name__)

STAMP_NAME = ".verified.json"
PINS_NAME = ".pins.json"
Status = Literal["present", "missing", "corrupt", "unverified"]


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
        data = read_json(self.directory(name) / PINS_NAME)
        files = data.get("files") if data else None
        return files if isinstance(files, dict) else None

    def pin_origin(self, name: str) -> str:
        """How a local pin was made (``""`` for manifest pins)."""
        data = read_json(self.directory(name) / PINS_NAME)
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

    def _unreadable(self, path: Path, exc: OSError) -> ModelError:
        return ModelError(
            f"cannot read {path}: {exc.strerror or exc}",
            fix=f"make {self.models_dir} and the files in it readable by the user running "
                f"Cabin (e.g. `chmod -R a+rX {self.models_dir}`), or point models_dir in "
                "cabin.yaml (or $CABIN_MODELS_DIR) at a readable copy",
            code="model_unreadable",
        )

    def _stat(self, path: Path) -> os.stat_result | None:
        """``path.stat()``; None when absent; ModelError ``model_unreadable`` when not allowed."""
        try:
            return path.stat()
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:  # EACCES, ELOOP, EIO: not "missing", and not a traceback
            raise self._unreadable(path, exc) from None

    def _check_models_dir(self) -> None:
        """ModelError when ``models_dir`` exists but is no directory or cannot be searched."""
        st = self._stat(self.models_dir)
        if st is not None and not stat.S_ISDIR(st.st_mode):
            raise ModelError(
                f"the models directory {self.models_dir} is not a directory",
                fix="set models_dir in cabin.yaml (or $CABIN_MODELS_DIR) to the directory "
                    "`cabin models fetch` fills (the repository's models/ by default)",
                code="model_missing",
            )
        if st is not None and not os.access(self.models_dir, os.X_OK):
            raise self._unreadable(self.models_dir, PermissionError(13, "Permission denied"))

    def _is(self, path: Path, kind: Callable[[int], bool]) -> bool:
        st = self._stat(path)
        return st is not None and kind(st.st_mode)

    def path(self, name: str) -> Path:
        """The model directory; ModelError ``model_missing`` if it or any file is absent.

        Cheap (``stat`` only): use ``verify`` to check the contents. ``model_unreadable`` when
        the directory or a file cannot be read by this user.
        """
        spec = self.manifest.get(name)
        directory = self.directory(name)
        if not self._is(directory, stat.S_ISDIR):
            self._check_models_dir()
            raise self._missing_error(spec, f"no directory {directory}")
        expected = self.expected_files(name)
        if not expected:
            raise self._missing_error(spec, f"{directory} has no {PINS_NAME} (never fetched)")
        absent = [f.path for f in expected if not self._is(directory / f.path, stat.S_ISREG)]
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
        data = read_json(self.directory(name) / STAMP_NAME)
        files = data.get("files") if data else None
        return files if isinstance(files, dict) else {}

    def record_verified(self, name: str, checks: dict[str, tuple[str, os.stat_result]]) -> bool:
        """Merge freshly hashed files (path -> (sha256, stat)) into the stamp; best effort.

        A sha256 that differs from the expected one is recorded too: it marks the file bad
        until it changes (see the module docstring). Returns False when the record could not
        be written (a read-only models directory; logged).
        """
        stamp = self._stamp(name)
        for rel, (digest, st) in checks.items():
            stamp[rel] = {"sha256": digest, "size": st.st_size, "mtime_ns": st.st_mtime_ns,
                          "ino": st.st_ino}
        try:
            write_json_atomic(
                self.directory(name) / STAMP_NAME,
                {"model": name, "files": stamp, "written_at": time.time()},
            )
        except OSError as exc:  # a read-only models dir still verifies, just not cached
            log.warning("cannot write verification stamp for %s: %s", name, exc)
            return False
        return True

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
            try:
                st = file.stat()
            except OSError as exc:
                raise self._unreadable(file, exc) from None
            entry = stamp.get(expected.path)
            if stamp_matches(entry, st, expected):
                checks.append(FileCheck(expected.path, st.st_size, str(expected.sha256), True))
                continue
            if expected.size is not None and st.st_size != expected.size:
                bad.append(f"{file}: size {st.st_size} bytes, expected {expected.size}")
                continue
            if known_bad(entry, st, expected):
                assert isinstance(entry, dict)  # for mypy: _known_bad checked it
                bad.append(f"{file}: sha256 {entry.get('sha256')}, expected {expected.sha256} "
                           "(found by an earlier check; the file has not changed since)")
                continue
            try:
                digest = sha256_file(file, progress)
            except OSError as exc:
                raise self._unreadable(file, exc) from None
            hashed += st.st_size
            fresh[expected.path] = (digest, st)  # a wrong hash is recorded too: it sticks
            if digest != expected.sha256:
                bad.append(f"{file}: sha256 {digest}, expected {expected.sha256}")
                continue
            checks.append(FileCheck(expected.path, st.st_size, digest, False))
        recorded = self.record_verified(name, fresh) if fresh else True
        if bad:
            unrecorded = ("" if recorded else f"\n  (this result could not be recorded in "
                          f"{directory / STAMP_NAME}: only `cabin models verify --full` sees it)")
            raise ModelError(
                f"model {name!r} is corrupt:\n  " + "\n  ".join(bad) + unrecorded,
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
            if known_bad(entry, st, expected):
                return "corrupt"
            if not stamp_matches(entry, st, expected):
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
        entry = self._stamp(name).get(expected.path)
        if stamp_matches(entry, st, expected):
            return True
        if known_bad(entry, st, expected):
            return False
        digest = sha256_file(file)
        if digest != expected.sha256:
            return False
        self.record_verified(name, {expected.path: (digest, st)})
        return True
