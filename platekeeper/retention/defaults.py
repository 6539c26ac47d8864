"""Rules from the ``[retention]`` settings, for as long as the policy file sets none."""

from __future__ import annotations

from datetime import timedelta

from platekeeper.config import RetentionSettings
from platekeeper.domain.retention import DataClass, RetentionRule


def rules_from_settings(settings: RetentionSettings) -> dict[DataClass, RetentionRule]:
    """A ceiling for each read class whose days are set; a class left unset is kept."""
    days = {
        DataClass.NON_HIT_READS: settings.non_hit_read_days,
        DataClass.HIT_READS: settings.hit_read_days,
    }
    return {
        data_class: RetentionRule(data_class, timedelta(days=count), "settings [retention]")
        for data_class, count in days.items()
        if count is not None
    }
