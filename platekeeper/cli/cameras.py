"""``platekeeper agency`` and ``platekeeper camera``: what a custodian registers before ingest."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from platekeeper.cli.console import out
from platekeeper.cli.context import open_current, state
from platekeeper.domain import Agency, Camera, CameraKind, CameraStatus, GeoPoint
from platekeeper.domain.cameras import issue_camera_key
from platekeeper.errors import InvalidInput

agency_app = typer.Typer(help="Register agencies.", no_args_is_help=True)
camera_app = typer.Typer(help="Register cameras and issue their ingest keys.", no_args_is_help=True)


@agency_app.command("add")
def add_agency(
    ctx: typer.Context,
    agency_id: Annotated[str, typer.Argument(help="Short id, e.g. 'sac-pd'.")],
    name: Annotated[str, typer.Option(help="Full name of the agency.")],
    state_code: Annotated[str, typer.Option("--state", help="Two-letter state, e.g. CA.")],
) -> None:
    """Register an agency."""
    services = open_current(state(ctx).settings())
    try:
        now = services.clock.now()
        services.store.agencies.add(Agency(agency_id, name, state_code.upper(), now))
    finally:
        services.close()
    out.print(f"Agency {agency_id} added.")


@camera_app.command("add")
def add_camera(
    ctx: typer.Context,
    camera_id: Annotated[str, typer.Argument(help="Short id, e.g. 'main-st-north'.")],
    agency: Annotated[str, typer.Option(help="Id of the agency that operates it.")],
    name: Annotated[str, typer.Option(help="Where it is or what it is on.")],
    kind: Annotated[CameraKind, typer.Option(help="fixed or mobile.")] = CameraKind.FIXED,
    latitude: Annotated[float | None, typer.Option(help="Fixed cameras: position.")] = None,
    longitude: Annotated[float | None, typer.Option(help="Fixed cameras: position.")] = None,
    heading: Annotated[float | None, typer.Option(help="Degrees from north it faces.")] = None,
) -> None:
    """Register a camera and print its ingest key (shown once, stored only as a hash)."""
    if (latitude is None) != (longitude is None):
        raise InvalidInput("give --latitude and --longitude together")
    location = None if latitude is None or longitude is None else GeoPoint(latitude, longitude)
    key, key_hash = issue_camera_key()
    services = open_current(state(ctx).settings())
    try:
        camera = Camera(
            id=camera_id,
            agency_id=agency,
            name=name,
            kind=kind,
            status=CameraStatus.ACTIVE,
            api_key_hash=key_hash,
            created_at=services.clock.now(),
            location=location,
            heading_deg=heading,
        )
        services.store.cameras.add(camera)
    finally:
        services.close()
    out.print(f"Camera {camera_id} added. Its ingest key, shown only now:")
    out.print(key, soft_wrap=True)


@camera_app.command("list")
def list_cameras(ctx: typer.Context) -> None:
    """List cameras with their status and last contact."""
    services = open_current(state(ctx).settings())
    try:
        cameras = services.store.cameras.list()
    finally:
        services.close()
    table = Table("id", "agency", "name", "kind", "status", "last contact (UTC)")
    for camera in cameras:
        contact = (
            camera.last_contact_at.strftime("%Y-%m-%d %H:%M") if camera.last_contact_at else "never"
        )
        table.add_row(camera.id, camera.agency_id, camera.name, camera.kind, camera.status, contact)
    out.print(table)


@camera_app.command("rotate-key")
def rotate_key(
    ctx: typer.Context,
    camera_id: Annotated[str, typer.Argument(help="The camera's id.")],
) -> None:
    """Issue a new ingest key for a camera; its old key stops working at once."""
    key, key_hash = issue_camera_key()
    services = open_current(state(ctx).settings())
    try:
        services.store.cameras.replace_key(camera_id, key_hash)
    finally:
        services.close()
    out.print(f"Camera {camera_id} has a new ingest key, shown only now; the old one is void:")
    out.print(key, soft_wrap=True)


@camera_app.command("set-status")
def set_status(
    ctx: typer.Context,
    camera_id: Annotated[str, typer.Argument(help="The camera's id.")],
    status: Annotated[CameraStatus, typer.Argument(help="active, maintenance or retired.")],
) -> None:
    """Allow or stop a camera's ingest: only active cameras may send reads."""
    services = open_current(state(ctx).settings())
    try:
        services.store.cameras.set_status(camera_id, status)
    finally:
        services.close()
    out.print(f"Camera {camera_id} is now {status.value}.")
