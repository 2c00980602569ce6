"""Issue 23 item 10: `cabin sim` arguments.

`--profile /etc/passwd` printed the file's first line (pydantic's error quoted the input); now
the error says the file is not a valid profile, names the built-in profiles and the format, and
quotes nothing from the file. `--window-speed -5` was accepted; out-of-range or non-numbers are
now an argparse error (exit 2) naming the range.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from vehicle_tools.sim.cli import add_sim_arguments

REPO = Path(__file__).resolve().parents[2]
SECRET = "s3cr3t-token-9f2c"


def sim(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "daemon.cli", "sim", "--interface", "virtual",
                           "--channel", "trust-sim", *argv], cwd=REPO, env=dict(os.environ),
                          capture_output=True, text=True, timeout=60, check=False)


@pytest.mark.parametrize("content", [
    f"root:x:0:0:{SECRET}:/root:/bin/bash\n",          # a passwd line: one YAML string
    f"{SECRET}: 1\nsegments: []\n",                    # a mapping with a secret key
    f"segments:\n  - {{duration_s: 5, gear: {SECRET}, speed_kmh: 1}}\n",  # a secret value
    f"[{SECRET}\n",                                     # broken YAML (the parser quotes lines)
])
def test_a_bad_profile_file_is_not_echoed(tmp_path: Path, content: str) -> None:
    profile = tmp_path / "profile.yaml"
    profile.write_text(content)
    result = sim("--profile", str(profile))
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert SECRET not in result.stderr + result.stdout
    assert f"{profile} is not a valid drive profile file" in result.stderr
    assert "city, highway" in result.stderr and "segments:" in result.stderr


def test_etc_passwd_is_not_echoed() -> None:
    passwd = Path("/etc/passwd")
    if not passwd.is_file():
        pytest.skip("no /etc/passwd")
    first = passwd.read_text().splitlines()[0]
    result = sim("--profile", str(passwd))
    assert result.returncode == 2
    assert first[:20] not in result.stderr and "not a valid drive profile" in result.stderr


def test_a_binary_profile_file_is_exit_2(tmp_path: Path) -> None:
    profile = tmp_path / "profile.bin"
    profile.write_bytes(b"\xff\xfe" + SECRET.encode() + b"\x00\x81")
    result = sim("--profile", str(profile))
    assert result.returncode == 2 and "not UTF-8 text" in result.stderr, result.stderr


@pytest.mark.parametrize("value", ["-5", "-0.1", "1001", "inf", "nan", "fast"])
def test_window_speed_out_of_range_is_refused(
        value: str, capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser(prog="cabin sim")
    add_sim_arguments(parser)
    with pytest.raises(SystemExit) as exit_info:
        parser.parse_args(["--window-speed", value])
    assert exit_info.value.code == 2
    err = capsys.readouterr().err
    assert "--window-speed" in err and "0 (instant) to 1000" in err
    assert parser.parse_args(["--window-speed", "0"]).window_speed == 0.0  # instant is valid


def test_the_daemons_profile_loader_does_not_echo_the_file_either() -> None:
    """`vehicle.sim.drive_profile` in cabin.yaml goes through `load_profile` (cabin run and
    replay), not the `cabin sim` wrapper: its error must not quote the file either."""
    from vehicle_tools.errors import ToolError
    from vehicle_tools.sim.drive import load_profile

    with pytest.raises(ToolError) as caught:
        load_profile("/etc/passwd")
    assert "root" not in caught.value.detail and "/bin/" not in caught.value.detail
    assert "not a valid profile file" in caught.value.detail
