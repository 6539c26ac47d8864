"""Hits: see them with a purpose, and verify them before anyone acts on one."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Query, Response
from pydantic import BaseModel

from platekeeper.api.schemas.hits import (
    Confirmation,
    HitDetail,
    HitList,
    HitPublic,
    OutcomeIn,
    Rejection,
    RetroactiveHitPublic,
    RetroactiveResult,
)
from platekeeper.api.schemas.lookups import ReadPublic
from platekeeper.domain.hotlists import (
    HitStatus,
    HitTier,
)
from platekeeper.domain.permissions import Permission
from platekeeper.http.auth import CallerDep, requires
from platekeeper.http.basis import BasisDep
from platekeeper.http.deps import ServicesDep
from platekeeper.store.images import ImageKind, detect_image_type

router = APIRouter(prefix="/api/v1/hits", tags=["hits"])

_ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"description": description, "content": {"application/problem+json": {}}}
    for code, description in {
        401: "Not signed in.",
        403: "The role lacks the permission.",
        404: "No such hit that you may see.",
        409: "Someone else decided the hit meanwhile.",
        422: "Purpose or case number missing, or a verification that does not add up.",
    }.items()
}
_NO_STORE = {"Cache-Control": "no-store"}


def _json(body: BaseModel) -> Response:
    return Response(body.model_dump_json(), media_type="application/json", headers=_NO_STORE)


@router.get(
    "",
    summary="Hits you may see, newest first",
    response_model=HitList,
    responses=_ERRORS,
    dependencies=requires(Permission.ALERTS_VIEW),
)
def list_hits(
    services: ServicesDep,
    caller: CallerDep,
    basis: BasisDep,
    status: HitStatus | None = None,
    list_id: Annotated[str | None, Query(max_length=63)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    tier: Annotated[
        HitTier | None,
        Query(description="Only 'alert' hits or only 'lower'-tier ones (no alert); both if unset."),
    ] = None,
) -> Response:
    views = services.hit_desk.list(caller.requester, basis, status, list_id, limit, tier=tier)
    return _json(HitList(hits=[HitDetail.of(view) for view in views]))


@router.get(
    "/{hit_id}",
    summary="One hit with its read, entry, list and warnings",
    response_model=HitDetail,
    responses=_ERRORS,
    dependencies=requires(Permission.ALERTS_VIEW),
)
def get_hit(hit_id: str, services: ServicesDep, caller: CallerDep, basis: BasisDep) -> Response:
    view = services.hit_desk.get(caller.requester, basis, hit_id)
    return _json(HitDetail.of(view))


@router.get(
    "/{hit_id}/image",
    summary="The hit's plate crop or full image, to compare with the entry",
    response_class=Response,
    responses={200: {"content": {"image/jpeg": {}, "image/png": {}}}, **_ERRORS},
    dependencies=requires(Permission.ALERTS_VIEW),
)
def get_hit_image(
    hit_id: str,
    services: ServicesDep,
    caller: CallerDep,
    basis: BasisDep,
    kind: ImageKind = ImageKind.CROP,
) -> Response:
    image = services.hit_desk.image(caller.requester, basis, hit_id, kind)
    media_type = f"image/{'jpeg' if (ext := detect_image_type(image.data)) == 'jpg' else ext}"
    return Response(image.data, media_type=media_type, headers=_NO_STORE)


@router.post(
    "/{hit_id}/confirm",
    summary="Confirm a hit after checking characters, state and source",
    response_model=HitPublic,
    responses=_ERRORS,
    dependencies=requires(Permission.ALERTS_VERIFY),
)
def confirm_hit(
    hit_id: str, body: Confirmation, services: ServicesDep, caller: CallerDep
) -> HitPublic:
    hit = services.hit_desk.confirm(
        caller.requester,
        hit_id,
        characters_match=body.characters_match,
        state_matches=body.state_matches,
        active_at_source=body.active_at_source,
        note=body.note,
        state_override=body.state_override,
    )
    return HitPublic.of(hit)


@router.post(
    "/{hit_id}/reject",
    summary="Reject a hit with its reason",
    response_model=HitPublic,
    responses=_ERRORS,
    dependencies=requires(Permission.ALERTS_VERIFY),
)
def reject_hit(hit_id: str, body: Rejection, services: ServicesDep, caller: CallerDep) -> HitPublic:
    hit = services.hit_desk.reject(caller.requester, hit_id, body.reason, body.note)
    return HitPublic.of(hit)


@router.post(
    "/{hit_id}/outcome",
    summary="Record what came of a verified hit",
    response_model=HitPublic,
    responses=_ERRORS,
    dependencies=requires(Permission.ALERTS_VERIFY),
)
def record_outcome(
    hit_id: str, body: OutcomeIn, services: ServicesDep, caller: CallerDep
) -> HitPublic:
    hit = services.hit_desk.record_outcome(caller.requester, hit_id, body.outcome)
    return HitPublic.of(hit)


@router.post(
    "/retroactive/{entry_id}",
    summary="Match one hot-list entry against the reads still stored",
    response_model=RetroactiveResult,
    responses=_ERRORS,
    dependencies=requires(Permission.HOTLISTS_RETROACTIVE),
)
def retroactive(
    entry_id: str, services: ServicesDep, caller: CallerDep, basis: BasisDep
) -> Response:
    found = services.hotlist_matcher.match_stored(caller.requester, basis, entry_id)
    body = RetroactiveResult(
        entry_id=found.entry.id,
        hits=[
            RetroactiveHitPublic(hit=HitPublic.of(item.hit), read=ReadPublic.of(item.read))
            for item in found.hits
        ],
        truncated=found.truncated,
        searched_from=found.searched_from,
    )
    return _json(body)
