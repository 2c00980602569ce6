"""Running the pipeline: `cabin run` as a systemd service, `cabin replay` over a WAV, logging and
memory."""
