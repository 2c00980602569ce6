"""What a run leaves for people: per-turn latency metrics, the timeline plot, checked output
files."""
