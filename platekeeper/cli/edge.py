"""``platekeeper edge run``: the agent for a patrol car or a remote site (docs/edge.md)."""

from __future__ import annotations

import signal
import threading
from pathlib import Path
from types import FrameType
from typing import Annotated

import typer

from platekeeper.audit.signing import load_public_key
from platekeeper.cli.console import out
from platekeeper.cli.context import state
from platekeeper.cli.recognize import Region, engine_config
from platekeeper.cli.serve import configure_logging
from platekeeper.edge.agent import Agent, EdgeOptions, require_source
from platekeeper.errors import InvalidInput
from platekeeper.recognition import build_pipeline

app = typer.Typer(help="The edge agent: reads queued on this machine until the server has them.")


def _read_secret(path: Path, what: str) -> str:
    try:
        value = path.read_text(encoding="utf-8").strip()
    except OSError as error:
        raise InvalidInput(
            f"cannot read {what} {path}: {error.strerror}",
            hint="Give a file readable by the agent's user only.",
        ) from None
    if not value:
        raise InvalidInput(f"{what} {path} is empty", hint="Put the camera's key in it.")
    return value


@app.command("run")
def run(
    ctx: typer.Context,
    server: Annotated[str, typer.Option(help="The PlateKeeper server, e.g. https://alpr.example")],
    camera_key_file: Annotated[
        Path, typer.Option(help="File holding this camera's ingest key (pkc_...).")
    ],
    source: Annotated[
        str, typer.Option(help="A folder the camera writes images to, rtsp://..., or /dev/videoN.")
    ],
    data: Annotated[Path, typer.Option(help="Folder of the agent's queue; keep it on disk.")],
    server_public_key: Annotated[
        Path | None,
        typer.Option(
            help="The server's signing key ('platekeeper audit public-key'); default: "
            "pinned from the first hot-list copy."
        ),
    ] = None,
    latitude: Annotated[float | None, typer.Option(help="A fixed site's latitude.")] = None,
    longitude: Annotated[float | None, typer.Option(help="A fixed site's longitude.")] = None,
    position_file: Annotated[
        Path | None,
        typer.Option(help="A car's position: JSON {latitude, longitude} a GPS helper keeps."),
    ] = None,
    page_port: Annotated[
        int, typer.Option(min=0, max=65535, help="The local page's port on 127.0.0.1; 0: none.")
    ] = 8765,
    region: Annotated[Region | None, typer.Option(help="Plate formats; default settings.")] = None,
    max_backoff_s: Annotated[
        float, typer.Option(min=0.1, max=3600, help="Longest wait between tries to forward.")
    ] = 60.0,
    batch_size: Annotated[
        int, typer.Option(min=1, max=1000, help="Most reads forwarded in one request.")
    ] = 50,
    status_interval_s: Annotated[
        float, typer.Option(min=0.1, max=3600, help="How often health is reported.")
    ] = 60.0,
) -> None:
    """Capture reads, keep each on disk, forward them when the server can be reached, match
    offline against the signed hot-list copy, and show hits on a local page."""
    if (latitude is None) != (longitude is None):
        raise InvalidInput("give --latitude and --longitude together", hint="Or neither.")
    require_source(source)
    settings = state(ctx).settings()
    configure_logging(settings.log_level)
    options = EdgeOptions(
        server_url=server,
        camera_key=_read_secret(camera_key_file, "the camera key file"),
        source=source,
        data_dir=data,
        latitude=latitude,
        longitude=longitude,
        position_file=position_file,
        server_public_key=None
        if server_public_key is None
        else load_public_key(_read_secret(server_public_key, "the server's key"), "the key"),
        max_backoff_s=max_backoff_s,
        batch_size=batch_size,
        status_interval_s=status_interval_s,
    )
    pipeline = build_pipeline(engine_config(settings.recognition, region.value if region else None))
    agent = Agent(options, pipeline)
    stop = threading.Event()

    def stopping(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, stopping)
    signal.signal(signal.SIGINT, stopping)
    # The page's web framework is imported only when a page is asked for, as in serve.
    from platekeeper.edge.page import serve_page  # noqa: PLC0415

    page = serve_page(agent, page_port) if page_port else None
    out.print(f"edge agent: capturing from {source}, queue in {data}")
    try:
        agent.run(stop)
    finally:
        if page is not None:
            page.stop()
