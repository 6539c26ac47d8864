"""What the pages bring to the app: their routers, public and signed-in."""

from __future__ import annotations

from fastapi import APIRouter

from platekeeper.web import (
    passkeys,
    routes,
    screen_lock,
    second_factor,
    sign_on,
    signin,
    tiles,
    transparency,
)
from platekeeper.web.pages import ROUTERS as PAGE_ROUTERS

ROUTERS: tuple[APIRouter, ...] = (
    routes.router,
    signin.router,
    screen_lock.router,
    sign_on.router,
    second_factor.router,
    passkeys.router,
    transparency.router,
    tiles.router,
    *PAGE_ROUTERS,
)
