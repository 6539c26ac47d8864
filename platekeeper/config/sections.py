"""The core sections: server, ingest, accounts, access and the access log."""

from __future__ import annotations

from collections.abc import Mapping
from ipaddress import ip_network
from pathlib import Path
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from platekeeper.config.base import Section
from platekeeper.config.passkeys import passkey_origin, passkey_rp_id
from platekeeper.domain.purposes import (
    CaseNumberFormat,
    PurposeCatalogue,
    PurposeCategory,
    SearchPurpose,
)
from platekeeper.errors import InvalidInput


class ServerSettings(Section):
    host: str = Field(default="127.0.0.1", description="Address the app listens on.")
    port: int = Field(default=8080, ge=1, le=65535, description="TCP port the app listens on.")
    tls_certificate: Path | None = Field(
        default=None,
        description="PEM certificate chain to serve HTTPS with (with tls_key); reloaded when the "
        "file changes. 'platekeeper tls self-signed' makes one for a lab.",
    )
    tls_key: Path | None = Field(
        default=None, description="PEM private key of tls_certificate, readable by the server only."
    )
    tls_reload_interval_s: int = Field(
        default=5,
        ge=1,
        le=3600,
        description="How often the certificate and key files are checked for a change.",
    )
    hsts_max_age_s: int = Field(
        default=31_536_000,
        ge=0,
        le=63_072_000,
        description="How long browsers keep to HTTPS after an answer over it "
        "(Strict-Transport-Security); never sent over plain HTTP. 0 makes them forget.",
    )
    behind_proxy: tuple[str, ...] = Field(
        default=(),
        max_length=100,
        description="Addresses or networks (CIDR) of the reverse proxies that end TLS in front of "
        "the app: only from these peers are X-Forwarded-For, X-Forwarded-Proto and Forwarded "
        "believed. Empty: the headers are ignored, and plain HTTP is served on loopback only.",
    )

    @field_validator("behind_proxy")
    @classmethod
    def _networks(cls, proxies: tuple[str, ...]) -> tuple[str, ...]:
        for proxy in proxies:
            try:
                network = ip_network(proxy, strict=False)
            except ValueError:
                raise ValueError(
                    f"{proxy!r} is not an IP address or network (e.g. 10.0.0.5 or 10.0.0.0/24)"
                ) from None
            if network.prefixlen == 0:
                raise ValueError(
                    f"{proxy!r} is every address: anyone could then claim any client address; "
                    "name the proxies themselves"
                )
        return proxies

    @model_validator(mode="after")
    def _certificate_with_key(self) -> ServerSettings:
        if (self.tls_certificate is None) != (self.tls_key is None):
            raise ValueError("tls_certificate and tls_key go together: set both, or neither")
        return self


class WebSettings(Section):
    lock_after_idle_minutes: int = Field(
        default=15,
        ge=1,
        le=720,
        description="Every page covers itself with a lock screen after this many minutes "
        "without input; only the person's password or second factor unlocks it (CJIS AC-11). "
        "The alert screen keeps listening and counts new alerts without showing them, and "
        "stays locked while it listens (up to accounts.session_max_hours); any other session "
        "still ends after accounts.session_idle_minutes.",
    )
    map_tile_url: str | None = Field(
        default=None,
        description="A map tile server for the web pages, as https://host/{z}/{x}/{y}.png; "
        "the browser fetches its tiles. Unset (and no map_tiles_file), maps are drawn offline "
        "on a grid of latitude and longitude, without streets.",
    )
    map_tiles_file: Path | None = Field(
        default=None,
        description="The agency's MBTiles file of raster map tiles (png, jpg or webp), served by "
        "PlateKeeper itself at /map/tiles: maps with streets and no internet. Checked at start; "
        "set this or map_tile_url, not both.",
    )
    map_tile_attribution: str = Field(
        default="",
        max_length=200,
        description="Whom the tiles of map_tile_url must credit, shown under every map, e.g. "
        "'© OpenStreetMap contributors'. An MBTiles file's own attribution is shown without it.",
    )

    @field_validator("map_tile_url")
    @classmethod
    def _tile_template(cls, url: str | None) -> str | None:
        if url is None:
            return None
        if not url.startswith(("https://", "http://")):
            raise ValueError("the tile URL must start with https:// or http://")
        missing = [part for part in ("{z}", "{x}", "{y}") if part not in url]
        if missing:
            raise ValueError(f"the tile URL lacks {', '.join(missing)}")
        return url

    @model_validator(mode="after")
    def _one_tile_source(self) -> WebSettings:
        if self.map_tile_url is not None and self.map_tiles_file is not None:
            raise ValueError(
                "map_tile_url and map_tiles_file are two sources of tiles: set one, or neither"
            )
        return self


class IngestSettings(Section):
    max_batch_reads: int = Field(
        default=1000, ge=1, le=10_000, description="Most reads in one batch request."
    )
    max_image_bytes: int = Field(
        default=8 * 1024 * 1024, ge=1024, le=64 * 1024 * 1024, description="Largest image."
    )
    max_request_bytes: int = Field(
        default=256 * 1024 * 1024,
        ge=1024 * 1024,
        le=4 * 1024 * 1024 * 1024,
        description="Largest request body, images included.",
    )
    max_clock_skew_s: int = Field(
        default=300,
        ge=0,
        le=86_400,
        description="How far in the future a capture time may lie before it is refused.",
    )
    max_capture_age_days: int = Field(
        default=30,
        ge=1,
        le=3650,
        description="Reads captured longer ago than this are refused (a camera's backlog).",
    )


DEFAULT_SYSTEM_USE_NOTICE = (
    "You are accessing a criminal justice information system. It holds automated licence "
    "plate reader records and hot lists that are criminal justice information, for authorised "
    "users and authorised purposes only. Your use is monitored, recorded and audited; by "
    "signing in you consent to that. Unauthorised use, or use beyond your authorisation, is "
    "prohibited and may be punished under criminal and civil law, and lead to disciplinary "
    "action."
)
"""CJIS AC-8's points: a CJI system, monitored and recorded, unauthorised use prohibited and
punishable. An agency replaces it with its own words (accounts.system_use_notice)."""


class AccountSettings(Section):
    max_idle_days: int = Field(
        default=90,
        ge=1,
        le=365,
        description="An account unused this many days suspends itself; a custodian reactivates it.",
    )
    training_valid_days: int = Field(
        default=365,
        ge=30,
        le=1095,
        description="How long completed training counts when no expiry date is given.",
    )
    lockout_failures: int = Field(
        default=5,
        ge=3,
        le=20,
        description="Failed sign-ins (passwords, second-factor codes, unlocking a locked "
        "screen) within lockout_window_minutes that lock a username (CJIS AC-7).",
    )
    lockout_window_minutes: int = Field(
        default=15,
        ge=1,
        le=1440,
        description="The window in which lockout_failures failures lock a username.",
    )
    lockout_release: Literal["administrator", "after_period"] = Field(
        default="administrator",
        description="How a locked username is released: 'administrator', only by a custodian "
        "of its agency ('platekeeper user unlock', the people page, the API), as CJIS AC-7 "
        "asks; or 'after_period', by itself after lockout_minutes.",
    )
    lockout_minutes: int = Field(
        default=15,
        ge=1,
        le=1440,
        description="How long a locked client address stays locked; and a locked username "
        "too where lockout_release is 'after_period'.",
    )
    address_lockout_failures: int = Field(
        default=20,
        ge=5,
        le=1000,
        description="Failed sign-ins from one client address, across usernames, within "
        "lockout_window_minutes that stop that address signing in for lockout_minutes: it "
        "slows down someone locking other people out by typing their usernames.",
    )
    system_use_notice: str = Field(
        default=DEFAULT_SYSTEM_USE_NOTICE,
        min_length=20,
        max_length=4000,
        description="The system-use notification (CJIS AC-8) shown on every sign-in page and "
        "in the API's login answer.",
    )
    recent_change_days: int = Field(
        default=30,
        ge=1,
        le=3650,
        description="Who created an account, set its password or changed its roles approves "
        "nothing of it, nor of its holder, for this many days (and the other way round).",
    )
    webauthn_rp_id: str = Field(
        default="localhost",
        min_length=1,
        max_length=253,
        description="The domain name people reach the server under, as passkeys are bound to "
        "it (WebAuthn relying party id), e.g. 'alpr.example.gov'. Never taken from a request: "
        "a passkey registered under one name does not work under another.",
    )
    webauthn_rp_name: str = Field(
        default="PlateKeeper",
        min_length=1,
        max_length=64,
        description="The name a browser shows when it asks for a passkey.",
    )
    webauthn_origins: tuple[str, ...] = Field(
        default=("https://localhost:8080", "http://localhost:8080"),
        min_length=1,
        description="The exact origins (scheme://host[:port]) of the pages a passkey is used "
        "from; each host is webauthn_rp_id or below it, and plain http is for localhost only.",
    )
    session_idle_minutes: int = Field(
        default=30, ge=5, le=720, description="A session unused this long ends."
    )
    session_max_hours: int = Field(
        default=12, ge=1, le=24, description="A session ends this long after login, used or not."
    )
    password_min_length: int = Field(
        default=12,
        ge=8,
        le=24,
        description="Shortest password accepted (NIST SP 800-63B: 8 with a second factor, 15 "
        "for a password used alone). Passwords the web page makes are 24 characters.",
    )
    api_token_default_days: int = Field(
        default=30,
        ge=1,
        le=730,
        description="Lifetime of an API token when its issuer names none; at most "
        "api_token_max_days.",
    )
    api_token_max_days: int = Field(
        default=90,
        ge=1,
        le=730,
        description="Longest lifetime of an API token: a quarter, so every token is renewed at "
        "least at each quarterly access review.",
    )
    second_factor_required: bool = Field(
        default=True,
        description="Every person signs in with a second factor besides the password (CJIS "
        "5.9.5, IA-2(1)/(2)): a TOTP code or a passkey; one without enrols one at sign-in, and "
        "API tokens of a person without one are refused.",
    )
    second_factor_key_path: Path | None = Field(
        default=None,
        description="Key that seals TOTP secrets in the database; defaults to "
        "keys/second-factors.key in the data directory, made on first use. Keep a copy with the "
        "backups of the database: without it every TOTP factor must be enrolled again.",
    )
    totp_issuer: str = Field(
        default="PlateKeeper",
        min_length=1,
        max_length=40,
        description="The name authenticator apps show beside a person's TOTP entry.",
    )
    cookie_secure: bool = Field(
        default=True,
        description="Send the session cookie over HTTPS only. Browsers treat localhost as secure; "
        "turn off only for plain-HTTP tests on another host.",
    )

    @model_validator(mode="after")
    def _check_token_days(self) -> AccountSettings:
        if self.api_token_default_days > self.api_token_max_days:
            raise ValueError(
                f"api_token_default_days ({self.api_token_default_days}) is longer than "
                f"api_token_max_days ({self.api_token_max_days})"
            )
        return self

    @field_validator("webauthn_rp_id")
    @classmethod
    def _rp_id(cls, rp_id: str) -> str:
        return passkey_rp_id(rp_id)

    @model_validator(mode="after")
    def _origins(self) -> AccountSettings:
        for origin in self.webauthn_origins:
            passkey_origin(origin, self.webauthn_rp_id)
        return self


class PurposeSettings(Section):
    code: str = Field(description="Stable code, e.g. 'stolen-vehicle'.")
    label: str = Field(description="What the purpose means, as the usage policy states it.")
    category: PurposeCategory = Field(
        description="The kind of matter, from a closed list (docs/policy.md); a jurisdiction "
        "forbids categories, whatever the code."
    )


def _purpose(code: str, label: str, category: PurposeCategory) -> PurposeSettings:
    return PurposeSettings(code=code, label=label, category=category)


DEFAULT_PURPOSES = (
    _purpose(
        "criminal-investigation",
        "Investigation of a specific crime",
        PurposeCategory.CRIMINAL_INVESTIGATION,
    ),
    _purpose(
        "stolen-vehicle", "Recovery of a stolen vehicle or plate", PurposeCategory.STOLEN_VEHICLE
    ),
    _purpose(
        "missing-person",
        "Locating a missing or endangered person (AMBER, Silver)",
        PurposeCategory.MISSING_PERSON,
    ),
    _purpose(
        "wanted-person",
        "Locating a person with an outstanding warrant",
        PurposeCategory.WANTED_PERSON,
    ),
    _purpose(
        "alert-verification", "Verifying a hot-list alert", PurposeCategory.ALERT_VERIFICATION
    ),
)


class AccessSettings(Section):
    purposes: tuple[PurposeSettings, ...] = Field(
        default=DEFAULT_PURPOSES,
        min_length=1,
        description="The authorised purposes; every access to ALPR data names one.",
    )
    case_number_pattern: str = Field(
        default=r"[0-9]{4}-[0-9]{4,8}",
        description="Regular expression a case or incident number must match in full.",
    )
    case_number_example: str = Field(
        default="2026-000123", description="A case number that the pattern accepts, for hints."
    )
    approval_beyond_days: int | None = Field(
        default=None,
        ge=1,
        le=3650,
        description="Searches reaching further back than this many days need a supervisor's "
        "approval; unset, none do.",
    )
    approval_valid_hours: int = Field(
        default=72, ge=1, le=720, description="How long a supervisor's approval can be used."
    )
    max_results: int = Field(
        default=500, ge=1, le=10_000, description="Most reads one search or export returns."
    )

    @model_validator(mode="after")
    def _check_catalogue(self) -> AccessSettings:
        # The domain's own checks say what is wrong with a code or a pattern.
        try:
            self.catalogue()
        except InvalidInput as exc:
            raise ValueError(exc.message) from None
        codes = [p.code for p in self.purposes]
        if len(set(codes)) != len(codes):
            raise ValueError("purpose codes repeat")
        return self

    # Set by the composition root from the policy's profiles, never by configuration: the law
    # that applies is not a setting an operator can turn off.
    _forbidden: dict[PurposeCategory, str] = PrivateAttr(default_factory=dict)

    def forbidding(self, forbidden: Mapping[PurposeCategory, str]) -> AccessSettings:
        """These settings with the categories the applicable law forbids, each with the law."""
        copy = self.model_copy()
        copy._forbidden = dict(forbidden)
        return copy

    def catalogue(self) -> PurposeCatalogue:
        return PurposeCatalogue(
            [SearchPurpose(p.code, p.label, p.category) for p in self.purposes],
            CaseNumberFormat(self.case_number_pattern, self.case_number_example),
            self._forbidden,
        )


class AuditSettings(Section):
    signing_key_path: Path | None = Field(
        default=None,
        description="Ed25519 private key that signs access-log checkpoints; defaults to "
        "keys/access-log.ed25519 in the data directory, made on first use.",
    )
    checkpoint_interval_s: int = Field(
        default=60,
        ge=10,
        le=86_400,
        description="How often the server signs a checkpoint of the access log, if it grew.",
    )
    checkpoint_every_entries: int = Field(
        default=100,
        ge=1,
        le=100_000,
        description="The server also signs a checkpoint as soon as this many entries were "
        "appended since the last one, whichever comes first.",
    )
    retention_days: int = Field(
        default=1826,
        ge=365,
        le=36_500,
        description="How long access-log entries are kept; reads' purges never touch them.",
    )
    timezone: str = Field(
        default="UTC",
        description="The time zone of the unusual-hours signal for entries of no registered "
        "agency; each agency's people are counted in their agency's own time zone.",
    )
    working_hours: tuple[int, int] = Field(
        default=(6, 22),
        description="Searches outside [start, end) local hours are flagged as unusual.",
    )
    repeat_searches: int = Field(
        default=3,
        ge=2,
        le=100,
        description="Searches for one plate by one user within repeat_window_days that are "
        "flagged.",
    )
    repeat_window_days: int = Field(default=7, ge=1, le=365, description="See repeat_searches.")
    purpose_reuse: int = Field(
        default=5,
        ge=2,
        le=1000,
        description="Distinct plates searched by one user under one case number that are flagged.",
    )
    case_volume: int = Field(
        default=20,
        ge=2,
        le=10_000,
        description="Look-ups of one plate by one user under one case number on one day that "
        "still count as one piece of work for repeated_searches; more count one by one.",
    )
    shared_case_people: int = Field(
        default=3,
        ge=2,
        le=1000,
        description="Different people naming one case number that are flagged (a number "
        "passed around or copied rather than a case being worked).",
    )
    follow_up_days: int = Field(
        default=30,
        ge=1,
        le=365,
        description="A case searched but never touched again within this many days is flagged.",
    )
    vehicle_repeat_days: int = Field(
        default=3,
        ge=2,
        le=365,
        description="Distinct days on which one user looked up one plate (search, vehicle "
        "history, retroactive match) that are flagged as a repeated vehicle history.",
    )
    vehicle_repeat_cases: int = Field(
        default=2,
        ge=2,
        le=100,
        description="Distinct case numbers one user gave to look up one plate that are flagged.",
    )
    pattern_searches: int = Field(
        default=5,
        ge=2,
        le=1000,
        description="Partial-plate (wildcard), misread-tolerant or area searches by one user "
        "within repeat_window_days that are flagged as pattern searching.",
    )
    plate_sweep: int = Field(
        default=10,
        ge=2,
        le=10_000,
        description="Distinct plates one user looked up within plate_sweep_hours, across cases, "
        "that are flagged.",
    )
    plate_sweep_hours: int = Field(default=24, ge=1, le=720, description="See plate_sweep.")
    retroactive_matches: int = Field(
        default=10,
        ge=2,
        le=10_000,
        description="Retroactive matches by one user within repeat_window_days that are flagged.",
    )
    own_entry_matches: int = Field(
        default=1,
        ge=1,
        le=100,
        description="Retroactive matches of hot-list entries the same user listed that are "
        "flagged (a person listing a plate and looking back at where it was).",
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {name!r}; use an IANA name") from None
        return name

    @field_validator("working_hours")
    @classmethod
    def _hours_in_a_day(cls, hours: tuple[int, int]) -> tuple[int, int]:
        start, end = hours
        if not 0 <= start < end <= 24:
            raise ValueError("give [start, end] hours with 0 <= start < end <= 24")
        return hours
