"""Where the bench finds its corpus by default."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
NOISE = REPO.parent / "shared" / "audio" / "noise" / "noisex92" / "volvo_car_interior_dev.wav"
"""Real car-interior noise (NOISEX-92 Volvo), replayed with no wake word for the idle CPU."""
