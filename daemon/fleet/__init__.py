"""Replaying a fleet: many recordings in one `cabin replay`, models loaded once per worker.

- `inputs`: which WAVs (directories searched recursively) and where each one's log goes;
- `worker`: one worker's loaded models, replaying file after file from fresh state;
- `local`: the engine on this machine: N spawned worker processes;
- `ray_engine`: the same work spread over a Ray cluster, one actor per worker;
- `run`: the orchestration: resume, atomic logs, progress, Ctrl-C/SIGTERM, the summary;
- `summary`, `report`, `figures`: what the logs say, as OUT/summary.json, report.md, report.html.

See docs/eval.md ("Replaying a fleet").
"""
