"""``platekeeper agency`` and ``platekeeper camera``: what is registered before ingest.

Registering an agency is the host's act (before the agency has a custodian to sign in); its
time zone follows from its state, or is asked for. Changing it later, and every
camera command, acts as a custodian who signs in at the console (``--as`` and their password;
``cli/identity.py``), on their own agency's cameras only, logged under their name with
``console`` as the client address.
"""

from __future__ import annotations

import sys
from dataclasses import replace
from typing import Annotated

import typer
from rich.table import Table

from platekeeper.cli.console import out
from platekeeper.cli.context import open_current, state
from platekeeper.cli.identity import AsOption, person
from platekeeper.cli.time_zones import ask_time_zone, policy_zone
from platekeeper.domain import Agency, CameraKind, CameraStatus, GeoPoint
from platekeeper.domain.cameras import CameraSourceSettings, DeviceAuth, FramePolicy
from platekeeper.domain.gate import Person
from platekeeper.domain.zones import UTC_ZONE, local_time
from platekeeper.errors import InvalidInput
from platekeeper.ingest.cameras import CameraDraft
from platekeeper.services import Services

agency_app = typer.Typer(help="Register agencies.", no_args_is_help=True)
camera_app = typer.Typer(help="Register cameras and issue their ingest keys.", no_args_is_help=True)


@agency_app.command("add")
def add_agency(
    ctx: typer.Context,
    agency_id: Annotated[str, typer.Argument(help="Short id, e.g. 'sac-pd'.")],
    name: Annotated[str, typer.Option(help="Full name of the agency.")],
    state_code: Annotated[str, typer.Option("--state", help="Two-letter state, e.g. CA.")],
    time_zone: Annotated[
        str | None,
        typer.Option(
            help="IANA time zone its pages show, e.g. America/Los_Angeles; default: the "
            "policy file's for this agency, else the state's main zone, asked for outside the US."
        ),
    ] = None,
) -> None:
    """Register an agency."""
    settings = state(ctx).settings()
    zone = time_zone or policy_zone(settings, agency_id) or ask_time_zone(state_code)
    services = open_current(settings)
    try:
        now = services.clock.now()
        services.store.agencies.add(Agency(agency_id, name, state_code.upper(), now, zone))
    finally:
        services.close()
    out.print(f"Agency {agency_id} added; its times are shown in {zone}.")


@agency_app.command("time-zone")
def set_time_zone(
    ctx: typer.Context,
    time_zone: Annotated[str, typer.Argument(help="IANA name, e.g. America/Los_Angeles.")],
    as_user: AsOption = None,
) -> None:
    """Set your agency's time zone: the clock of its pages, exports and reports."""
    services = open_current(state(ctx).settings())
    try:
        agency = services.cameras.set_time_zone(person(services, as_user), time_zone)
    finally:
        services.close()
    out.print(f"Agency {agency.id} now shows times in {agency.time_zone}.")


@camera_app.command("add")
def add_camera(
    ctx: typer.Context,
    camera_id: Annotated[str, typer.Argument(help="Short id, e.g. 'main-st-north'.")],
    name: Annotated[str, typer.Option(help="Where it is or what it is on.")],
    kind: Annotated[CameraKind, typer.Option(help="fixed or mobile.")] = CameraKind.FIXED,
    latitude: Annotated[float | None, typer.Option(help="Fixed cameras: position.")] = None,
    longitude: Annotated[float | None, typer.Option(help="Fixed cameras: position.")] = None,
    heading: Annotated[float | None, typer.Option(help="Degrees from north it faces.")] = None,
    agency: Annotated[
        str | None, typer.Option(help="The agency that operates it: yours (the default).")
    ] = None,
    as_user: AsOption = None,
) -> None:
    """Register a camera of your agency and print its ingest key (shown once, stored only as a
    hash)."""
    if (latitude is None) != (longitude is None):
        raise InvalidInput("give --latitude and --longitude together")
    location = None if latitude is None or longitude is None else GeoPoint(latitude, longitude)
    draft = CameraDraft(camera_id, name, kind, location, heading)
    services = open_current(state(ctx).settings())
    try:
        who = person(services, as_user)
        _, key = services.cameras.register(who, draft, agency_id=agency)
    finally:
        services.close()
    out.print(f"Camera {camera_id} added. Its ingest key, shown only now:")
    out.print(key, soft_wrap=True)


@camera_app.command("list")
def list_cameras(ctx: typer.Context, as_user: AsOption = None) -> None:
    """List your agency's cameras with their status and last contact."""
    services = open_current(state(ctx).settings())
    try:
        cameras = services.cameras.list(person(services, as_user))
        zones = {camera.agency_id: _zone(services, camera.agency_id) for camera in cameras}
    finally:
        services.close()
    table = Table("id", "agency", "name", "kind", "status", "last contact")
    for camera in cameras:
        contact = camera.last_contact_at
        shown = "never" if contact is None else local_time(contact, zones[camera.agency_id], _AT)
        table.add_row(camera.id, camera.agency_id, camera.name, camera.kind, camera.status, shown)
    out.print(table)


_AT = "%Y-%m-%d %H:%M %Z"
"""A last contact as the agency's people read it: on its clock, the zone named."""


def _zone(services: Services, agency_id: str) -> str:
    agency = services.store.agencies.get(agency_id)
    return UTC_ZONE if agency is None else agency.time_zone


@camera_app.command("rotate-key")
def rotate_key(
    ctx: typer.Context,
    camera_id: Annotated[str, typer.Argument(help="The camera's id.")],
    as_user: AsOption = None,
) -> None:
    """Issue a new ingest key for a camera; its old key stops working at once."""
    services = open_current(state(ctx).settings())
    try:
        _, key = services.cameras.rotate_key(person(services, as_user), camera_id)
    finally:
        services.close()
    out.print(f"Camera {camera_id} has a new ingest key, shown only now; the old one is void:")
    out.print(key, soft_wrap=True)


@camera_app.command("set-status")
def set_status(
    ctx: typer.Context,
    camera_id: Annotated[str, typer.Argument(help="The camera's id.")],
    status: Annotated[CameraStatus, typer.Argument(help="active, maintenance or retired.")],
    as_user: AsOption = None,
) -> None:
    """Allow or stop a camera's ingest: only active cameras may send reads."""
    services = open_current(state(ctx).settings())
    try:
        services.cameras.set_status(person(services, as_user), camera_id, status)
    finally:
        services.close()
    out.print(f"Camera {camera_id} is now {status.value}.")


@camera_app.command("source")
def set_source(
    ctx: typer.Context,
    camera_id: Annotated[str, typer.Argument(help="The camera's id.")],
    time_zone: Annotated[
        str | None,
        typer.Option(
            help="IANA zone of the camera's clock, for times sent without offset (first UTC)."
        ),
    ] = None,
    auth: Annotated[
        DeviceAuth | None,
        typer.Option(
            help="bearer (the first); or, weaker, for a device that cannot send that header: "
            "url-key (the key in the URL) or basic (HTTP Basic, camera id and key)."
        ),
    ] = None,
    frames: Annotated[
        FramePolicy | None,
        typer.Option(
            help="final: one read per vehicle (the first); every: each frame's event too."
        ),
    ] = None,
    image_base_url: Annotated[
        str | None,
        typer.Option(
            help="The camera's address that relative image paths (Axis) are read against."
        ),
    ] = None,
    image_user: Annotated[
        str | None,
        typer.Option(help="User name for fetching the camera's images by URL (HTTP Basic)."),
    ] = None,
    image_password_stdin: Annotated[
        bool,
        typer.Option(
            "--image-password-stdin",
            help="Read the image password from standard input (sealed at rest, never shown).",
        ),
    ] = False,
    no_image_credentials: Annotated[
        bool,
        typer.Option("--no-image-credentials", help="Forget the image user and password."),
    ] = False,
    as_user: AsOption = None,
) -> None:
    """Say how a camera that sends a vendor's format is heard (docs/integrations.md); options
    left out keep what was set."""
    if image_user is not None and not image_password_stdin:
        raise InvalidInput(
            "--image-user needs its password",
            hint="Pipe the password with --image-password-stdin: "
            "printf '%s' \"$PASSWORD\" | platekeeper camera source ID --image-user U "
            "--image-password-stdin",
        )
    services = open_current(state(ctx).settings())
    try:
        who = person(services, as_user)
        before = services.sources.settings(camera_id)
        settings = CameraSourceSettings(
            camera_id,
            before.time_zone if time_zone is None else time_zone,
            before.device_auth if auth is None else auth,
            before.frames if frames is None else frames,
        )
        if (time_zone, auth, frames) != (None, None, None) or not _image_options_given(
            image_base_url, image_user, no_image_credentials
        ):
            services.cameras.set_source(who, settings)
        images = _set_image_source(
            services,
            who,
            camera_id,
            image_base_url,
            image_user,
            image_password_stdin,
            no_image_credentials,
        )
    finally:
        services.close()
    out.print(
        f"Camera {camera_id}: time zone {settings.time_zone}, authentication "
        f"{settings.device_auth.value}, frames {settings.frames.value}."
    )
    if images is not None:
        out.print(f"Camera {camera_id}: {images}.")
    if settings.device_auth is not DeviceAuth.BEARER:
        out.print(
            "[yellow]warning:[/] the key sent this way is easier to leak than a bearer header "
            "(device settings, screenshots, proxies); use HTTPS and rotate the key if in doubt."
        )


def _image_options_given(base_url: str | None, user: str | None, forget: bool) -> bool:
    return base_url is not None or user is not None or forget


def _set_image_source(
    services: Services,
    who: Person,
    camera_id: str,
    base_url: str | None,
    user: str | None,
    password_stdin: bool,
    forget: bool,
) -> str | None:
    """Set the camera's image source if any image option was given; what it now is."""
    if not _image_options_given(base_url, user, forget):
        return None
    before = services.store.image_fetches.source(camera_id)
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    fetcher = services.image_fetcher
    if user is not None:
        source = fetcher.image_source(camera_id, base_url or before.base_url, user, password)
    else:  # the base URL alone, checked; the credentials kept unless forgotten
        checked = fetcher.image_source(camera_id, base_url or before.base_url, None, None)
        source = checked if forget else replace(before, base_url=checked.base_url)
    services.cameras.set_image_source(who, camera_id, source)
    base = source.base_url or "none"
    credentials = "none" if source.username is None else f"user {source.username} (password sealed)"
    return f"image base URL {base}, image credentials {credentials}"
