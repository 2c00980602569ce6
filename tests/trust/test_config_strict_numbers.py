"""Issue 23 item 10: a boolean (or a quoted string) is not accepted as a number in cabin.yaml.

`silence_s: true` used to load as 1.0. Every numeric key of every section (the daemon's and
the vehicle's) now refuses it with the key named, through `load_config` and pydantic alike.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from daemon.config import CabinConfig, load_config
from daemon.errors import ConfigError


def check(tmp_path: Path, text: str) -> str:
    path = tmp_path / "cabin.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    return err.value.message


@pytest.mark.parametrize(("yaml_text", "key", "said"), [
    ("endpoint:\n  silence_s: true\n", "endpoint.silence_s", "not a boolean (true)"),
    ("endpoint:\n  silence_s: yes\n", "endpoint.silence_s", "not a boolean (true)"),
    ("wake:\n  refractory_s: false\n", "wake.refractory_s", "not a boolean (false)"),
    ("asr:\n  beam_size: true\n", "asr.beam_size", "not a boolean (true)"),
    ("asr:\n  temperatures: [0.0, true]\n", "asr.temperatures", "item 1 must be a number"),
    ("wake:\n  words: [{model: wake-hey-jarvis, threshold: true}]\n",
     "wake.words.0.threshold", "not a boolean"),
    ("llm:\n  threads: true\n", "llm.threads", "not a boolean"),
    ("llm:\n  cloud:\n    timeout_s: true\n", "llm.cloud.timeout_s", "not a boolean"),
    ("privacy:\n  retention_days: true\n", "privacy.retention_days", "not a boolean"),
    ("vehicle:\n  sim:\n    window_speed_pct_per_s: true\n",
     "vehicle.sim.window_speed_pct_per_s", "not a boolean"),
    ("vehicle:\n  can:\n    response_timeout_s: true\n", "vehicle.can.response_timeout_s",
     "not a boolean"),
    ("audio:\n  input_device: true\n", "audio.input_device", "a number or a name"),
    ("endpoint:\n  silence_s: '0.7'\n", "endpoint.silence_s", "without quotes"),
])
def test_a_non_number_for_a_numeric_key_is_refused_naming_the_key(
        tmp_path: Path, yaml_text: str, key: str, said: str) -> None:
    message = check(tmp_path, yaml_text)
    assert f"\n  {key}: " in message and said in message, message


def test_only_real_numbers_load(tmp_path: Path) -> None:
    """The model refuses them, not just the loader (the config property tests use pydantic as
    their oracle); numbers, booleans for boolean keys and device names still load."""
    for data in ({"endpoint": {"silence_s": True}},
                 {"vehicle": {"sim": {"window_speed_pct_per_s": False}}}):
        with pytest.raises(ValidationError, match="must be a number"):
            CabinConfig.model_validate(data)
    path = tmp_path / "cabin.yaml"
    path.write_text("endpoint:\n  silence_s: 1\n  semantic: false\nasr:\n  temperatures: [0, "
                    "0.5]\naudio:\n  input_device: USB mic\n  output_device: 2\nvehicle:\n"
                    "  simulate: true\n  sim:\n    window_speed_pct_per_s: 0\n")
    config = load_config(path)
    assert config.endpoint.silence_s == 1.0 and config.endpoint.semantic is False
    assert config.asr.temperatures == (0.0, 0.5)
    assert config.audio.input_device == "USB mic" and config.audio.output_device == 2
    assert config.vehicle.sim.window_speed_pct_per_s == 0.0
