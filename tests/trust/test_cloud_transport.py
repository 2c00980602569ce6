"""Issue 23 item 5: the cloud fallback's transport and what of its answer may be spoken.

https only (plain http only to a loopback address with the explicit test setting, refused at
config load with the key and the fix, and again by the client); certificates and host names
checked (a self-signed server is refused before the key is sent); the key goes to the
configured host only (a redirect is a failure); a spoken cloud answer may not read out a
phone number or the key. Loopback peers only (tests/llm/stub_server.py, here also over TLS
with certificates made by the ``openssl`` command).
"""

from __future__ import annotations

import asyncio
import json
import shutil
import ssl
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from daemon.cli import main
from daemon.config import load_config, parse_config
from daemon.errors import CabinError
from daemon.llm.cloud import NO_NUMBERS, CloudClient, CloudError, has_phone_number
from daemon.llm.config import CloudConfig, LlmConfig
from daemon.llm.router import UNAVAILABLE, Router
from daemon.llm.schema import tool_specs
from tests.llm.conftest import ask
from tests.llm.stub_server import Peer, http_response, tool_call_response
from vehicle_tools.tools import default_registry

SECRET = "sk-test-tr4nsp0rt-k3y"
REGISTRY = default_registry()
REPO = Path(__file__).resolve().parents[2]


@dataclass
class TlsPeer(Peer):
    """`Peer` speaking TLS with ``context`` (a server certificate and key)."""

    context: ssl.SSLContext | None = None

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        server = self._loop.run_until_complete(
            asyncio.start_server(self._serve, "127.0.0.1", 0, ssl=self.context))
        self.port = server.sockets[0].getsockname()[1]
        self._server = server
        self._ready.set()
        self._loop.run_forever()


@pytest.fixture
def peers() -> Iterator[list[Peer]]:
    made: list[Peer] = []
    yield made
    for peer in made:
        peer.close()


def _say(text: str) -> bytes:
    return http_response(json.dumps(
        {"choices": [{"message": {"role": "assistant", "content": text}}]}).encode())


def _router(base_url: str, monkeypatch: pytest.MonkeyPatch, **cloud: object) -> Router:
    """A router with no local model: the cloud is all it has."""
    monkeypatch.setenv("CABIN_CLOUD_API_KEY", SECRET)
    config = CloudConfig(enabled=True, base_url=base_url, model="m", timeout_s=4.0,
                         connect_timeout_s=0.5, **cloud)  # type: ignore[arg-type]
    return Router(LlmConfig(cloud=config), REGISTRY, Path("/nonexistent"))


def _cloud_error(cloud: dict[str, object]) -> str:
    with pytest.raises(CabinError) as info:
        parse_config({"llm": {"cloud": cloud}})
    return str(info.value)


# -- config -----------------------------------------------------------------------------------
def test_the_default_url_is_https() -> None:
    assert CloudConfig().base_url.startswith("https://")
    assert load_config(REPO / "cabin.yaml").llm.cloud.base_url.startswith("https://")


@pytest.mark.parametrize("url", ["http://api.example.com/v1", "http://127.0.0.1:8080/v1",
                                 "http://localhost:8080/v1", "http://10.1.2.3/v1"])
def test_plain_http_is_refused_at_config_load_naming_the_key_and_the_fix(url: str) -> None:
    message = _cloud_error({"enabled": True, "base_url": url})
    assert "llm.cloud.base_url" in message and "https://" in message
    assert "allow_insecure_loopback" in message


@pytest.mark.parametrize("url", ["http://api.example.com/v1", "http://10.1.2.3:8080/v1",
                                 "http://127.0.0.1.example.com/v1", "http://[::2]/v1"])
def test_the_loopback_test_setting_is_refused_for_any_other_host(url: str) -> None:
    message = _cloud_error({"base_url": url, "allow_insecure_loopback": True})
    assert "only allows http:// to 127.0.0.1, ::1 or localhost" in message


@pytest.mark.parametrize("url", ["http://127.0.0.1:8080/v1", "http://127.0.0.2/v1",
                                 "http://[::1]:9000/v1", "http://localhost:1234/v1"])
def test_the_loopback_test_setting_allows_loopback_http(url: str) -> None:
    config = parse_config({"llm": {"cloud": {"base_url": url, "allow_insecure_loopback": True}}})
    assert config.llm.cloud.base_url == url


@pytest.mark.parametrize(("url", "words"), [
    ("https://user:pass@api.example.com/v1", "user name or password"),
    ("https://api.example.com/v1\r\nX-Evil: 1", "control characters"),
    ("ftp://api.example.com/v1", "https:// URL with a host"),
    ("https:///v1", "https:// URL with a host"),
    ("https://api.example.com:99999/v1", "not a valid URL"),
])
def test_malformed_urls_are_refused(url: str, words: str) -> None:
    assert words in _cloud_error({"base_url": url})


def test_the_test_setting_is_a_real_boolean() -> None:
    assert "allow_insecure_loopback" in _cloud_error(
        {"base_url": "http://127.0.0.1:8080/v1", "allow_insecure_loopback": "yes"})


def test_cabin_config_check_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "cabin.yaml"
    path.write_text("llm:\n  cloud:\n    enabled: true\n    base_url: http://example.com/v1\n",
                    encoding="utf-8")
    assert main(["config", "check", str(path)]) == 2
    assert "llm.cloud.base_url is plain http://" in capsys.readouterr().err


def test_the_client_refuses_plain_http_even_past_the_config(peers: list[Peer]) -> None:
    """A config built without validation (model_construct) still never sends the key in clear
    text to a non-test setting."""
    stub = Peer(lambda body: tool_call_response("set_fan", {"level": 3}))
    peers.append(stub)
    config = CloudConfig.model_construct(enabled=True, base_url=f"http://127.0.0.1:{stub.port}/v1",
                                         allow_insecure_loopback=False)
    client = CloudClient(config, tool_specs(REGISTRY), [], environ={"CABIN_CLOUD_API_KEY": SECRET})
    with pytest.raises(CloudError):
        asyncio.run(client.complete("set the fan to three", []))
    assert stub.connections == 0


# -- TLS --------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Cert:
    cert: Path
    key: Path

    def server(self) -> ssl.SSLContext:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(self.cert, self.key)
        return context

    def trusted(self) -> ssl.SSLContext:
        """A client context that trusts this certificate (and checks it and the host name)."""
        return ssl.create_default_context(cafile=str(self.cert))


def _self_signed(directory: Path, alt_names: str) -> Cert:
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("the openssl command is not installed (apt-get install openssl)")
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-keyout", str(key), "-out", str(cert), "-subj", "/CN=cabin-test",
                    "-addext", f"subjectAltName={alt_names}",
                    "-addext", "basicConstraints=critical,CA:TRUE"],
                   check=True, capture_output=True)
    return Cert(cert, key)


@pytest.fixture
def loopback_cert(tmp_path: Path) -> Cert:
    return _self_signed(tmp_path, "IP:127.0.0.1")


def test_a_self_signed_https_server_is_refused_before_the_key_is_sent(
        loopback_cert: Cert, peers: list[Peer], monkeypatch: pytest.MonkeyPatch) -> None:
    stub = TlsPeer(lambda body: _say("Hello from whoever listens."), context=loopback_cert.server())
    peers.append(stub)
    router = _router(f"https://127.0.0.1:{stub.port}/v1", monkeypatch)
    sentences, answer = ask(router, "good morning")
    assert answer.kind == "unavailable" and sentences == [UNAVAILABLE]
    assert router.cloud is not None and "CERTIFICATE_VERIFY_FAILED" in str(
        router.cloud.last_failure)
    assert stub.heads == []  # no request, so no key, ever reached it


def test_a_trusted_certificate_for_another_host_is_refused(
        tmp_path: Path, peers: list[Peer], monkeypatch: pytest.MonkeyPatch) -> None:
    elsewhere = _self_signed(tmp_path, "DNS:api.example.com")
    stub = TlsPeer(lambda body: _say("Hello."), context=elsewhere.server())
    peers.append(stub)
    monkeypatch.setenv("CABIN_CLOUD_API_KEY", SECRET)
    config = CloudConfig(enabled=True, base_url=f"https://127.0.0.1:{stub.port}/v1",
                         connect_timeout_s=0.5)
    client = CloudClient(config, tool_specs(REGISTRY), [], tls=elsewhere.trusted())
    with pytest.raises(CloudError):
        asyncio.run(client.complete("good morning", []))
    assert stub.heads == []


def test_https_with_a_trusted_certificate_carries_the_key(
        loopback_cert: Cert, peers: list[Peer], monkeypatch: pytest.MonkeyPatch) -> None:
    stub = TlsPeer(lambda body: tool_call_response("set_fan", {"level": 3}),
                   context=loopback_cert.server())
    peers.append(stub)
    monkeypatch.setenv("CABIN_CLOUD_API_KEY", SECRET)
    config = CloudConfig(enabled=True, base_url=f"https://127.0.0.1:{stub.port}/v1",
                         connect_timeout_s=0.5)
    client = CloudClient(config, tool_specs(REGISTRY), [], tls=loopback_cert.trusted())
    reply = asyncio.run(client.complete("set the fan to three", []))
    assert reply.decision.kind == "calls"
    assert f"Authorization: Bearer {SECRET}".encode() in stub.heads[0]
    assert f"Host: 127.0.0.1:{stub.port}\r\n".encode() in stub.heads[0]


def test_a_tls_context_without_checks_is_refused() -> None:
    unchecked = ssl.create_default_context()
    unchecked.check_hostname = False
    unchecked.verify_mode = ssl.CERT_NONE
    with pytest.raises(ValueError, match="check certificates"):
        CloudClient(CloudConfig(enabled=True), tool_specs(REGISTRY), [], environ={},
                    tls=unchecked)


# -- the key goes to the configured host only -------------------------------------------------
def test_a_redirect_is_not_followed(peers: list[Peer], monkeypatch: pytest.MonkeyPatch) -> None:
    other = Peer(lambda body: _say("Got your key."))
    peers.append(other)
    location = f"http://127.0.0.1:{other.port}/v1/chat/completions"
    redirect = (f"HTTP/1.1 307 Temporary Redirect\r\nLocation: {location}\r\n"
                "Content-Length: 0\r\nConnection: close\r\n\r\n").encode()
    stub = Peer(lambda body: redirect)
    peers.append(stub)
    router = _router(f"http://127.0.0.1:{stub.port}/v1", monkeypatch,
                     allow_insecure_loopback=True)
    _, answer = ask(router, "good morning")
    assert answer.kind == "unavailable"
    assert other.connections == 0
    assert router.cloud is not None and "redirect" in str(router.cloud.last_failure)


# -- what of the answer may be spoken ---------------------------------------------------------
@pytest.mark.parametrize(("content", "spoken"), [
    ("Your car needs a service. Call 0900 123 4567 now to book it.",
     ["Your car needs a service."]),
    ("Call +44 20 7946 0958.", [NO_NUMBERS]),
    ("Sure. Dial five five five, one two three four. Drive safely.", ["Sure.", "Drive safely."]),
    (f"Here is your key: {SECRET}. Have a nice day.", ["Have a nice day."]),
    ("It is 21 degrees outside and the range is 412 km.",
     ["It is 21 degrees outside and the range is 412 km."]),
])
def test_a_cloud_answer_never_reads_out_a_phone_number_or_the_key(
        content: str, spoken: list[str], peers: list[Peer],
        monkeypatch: pytest.MonkeyPatch) -> None:
    stub = Peer(lambda body: _say(content))
    peers.append(stub)
    router = _router(f"http://127.0.0.1:{stub.port}/v1", monkeypatch,
                     allow_insecure_loopback=True)
    sentences, answer = ask(router, "good morning")
    assert answer.kind == "say" and answer.source == "cloud"
    assert sentences == spoken
    assert not has_phone_number(answer.text) and SECRET not in answer.text


@pytest.mark.parametrize(("text", "phone"), [
    ("Call 555-123-4567.", True), ("Call (030) 123456.", True),
    ("oh two oh, seven nine four six, oh nine five eight", True),
    ("Dial 911 or 112.", False), ("The odometer reads 48213 km.", False),
    ("On 2024-05-12 it rained.", False), ("That costs 1,234,567 dollars.", False),
    ("Set it between 16 and 28 degrees, fan 3.", False),
])
def test_what_counts_as_a_phone_number(text: str, phone: bool) -> None:
    assert has_phone_number(text) is phone
