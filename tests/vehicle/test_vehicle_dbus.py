"""D-Bus tools through the real backend (pydbus) against the simulated services on a real
session dbus-daemon: properties change on the service, replies come from what it reports; and
when the bus or a service is gone or hangs, a spoken apology, a typed error, and recovery."""

from __future__ import annotations

import time

import pytest
from conftest import running_vehicle, vehicle_config

from vehicle_tools.backends.dbus import resolve_address
from vehicle_tools.config import DbusConfig


@pytest.fixture
def live(dbus_daemon, channel, db):
    with running_vehicle(vehicle_config(channel, dbus_address=dbus_daemon.address), db) as live:
        assert live.vehicle.services is not None and live.vehicle.services.running
        live.traffic()
        yield live


def test_media_round_trip(live) -> None:
    media = live.vehicle.services.media
    played = live.call("media_control", {"action": "play"})
    assert played.ok and media.PlaybackStatus == "Playing"
    assert played.reply == "Playing Bohemian Rhapsody by Queen."
    skipped = live.call("media_control", {"action": "next"})
    assert skipped.reply == "Playing Take Five by The Dave Brubeck Quartet."
    back = live.call("media_control", {"action": "previous"})
    assert back.state["title"] == "Bohemian Rhapsody"
    paused = live.call("media_control", {"action": "pause"})
    assert (paused.reply, media.PlaybackStatus) == ("Paused.", "Paused")
    volume = live.call("set_media_volume", {"volume_pct": 35})
    assert volume.ok and media.Volume == pytest.approx(0.35)
    assert volume.reply == "The music volume is 35 percent."
    found = live.call("media_search", {"query": "clair de lune"})
    assert found.reply == "Playing Clair de Lune by Claude Debussy."
    assert media.PlaybackStatus == "Playing"
    missing = live.call("media_search", {"query": "nothing like this"})
    assert (missing.error_code, missing.reply) == (
        "not_found", "I couldn't find nothing like this in your music.")
    assert [(c.member, c.accepted) for c in live.dbus_calls()] == [
        ("Play", True), ("Next", True), ("Previous", True), ("Pause", True),
        ("Set.Volume", True), ("PlaySearch", True), ("PlaySearch", False)]
    assert live.frames() == []


def test_navigation_round_trip(live) -> None:
    nav = live.vehicle.services.navigation
    none_yet = live.call("get_eta", {})
    assert none_yet.reply == "There is no route set."
    route = live.call("navigate_to", {"destination": "221 Baker Street"})
    assert route.ok and nav.Active and nav.Destination == "221 Baker Street"
    minutes = round(nav.EtaSeconds / 60)
    assert route.reply == (f"Navigating to 221 Baker Street. You'll be there in about "
                           f"{minutes} minutes.")
    eta = live.call("get_eta", {})
    assert eta.state["eta_s"] == nav.EtaSeconds
    assert eta.reply.startswith("You'll reach 221 Baker Street in about")
    cancelled = live.call("cancel_navigation", {})
    assert cancelled.reply == "Navigation cancelled." and not nav.Active
    assert [c.member for c in live.dbus_calls()] == ["Search", "SetDestination", "CancelRoute"]


def test_a_destination_is_found_on_the_map_before_the_route_starts(live) -> None:
    nav = live.vehicle.services.navigation
    live.call("cancel_navigation", {})
    live.dbus_calls()
    kind = live.call("navigate_to", {"destination": "the nearest gas station"})
    assert kind.ok and nav.Destination == "Shell petrol station, Mill Road"
    assert kind.reply.startswith("Navigating to Shell petrol station, Mill Road.")
    # words a recogniser made of noise find nothing: said, and no route is set
    live.call("cancel_navigation", {})
    garbage = live.call("navigate_to", {"destination": "camera, John, turn"})
    assert (garbage.error_code, garbage.reply) == (
        "not_found", "I couldn't find camera, John, turn on the map.")
    assert not nav.Active
    # a name only near one on the map is asked about; the answer's call goes there
    near = live.call("navigate_to", {"destination": "heat row airport"})
    assert (near.error_code, near.reply) == ("needs_confirmation",
                                             "Did you mean Heathrow Airport?")
    assert near.args["destination"] == "Heathrow Airport" and not nav.Active
    yes = live.call("navigate_to", near.args, confirmed=True)
    assert yes.ok and nav.Destination == "Heathrow Airport"
    assert [(c.member, c.args) for c in live.dbus_calls()] == [
        ("Search", ("the nearest gas station",)),
        ("SetDestination", ("Shell petrol station, Mill Road",)), ("CancelRoute", ()),
        ("Search", ("camera, John, turn",)), ("Search", ("heat row airport",)),
        ("Search", ("Heathrow Airport",)), ("SetDestination", ("Heathrow Airport",))]


def test_phone_round_trip(live) -> None:
    phone = live.vehicle.services.phone
    call = live.call("call_contact", {"contact": "bob smith"})
    assert call.reply == "Calling Bob Smith." and phone.CallState == "dialing"
    unknown = live.call("call_contact", {"contact": "Zed"})
    assert (unknown.error_code, unknown.reply) == (
        "not_found", "I couldn't find Zed in your contacts.")


def test_assistant_voice_round_trip(live) -> None:
    result = live.call("set_assistant_voice", {"speed": 1.26, "volume_pct": 60})
    assert result.reply == "I'll speak at 1.3 times normal speed and at 60 percent volume."
    assert (live.vehicle.settings.voice_speed, live.vehicle.settings.voice_volume_pct) == (
        1.3, 60)
    assert live.traffic() == ([], [])


def test_no_dbus_reachable(make_config, db, monkeypatch) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    config = make_config().model_copy(update={"dbus": DbusConfig()})
    assert resolve_address(config.dbus) is None
    with running_vehicle(config, db) as live:
        assert live.vehicle.services is None
        media = live.call("media_control", {"action": "play"})
        nav = live.call("navigate_to", {"destination": "Paris"})
        fan = live.call("set_fan", {"level": 5})  # CAN keeps working
    assert (media.error_code, media.reply) == (
        "service_unavailable", "Sorry, media isn't available right now, so I couldn't "
        "control the music.")
    assert nav.error_code == "service_unavailable"
    assert "no session D-Bus address" in (media.error_detail or "")
    assert fan.ok


def test_service_gone_and_back(private_dbus, channel, db) -> None:
    with running_vehicle(vehicle_config(channel, dbus_address=private_dbus.address), db) as live:
        host = live.vehicle.services
        assert live.call("media_control", {"action": "play"}).ok
        host.stop()
        gone = live.call("media_control", {"action": "pause"})
        host.start()
        back = live.call("media_control", {"action": "pause"})
    assert (gone.ok, gone.error_code, gone.state) == (False, "service_unavailable", {})
    assert "NameHasNoOwner" in (gone.error_detail or "") or "ServiceUnknown" in (
        gone.error_detail or "")
    assert back.ok and back.reply == "Paused."


def test_bus_down_and_back(private_dbus, channel, db) -> None:
    with running_vehicle(vehicle_config(channel, dbus_address=private_dbus.address), db) as live:
        host = live.vehicle.services
        assert live.call("navigate_to", {"destination": "Leeds"}).ok
        host.stop()
        private_dbus.stop()
        down = live.call("get_eta", {})
        fan = live.call("set_fan", {"level": 1})
        private_dbus.start()
        host.start()
        back = live.call("navigate_to", {"destination": "York"})
    assert (down.error_code, down.reply) == (
        "service_unavailable", "Sorry, navigation isn't available right now, so I couldn't "
        "check the arrival time.")
    assert fan.ok
    assert back.ok and back.state["destination"] == "York"


def test_a_service_that_does_not_answer(dbus_daemon, channel, db) -> None:
    config = vehicle_config(channel, dbus_address=dbus_daemon.address, dbus_timeout_s=0.2)
    with running_vehicle(config, db) as live:
        media = live.vehicle.services.media
        media.Play = lambda: time.sleep(0.6)  # blocks the services' GLib loop past the timeout
        slow = live.call("media_control", {"action": "play"})
        del media.Play
        time.sleep(0.6)  # let the hung handler finish; not an assertion on speed
        later = live.call("media_control", {"action": "pause"})
    assert (slow.ok, slow.error_code, slow.state) == (False, "timeout", {})
    assert slow.reply == "Sorry, media didn't answer in time, so I couldn't control the music."
    assert later.ok
