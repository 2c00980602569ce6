"""Embed an owner's manual for the meaning gate and keep the vectors beside it.

Usage: .venv/bin/python tools/index_manual.py [MANUAL.md]   (default: the simulated car's)

Writes ``<manual>.vectors.npz`` (daemon/manual/vectors.py): without it Cabin embeds the
manual at its first question the word rules decline (~3-4 s on one x86 core). Run it after
editing the manual; a stale file is never used (its key names the texts and the model).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from daemon.manual.config import SHIPPED_MANUAL
from daemon.manual.document import load_manual
from daemon.manual.sentence_model import load_sentence_model
from daemon.manual.vectors import compute, stored_path, write


def main() -> int:
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else SHIPPED_MANUAL
    manual = load_manual(path)
    started = time.perf_counter()
    vectors = compute(load_sentence_model(), manual)
    out = stored_path(path)
    write(out, manual, vectors)
    sys.stdout.write(f"{out}: {len(manual.sections)} sections, {len(vectors.sentences)} "
                     f"sentences in {time.perf_counter() - started:.1f} s\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
