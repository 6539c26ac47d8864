"""One typed settings tree, read from a TOML file and ``PLATEKEEPER_*`` environment variables.

Environment variables win over the file; nested keys use ``__`` (``PLATEKEEPER_STORE__TYPE``).
Unknown keys are refused in both places, so a typo is an error rather than a silent default.
"""

from __future__ import annotations

from platekeeper.config.backends import (
    BACKEND_SECTIONS,
    DEFAULT_BACKENDS,
    ImageStoreSettings,
    LocalImageStoreSettings,
    PostgresStoreSettings,
    SqliteStoreSettings,
    StoreSettings,
)
from platekeeper.config.base import CONFIG_PATH_ENV, ENV_PREFIX, Section
from platekeeper.config.features import (
    AlertDestinationBase,
    AlertDestinationSettings,
    AlertSettings,
    HotlistSettings,
    MqttDestinationSettings,
    PolicySettings,
    RecognitionSettings,
    RetentionSettings,
    SharingSettings,
    TransparencySettings,
    WebhookDestinationSettings,
)
from platekeeper.config.frigate import FrigateSettings
from platekeeper.config.incidents import IncidentSettings
from platekeeper.config.sections import (
    DEFAULT_PURPOSES,
    AccessSettings,
    AccountSettings,
    AuditSettings,
    IngestSettings,
    PurposeSettings,
    ServerSettings,
    WebSettings,
)
from platekeeper.config.settings import Settings, load_settings

__all__ = [
    "BACKEND_SECTIONS",
    "CONFIG_PATH_ENV",
    "DEFAULT_BACKENDS",
    "DEFAULT_PURPOSES",
    "ENV_PREFIX",
    "AccessSettings",
    "AccountSettings",
    "AlertDestinationBase",
    "AlertDestinationSettings",
    "AlertSettings",
    "AuditSettings",
    "FrigateSettings",
    "HotlistSettings",
    "ImageStoreSettings",
    "IncidentSettings",
    "IngestSettings",
    "LocalImageStoreSettings",
    "MqttDestinationSettings",
    "PolicySettings",
    "PostgresStoreSettings",
    "PurposeSettings",
    "RecognitionSettings",
    "RetentionSettings",
    "Section",
    "ServerSettings",
    "Settings",
    "SharingSettings",
    "SqliteStoreSettings",
    "StoreSettings",
    "TransparencySettings",
    "WebSettings",
    "WebhookDestinationSettings",
    "load_settings",
]
