"""Media ducking logic with a fake player."""

from __future__ import annotations

import asyncio

import pytest

from daemon.speaking.ducking import MediaDucker


class Player:
    def __init__(self, volume: float, fail: bool = False) -> None:
        self.volume, self.fail, self.sets = volume, fail, []

    async def media_volume(self) -> float:
        if self.fail:
            raise OSError("no D-Bus")
        return self.volume

    async def set_media_volume(self, volume: float) -> None:
        self.sets.append(volume)
        self.volume = volume


def run(ducker: MediaDucker, *states: bool) -> None:
    async def go() -> None:
        for s in states:
            await ducker.update(s)
    asyncio.run(go())


def test_duck_while_active_and_restore_after() -> None:
    player = Player(0.8)
    ducker = MediaDucker(player, ratio=0.25)
    run(ducker, False, True, True)
    assert player.volume == pytest.approx(0.2) and ducker.ducked
    run(ducker, False)
    assert player.volume == pytest.approx(0.8) and not ducker.ducked
    assert player.sets == [0.2, 0.8]


def test_driver_change_while_ducked_is_kept() -> None:
    player = Player(0.6)
    ducker = MediaDucker(player, ratio=0.5)
    run(ducker, True)
    player.volume = 0.9  # the driver turned it up meanwhile
    run(ducker, False)
    assert player.volume == 0.9 and player.sets == [0.3]


def test_no_player_is_harmless(caplog: pytest.LogCaptureFixture) -> None:
    ducker = MediaDucker(Player(0.5, fail=True))
    run(ducker, True, False, True, False)
    assert not ducker.ducked
    assert sum("media ducking unavailable" in r.message for r in caplog.records) == 1
    run(MediaDucker(None), True, False)
