"""The server that runs the app: uvicorn, taught to end the live alert streams when it stops."""

from __future__ import annotations

from types import FrameType

import uvicorn

from platekeeper.hotlists.alerts import LiveAlerts


class AlertStreamServer(uvicorn.Server):
    """A uvicorn server that ends the live alert streams when it is asked to stop: uvicorn
    waits for open responses to finish, and a stream never finishes by itself."""

    def __init__(self, config: uvicorn.Config, live: LiveAlerts) -> None:
        super().__init__(config)
        self._live = live

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self._live.close()
        super().handle_exit(sig, frame)
