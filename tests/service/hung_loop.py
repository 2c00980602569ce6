"""Child process for the watchdog test: pings on its event loop, then blocks the loop.

Run with $NOTIFY_SOCKET and $WATCHDOG_USEC set. It sends READY=1, lets the watchdog task ping a
few times, marks STATUS=hang-begin, blocks the whole loop in time.sleep for ten intervals,
marks STATUS=hang-end, lets the loop run again briefly, and sends STOPPING=1.
"""

from __future__ import annotations

import asyncio
import contextlib
import time

from daemon.runtime.service import Heartbeat, Notifier, Watchdog


async def main() -> None:
    notifier = Notifier()
    heartbeat = Heartbeat(stale_s=60.0)
    watchdog = Watchdog(notifier, heartbeat.fresh)
    interval = watchdog.interval_s
    assert interval is not None, "WATCHDOG_USEC and NOTIFY_SOCKET must be set"
    notifier.ready()
    task = asyncio.create_task(watchdog.run(), name="watchdog")
    await asyncio.sleep(interval * 4.5)
    notifier.status("hang-begin")
    time.sleep(interval * 10)  # noqa: ASYNC251  # the point: the loop hangs
    notifier.status("hang-end")
    await asyncio.sleep(interval * 3.5)
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
    notifier.stopping()


if __name__ == "__main__":
    asyncio.run(main())
