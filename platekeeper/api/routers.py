"""What the API brings to the app: its routers, its description in the OpenAPI document, and
the bodies its ingest routes parse themselves."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from platekeeper.api.routes import (
    accounts,
    alerts,
    approvals,
    audit,
    complaints,
    corrections,
    edge,
    hits,
    hotlists,
    incidents,
    lookups,
    passkeys,
    policy,
    reads,
    records_requests,
    reports,
    retention,
    scim,
    second_factor,
    session,
    sharing,
    sources,
    system,
)
from platekeeper.api.schemas.reads import ReadBatchCreate, ReadCreate

DESCRIPTION = """\
PlateKeeper receives licence plate reads from cameras and keeps them under the law's rules.

People sign in (`POST /api/v1/auth/login`, a session cookie plus an `X-CSRF-Token` header on
every request that changes something) or send an API token (`Authorization: Bearer pkt_...`).
Cameras authenticate with their ingest key (`Authorization: Bearer pkc_...`); an agency's
directory provisions its people through SCIM 2.0 under `/scim/v2` with the provisioning token a
custodian issued it (`Authorization: Bearer pkp_...`), and SCIM routes answer SCIM errors.
Every operation names the permission it needs (`x-permission`); look-ups of plate data also
need an authorised `purpose` and a `case_number`, and every access, allowed or refused, is
written to the access log.

Posting a read is idempotent on the camera's `client_read_id` with its `captured_at`: a retry
returns the stored read's id and status `duplicate`, never a second read; the same pair with
other content is a `409 conflict`. Every error outside `/scim/v2` is an RFC 9457 problem detail
(`application/problem+json`) with a stable `code`.
"""

ROUTERS: tuple[APIRouter, ...] = (
    reads.router,
    edge.router,
    sources.router,
    lookups.router,
    alerts.router,
    approvals.router,
    hotlists.router,
    hits.router,
    accounts.router,
    audit.router,
    sharing.router,
    policy.router,
    session.router,
    second_factor.router,
    passkeys.router,
    system.router,
    retention.router,
    reports.router,
    incidents.router,
    records_requests.router,
    complaints.router,
    corrections.router,
    scim.router,
)

# The ingest routes read their bodies within limits themselves (api/body.py), so FastAPI never
# sees these models; the OpenAPI document lists them all the same.
PARSED_BODIES: tuple[type[BaseModel], ...] = (ReadCreate, ReadBatchCreate)
