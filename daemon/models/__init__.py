"""Model manager: the manifest, the on-disk store (verify), fetching, and `cabin models`.

The daemon only checks models (``ModelStore.path`` / ``ModelStore.verify``); only the
``cabin models fetch`` command downloads.
"""

from daemon.models.cli import add_models_parser, default_models_dir
from daemon.models.fetch import Fetcher, FetchResult
from daemon.models.manifest import (
    Manifest,
    ModelFile,
    ModelSpec,
    Source,
    default_manifest_path,
    load_manifest,
)
from daemon.models.store import FileCheck, ModelStore, VerifyReport, sha256_file

__all__ = [
    "FetchResult",
    "Fetcher",
    "FileCheck",
    "Manifest",
    "ModelFile",
    "ModelSpec",
    "ModelStore",
    "Source",
    "VerifyReport",
    "add_models_parser",
    "default_manifest_path",
    "default_models_dir",
    "load_manifest",
    "sha256_file",
]
