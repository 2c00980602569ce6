"""The systemd units pass `systemd-analyze verify`; hardening and accounts are what we claim.

`verify` insists that ExecStart's program exists and is executable. The units name their
installed paths (/usr/local/bin/cabin, /opt/cabin/...), which do not exist on a development
machine, so the test copies the units into a temporary unit directory and rewrites exactly
those prefixes to this checkout (.venv/bin/cabin, the repository root); every other line is
verified as written. Drop-ins are copied beside the unit (cabin.service.d/), as installed.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
UNITS = REPO / "systemd"
ANALYZE = shutil.which("systemd-analyze") or "/usr/bin/systemd-analyze"
CABIN_BIN = REPO / ".venv" / "bin" / "cabin"

pytestmark = pytest.mark.skipif(not Path(ANALYZE).exists(),
                                reason="systemd-analyze missing (apt-get install systemd)")


def install(target: Path, unit: str, dropins: tuple[str, ...] = ()) -> Path:
    """Copy `unit` (and drop-ins) into `target` with the install paths pointed at this tree."""
    if not CABIN_BIN.exists():
        pytest.skip(f"{CABIN_BIN} missing: run tools/setup.sh")
    text = (UNITS / unit).read_text()
    text = text.replace("/usr/local/bin/cabin", str(CABIN_BIN)).replace("/opt/cabin", str(REPO))
    (target / unit).write_text(text)
    if dropins:
        (target / f"{unit}.d").mkdir(exist_ok=True)
    for name in dropins:
        shutil.copy(UNITS / f"{unit}.d" / name, target / f"{unit}.d" / name)
    return target / unit


def analyze(directory: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SYSTEMD_UNIT_PATH": f"{directory}:", "SYSTEMD_LOG_COLOR": "0"}
    return subprocess.run([ANALYZE, *args], env=env, capture_output=True, text=True,
                          timeout=120, check=False)


@pytest.mark.parametrize(("unit", "dropins"), [
    ("cabin.service", ()),
    ("cabin.service", ("cloud.conf",)),
    ("cabin-sim.service", ()),
])
def test_verify_passes_without_a_single_warning(tmp_path: Path, unit: str,
                                                dropins: tuple[str, ...]) -> None:
    path = install(tmp_path, unit, dropins)
    done = analyze(tmp_path, "verify", "--man=no", str(path))
    assert done.returncode == 0, done.stderr
    assert done.stdout + done.stderr == ""  # unknown keys and bad values are only warnings


def test_verify_reads_the_dropins_and_would_report_a_mistake(tmp_path: Path) -> None:
    """Control for the test above: a bad drop-in line is reported, a missing binary fails."""
    path = install(tmp_path, "cabin.service", ("cloud.conf",))
    (tmp_path / "cabin.service.d" / "zz-typo.conf").write_text(
        "[Service]\nRestrictAddressFamilies=AF_INETT\n")
    assert "AF_INETT" in analyze(tmp_path, "verify", "--man=no", str(path)).stderr
    path.write_text(path.read_text().replace(str(CABIN_BIN), "/nonexistent/cabin"))
    assert analyze(tmp_path, "verify", "--man=no", str(path)).returncode != 0


def exposure(directory: Path, unit: Path) -> float:
    done = analyze(directory, "security", "--offline=yes", "--no-pager", str(unit))
    match = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", done.stdout)
    assert match is not None, done.stdout + done.stderr
    return float(match.group(1))


def test_hardening_exposure(tmp_path: Path) -> None:
    """`systemd-analyze security`: 0 = fully locked down, 10 = unprotected; below 2 is OK.
    The cloud drop-in opens the Internet and so scores worse than the car's default unit."""
    base = tmp_path / "base"
    cloud = tmp_path / "cloud"
    base.mkdir()
    cloud.mkdir()
    car = exposure(base, install(base, "cabin.service"))
    online = exposure(cloud, install(cloud, "cabin.service", ("cloud.conf",)))
    assert car <= 1.5, car
    assert car < online <= 2.0, (car, online)
    assert exposure(base, install(base, "cabin-sim.service")) <= 1.5


def settings(text: str) -> dict[str, list[str]]:
    """KEY -> values, in order, of a unit file (comments and sections ignored)."""
    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        if "=" in line and not line.lstrip().startswith(("#", ";", "[")):
            key, _, value = line.partition("=")
            out.setdefault(key.strip(), []).append(value.strip())
    return out


def test_the_unit_declares_what_the_daemon_relies_on() -> None:
    unit = settings((UNITS / "cabin.service").read_text())
    for key, value in {"Type": "notify", "NotifyAccess": "main", "WatchdogSec": "10",
                       "Restart": "on-failure", "User": "cabin", "Group": "cabin",
                       "SupplementaryGroups": "audio", "StateDirectory": "cabin",
                       "ProtectSystem": "strict", "ProtectHome": "yes", "PrivateTmp": "yes",
                       "NoNewPrivileges": "yes", "CapabilityBoundingSet": "",
                       "ExecStart": "/usr/local/bin/cabin run --config /etc/cabin/cabin.yaml",
                       "RestrictAddressFamilies": "AF_UNIX AF_CAN"}.items():
        assert unit[key] == [value], key
    cloud = settings((UNITS / "cabin.service.d" / "cloud.conf").read_text())
    assert cloud["RestrictAddressFamilies"] == ["AF_INET AF_INET6"]
    assert cloud["LoadCredential"] == ["cloud-api-key:/etc/cabin/cloud-api-key"]


def test_sysusers_creates_the_accounts(tmp_path: Path) -> None:
    """systemd-sysusers applies the file to an empty root directory (not to this machine)."""
    exe = shutil.which("systemd-sysusers")
    if exe is None:
        pytest.skip("systemd-sysusers missing (apt-get install systemd)")
    (tmp_path / "etc").mkdir()
    done = subprocess.run([exe, f"--root={tmp_path}", str(UNITS / "cabin.sysusers")],
                          capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0, done.stderr
    passwd = {line.split(":")[0]: line.split(":")
              for line in (tmp_path / "etc" / "passwd").read_text().splitlines()}
    groups = {line.split(":")[0]: line.split(":")
              for line in (tmp_path / "etc" / "group").read_text().splitlines()}
    assert passwd["cabin"][5] == "/var/lib/cabin" and passwd["cabin"][6].endswith("nologin")
    assert int(passwd["cabin"][2]) < 1000  # a system account
    assert "cabin-hmi" in groups
    assert "cabin" in groups["audio"][3].split(",")
