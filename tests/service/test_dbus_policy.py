"""systemd/org.cabin.Assistant1.conf on a real dbus-daemon, with real users.

The bus is configured like the system bus: the default policy is taken from the distribution's
/usr/share/dbus-1/system.conf (deny owning names and method calls, allow signals), plus our
policy files. Peers (tests/service/dbus_peer.py) run as real users: the service as `cabin`, a
head-unit client as a temporary member of `cabin-hmi`, an outsider as `nobody`. dbus-daemon
learns each one's uid from the socket (SO_PEERCRED), exactly as on the car.

The test needs root (to create the accounts and run peers as them); it creates `cabin` and
`cabin-hmi` only if they are missing, and deletes what it created.
"""

from __future__ import annotations

import os
import pwd
import selectors
import shutil
import subprocess
import sys
import tempfile
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
POLICY = REPO / "systemd" / "org.cabin.Assistant1.conf"
SIM_POLICY = REPO / "systemd" / "org.cabin.Sim.conf"
PEER = Path(__file__).with_name("dbus_peer.py")
SYSTEM_CONF = Path("/usr/share/dbus-1/system.conf")
NAME, PATH, IFACE = "org.cabin.Assistant1", "/org/cabin/Assistant1", "org.cabin.Assistant1"
DOCTYPE = ('<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"\n'
           ' "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">\n')


@dataclass(frozen=True)
class Identity:
    name: str
    uid: int
    gid: int
    groups: tuple[int, ...]

    @classmethod
    def of(cls, name: str) -> Identity:
        entry = pwd.getpwnam(name)
        return cls(name, entry.pw_uid, entry.pw_gid,
                   tuple(os.getgrouplist(name, entry.pw_gid)))


@dataclass(frozen=True)
class Accounts:
    cabin: Identity
    hmi: Identity
    nobody: Identity


def _run(*cmd: str) -> None:
    subprocess.run(cmd, check=True, capture_output=True, text=True)


def _exists(kind: str, name: str) -> bool:
    return subprocess.run(["getent", kind, name], capture_output=True, check=False).returncode == 0


@pytest.fixture(scope="module")
def accounts() -> Iterator[Accounts]:
    if os.geteuid() != 0:
        pytest.skip("needs root: creates the cabin accounts and runs D-Bus peers as them")
    if shutil.which("useradd") is None or shutil.which("groupadd") is None:
        pytest.skip("useradd/groupadd not installed (package passwd): cannot create users")
    hmi_user = f"cabin-hmi-t{os.getpid()}"
    created: list[tuple[str, str]] = []
    try:
        if not _exists("group", "cabin-hmi"):
            _run("groupadd", "--system", "cabin-hmi")
            created.append(("group", "cabin-hmi"))
        if not _exists("passwd", "cabin"):
            _run("useradd", "--system", "--user-group", "--no-create-home", "--home-dir",
                 "/var/lib/cabin", "--shell", "/usr/sbin/nologin", "cabin")
            created.append(("user", "cabin"))
        _run("useradd", "--system", "--no-create-home", "--shell", "/usr/sbin/nologin",
             "--groups", "cabin-hmi", hmi_user)
        created.append(("user", hmi_user))
    except subprocess.CalledProcessError as exc:
        pytest.skip(f"cannot create test accounts: {exc.cmd!r}: {exc.stderr.strip()}")
    try:
        yield Accounts(Identity.of("cabin"), Identity.of(hmi_user), Identity.of("nobody"))
    finally:
        for kind, name in reversed(created):
            subprocess.run(["userdel" if kind == "user" else "groupdel", name],
                           capture_output=True, check=False)


def _spawn(who: Identity, python: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [python, str(PEER), *args], user=who.uid, group=who.gid, extra_groups=list(who.groups),
        env={"PATH": "/usr/bin:/bin", "HOME": "/tmp", "LANG": "C.UTF-8"}, cwd="/",
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _line(proc: subprocess.Popen[str], timeout_s: float = 60.0) -> str:
    """The next output line of `proc` (hang guard: fails after `timeout_s`)."""
    assert proc.stdout is not None
    with selectors.DefaultSelector() as sel:
        sel.register(proc.stdout, selectors.EVENT_READ)
        if not sel.select(timeout_s):
            proc.kill()
            raise AssertionError(f"peer said nothing in {timeout_s} s: {proc.args!r}")
    return proc.stdout.readline().strip()


def _stop(proc: subprocess.Popen[str]) -> None:
    proc.terminate()
    proc.communicate(timeout=30)


@pytest.fixture(scope="module")
def peer_python(accounts: Accounts) -> str:
    """An interpreter with PyGObject that other users may run (the venv's may live in /root)."""
    probe = "import gi; gi.require_version('Gio', '2.0'); from gi.repository import Gio"
    for candidate in (sys.executable, "/usr/bin/python3"):
        try:
            done = subprocess.run([candidate, "-c", probe], user=accounts.nobody.uid,
                                  group=accounts.nobody.gid, extra_groups=[],
                                  capture_output=True, cwd="/", check=False)
        except OSError:  # e.g. a venv whose interpreter lives under /root (mode 0700)
            continue
        if done.returncode == 0:
            return candidate
    pytest.skip("no Python with PyGObject runnable by other users (apt-get install python3-gi)")


def bus_config(socket: Path, *policies: Path) -> str:
    """The distribution's system-bus policy, listening on `socket`, plus `policies`."""
    root = ET.parse(SYSTEM_CONF).getroot()
    for child in list(root):
        if child.tag not in {"type", "auth", "policy", "limit"}:
            root.remove(child)  # user, fork, pidfile, syslog, listen, service dirs, includes
    ET.SubElement(root, "listen").text = f"unix:path={socket}"
    for policy in policies:
        ET.SubElement(root, "include").text = str(policy)
    return DOCTYPE + ET.tostring(root, encoding="unicode")


class Bus:
    def __init__(self, directory: Path, *policies: Path) -> None:
        exe = shutil.which("dbus-daemon")
        if exe is None:
            pytest.skip("dbus-daemon is not installed (apt-get install dbus)")
        config = directory / "bus.conf"
        config.write_text(bus_config(directory / "system_bus_socket", *policies))
        self.proc = subprocess.Popen([exe, f"--config-file={config}", "--nofork", "--nopidfile",
                                      "--print-address=1"], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.address = _line(self.proc)
        if not self.address.startswith("unix:path="):
            _, err = self.proc.communicate(timeout=30)
            raise AssertionError(f"dbus-daemon did not start: {err}")

    def stop(self) -> str:
        self.proc.terminate()
        _, err = self.proc.communicate(timeout=30)
        return err


@pytest.fixture(scope="module")
def bus_dir() -> Iterator[Path]:
    directory = Path(tempfile.mkdtemp(prefix="cabin-bus-"))
    directory.chmod(0o755)  # the socket must be reachable by the peers' users
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="module")
def bus(bus_dir: Path, accounts: Accounts) -> Iterator[Bus]:
    daemon = Bus(bus_dir, POLICY, SIM_POLICY)
    yield daemon
    err = daemon.stop()
    assert "Unknown" not in err, err  # an unknown user or group would void part of the policy


@pytest.fixture(scope="module")
def assistant(bus: Bus, accounts: Accounts, peer_python: str) -> Iterator[None]:
    """A test service owning org.cabin.Assistant1, run as user cabin."""
    proc = _spawn(accounts.cabin, peer_python, "serve", bus.address, NAME, PATH)
    line = _line(proc)
    if line != "ready":
        _, err = proc.communicate(timeout=30)
        raise AssertionError(f"the test service did not start: {line} {err}")
    yield
    _stop(proc)


def call(who: Identity, python: str, bus: Bus, method: str, *text: str,
         name: str = NAME, path: str = PATH) -> str:
    proc = _spawn(who, python, "call", bus.address, name, path, method, *text)
    out, err = proc.communicate(timeout=60)
    assert out, err
    return out.strip()


def test_policy_file_is_accepted_by_dbus_daemon(bus_dir: Path) -> None:
    """Control: the same bus with a broken copy of the file refuses to start."""
    broken = bus_dir / "broken.conf"
    broken.write_text(POLICY.read_text().replace("<allow own=", "<allow owwn="))
    with pytest.raises(AssertionError, match="dbus-daemon did not start"):
        Bus(bus_dir, broken)


def test_only_user_cabin_may_own_the_name(bus: Bus, accounts: Accounts, peer_python: str,
                                          assistant: None) -> None:
    for who in (accounts.nobody, accounts.hmi):
        proc = _spawn(who, peer_python, "serve", bus.address, NAME, PATH)
        out, _ = proc.communicate(timeout=60)
        assert proc.returncode == 3 and out.startswith("own-denied"), (who.name, out)
        assert "AccessDenied" in out or "not allowed to own" in out


def test_methods_answer_hmi_group_and_root_only(bus: Bus, accounts: Accounts,
                                                peer_python: str, assistant: None) -> None:
    ping = f"{IFACE}.Ping"
    assert call(accounts.hmi, peer_python, bus, ping) == "ok ('pong',)"
    root = Identity("root", 0, 0, (0,))
    assert call(root, peer_python, bus, ping) == "ok ('pong',)"
    assert call(accounts.nobody, peer_python, bus, ping) == \
        "denied org.freedesktop.DBus.Error.AccessDenied"
    # properties and introspection are just as private
    for method, args in (("org.freedesktop.DBus.Properties.Get", ()),
                         ("org.freedesktop.DBus.Introspectable.Introspect", ())):
        assert call(accounts.nobody, peer_python, bus, method, *args).startswith("denied"), method
    assert call(accounts.hmi, peer_python, bus,
                "org.freedesktop.DBus.Introspectable.Introspect").startswith("ok")


def test_signals_reach_the_hmi_group_but_not_other_users(
        bus: Bus, accounts: Accounts, peer_python: str, assistant: None) -> None:
    listeners = {who.name: _spawn(who, peer_python, "listen", bus.address)
                 for who in (accounts.hmi, accounts.nobody)}
    for proc in listeners.values():
        assert _line(proc) == "subscribed"
    root = Identity("root", 0, 0, (0,))
    secret = f"transcript {uuid.uuid4()}"
    assert call(root, peer_python, bus, f"{IFACE}.Emit", secret) == "ok ()"
    # a sentinel from another sender: everything routed before it has been delivered
    subprocess.run(["dbus-send", f"--bus={bus.address}", "--type=signal", "/org/cabin/Test",
                    "org.cabin.Test.Sentinel.Done"], check=True, timeout=60)
    heard = {name: proc.communicate(timeout=60)[0].splitlines()
             for name, proc in listeners.items()}
    assert heard[accounts.hmi.name] == [
        f"signal {IFACE}.Transcript ('{secret}',)", "signal org.cabin.Test.Sentinel.Done ()"]
    assert heard[accounts.nobody.name] == ["signal org.cabin.Test.Sentinel.Done ()"]


@pytest.mark.parametrize("service", ["org.cabin.Navigation", "org.cabin.Phone",
                                     "org.mpris.MediaPlayer2.cabin"])
def test_cabin_reaches_the_vehicle_services(bus: Bus, accounts: Accounts, peer_python: str,
                                            service: str) -> None:
    """With the rig's org.cabin.Sim.conf, cabin owns the simulated services' names; the
    assistant's policy lets cabin call them, while the system default still refuses others."""
    path = "/" + service.replace(".", "/")
    proc = _spawn(accounts.cabin, peer_python, "serve", bus.address, service, path)
    try:
        assert _line(proc) == "ready"
        assert call(accounts.cabin, peer_python, bus, f"{IFACE}.Ping", name=service,
                    path=path) == "ok ('pong',)"
        assert call(accounts.nobody, peer_python, bus, f"{IFACE}.Ping", name=service,
                    path=path).startswith("denied")
    finally:
        _stop(proc)
