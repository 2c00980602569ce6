"""Audio sources, sinks and signal utilities."""
