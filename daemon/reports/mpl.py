"""matplotlib for Cabin's plots, without writing under the user's home directory.

On its first import matplotlib builds a font cache in ``~/.cache/matplotlib`` and creates
``~/.config/matplotlib``: files nobody asked for (docs/privacy.md: a run writes only the paths it
was given). `figure_class` imports it with its config and cache directory in a temporary
directory, removed once the import is done (drawing and saving a figure with the Agg backend do
not touch it again; the font list costs about a second to build per process). An explicit
``MPLCONFIGDIR`` is respected.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure

_CONFIG_DIR = "MPLCONFIGDIR"
"""The environment variable matplotlib reads its config and cache directory from."""


def figure_class() -> type[Figure]:
    """`matplotlib.figure.Figure`, imported without writes under ``~/.cache`` or ``~/.config``."""
    if "matplotlib" in sys.modules or _CONFIG_DIR in os.environ:
        from matplotlib.figure import Figure
        return Figure
    scratch = tempfile.mkdtemp(prefix="cabin-matplotlib-")
    os.environ[_CONFIG_DIR] = scratch
    try:
        from matplotlib.figure import Figure
    finally:
        del os.environ[_CONFIG_DIR]
        shutil.rmtree(scratch, ignore_errors=True)
    return Figure
