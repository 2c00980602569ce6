"""Config loading: defaults, the shipped cabin.yaml, and errors that name key, value and fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from daemon.cli import main
from daemon.config import CabinConfig, load_config
from daemon.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "cabin.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_config_equals_defaults_except_models_dir() -> None:
    shipped = load_config(REPO / "cabin.yaml")
    defaults = CabinConfig()
    assert shipped.models_dir.resolve() == (REPO / "models").resolve()
    assert shipped.model_dump(exclude={"models_dir"}) == defaults.model_dump(
        exclude={"models_dir"})


def test_unknown_key_suggests_the_right_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, "endpoint:\n  silense_s: 0.5\n"))
    text = str(err.value)
    assert "endpoint.silense_s" in text and "did you mean 'silence_s'" in text
    assert err.value.fix


def test_out_of_range_value_names_key_and_value(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, "wake:\n  words:\n    - model: wake-alexa\n"
                                    "      threshold: 1.5\n"))
    assert "wake.words.0.threshold" in str(err.value) and "1.5" in str(err.value)


def test_a_decoding_temperature_out_of_range_names_its_place(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as err:
        load_config(write(tmp_path, "asr:\n  temperatures: [0.0, 1.5]\n"))
    assert "asr.temperatures.1" in str(err.value) and "1.5" in str(err.value)
    with pytest.raises(ConfigError, match=r"asr\.temperatures"):
        load_config(write(tmp_path, "asr:\n  temperatures: []\n"))


def test_bad_yaml_and_wrong_shape(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not valid YAML"):
        load_config(write(tmp_path, "asr: [unclosed\n"))
    with pytest.raises(ConfigError, match="top level must be a mapping"):
        load_config(write(tmp_path, "- a\n- b\n"))
    with pytest.raises(ConfigError, match="cannot read config file"):
        load_config(tmp_path / "missing.yaml")


def test_cross_field_rule(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="silence_s must be shorter"):
        load_config(write(tmp_path, "endpoint:\n  silence_s: 5\n  max_utterance_s: 4\n"))


def test_models_dir_relative_to_file_and_env_override(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    cfg = load_config(write(tmp_path, "models_dir: weights\n"))
    assert cfg.models_dir == tmp_path / "weights"
    monkeypatch.setenv("CABIN_MODELS_DIR", "/opt/cabin/models")
    assert load_config(write(tmp_path, "models_dir: weights\n")).models_dir == Path(
        "/opt/cabin/models")


def test_cli_config_check(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "check", str(REPO / "cabin.yaml")]) == 0
    assert "valid" in capsys.readouterr().out
    assert main(["config", "check", str(write(tmp_path, "tts:\n  volume: loud\n"))]) == 2
    err = capsys.readouterr().err
    assert "tts.volume" in err and "loud" in err and "fix:" in err
    assert "Traceback" not in err


def test_an_empty_manual_path_is_refused_with_the_fix(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"manual.path.*is empty.*null"):
        load_config(write(tmp_path, "manual:\n  path: ''\n"))


def test_config_check_reads_the_manual(tmp_path: Path,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["config", "check", str(REPO / "cabin.yaml")]) == 0
    assert "owners_manual.md" in capsys.readouterr().out
    (tmp_path / "manual.md").write_text("no sections here\n")
    cfg = write(tmp_path, "manual:\n  path: manual.md\n")
    assert main(["config", "check", str(cfg)]) == 2
    err = capsys.readouterr().err
    assert "manual" in err and "fix:" in err and "Traceback" not in err
    assert main(["config", "check", str(write(tmp_path, "manual:\n  path: gone.md\n"))]) == 2
    assert "gone.md" in capsys.readouterr().err


def test_llm_threads_leave_a_core_to_the_audio_path() -> None:
    from daemon.llm.config import MAX_AUTO_THREADS, llm_threads

    assert llm_threads(0, 1) == 1
    assert llm_threads(0, 2) == 1  # these 2-core machines
    assert llm_threads(0, 4) == 3  # a Raspberry Pi 5
    assert llm_threads(0, 64) == MAX_AUTO_THREADS
    assert llm_threads(2, 2) == 2  # configured: as configured
