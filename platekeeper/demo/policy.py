"""The demo agency's usage and privacy policy: complete, under the California profile, so that
``platekeeper demo`` serves as a real agency would have to."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path

from platekeeper.config import Settings
from platekeeper.errors import ConfigError
from platekeeper.policy.effective import policy_path
from platekeeper.store.files import make_private_folders

_REVIEW_DATE = "@REVIEW_DATE@"
_TEXT = """\
# The demo agency's usage and privacy policy (Civil Code 1798.90.51(b)); docs/policy-file.md.
profiles = ["ca"]
custodian_title = "Chief of Police"

[agency]
id = "demo-pd"
name = "Demo Police Department"
state = "CA"
public_agency = true

[[purposes]]
code = "criminal-investigation"
category = "criminal-investigation"
description = "Investigation of a specific crime"

[[purposes]]
code = "stolen-vehicle"
category = "stolen-vehicle"
description = "Recovery of a stolen vehicle or plate"

[[purposes]]
code = "missing-person"
category = "missing-person"
description = "Locating a missing or endangered person (AMBER, Silver)"

[[purposes]]
code = "wanted-person"
category = "wanted-person"
description = "Locating a person with an outstanding warrant"

[[purposes]]
code = "alert-verification"
category = "alert-verification"
description = "Verifying a hot-list alert"

[[access]]
role = "officer"
job_titles = ["Police Officer", "Sergeant"]
training = "ALPR use and privacy course (4 hours), given by the training unit"
refresher_months = 12

[[access]]
role = "analyst"
job_titles = ["Crime Analyst", "Detective"]
training = "ALPR use and privacy course and the search module (8 hours)"
refresher_months = 12

[[access]]
role = "supervisor"
job_titles = ["Lieutenant", "Sergeant (investigations)"]
training = "ALPR use and privacy course and approvals (8 hours)"
refresher_months = 12

[[access]]
role = "custodian"
job_titles = ["Records Manager"]
training = "ALPR administration and privacy law (8 hours)"
refresher_months = 12

[[access]]
role = "auditor"
job_titles = ["Professional Standards Investigator"]
training = "ALPR audit procedures (4 hours)"
refresher_months = 12

[monitoring]
description = "Every access is logged with purpose and case; misuse signals reviewed weekly."
audit_schedule = "quarterly"
sample_size = 50

[sharing]
enabled = true
purposes = "Investigations of specific crimes by other California public agencies."
process = "A written request naming the case; the custodian approves each recipient."
restrictions = "California public agencies only; never for immigration enforcement."
entity_types = ["public-agency"]
states = ["CA"]
forbidden_purposes = []

[accuracy]
description = "Every alert is verified by eye against the image before any action."
correction_process = "A misread is marked by the verifying officer and excluded."

[retention]
destruction_process = "An hourly purge records what it deleted in the purge ledger."
review_date = @REVIEW_DATE@

[retention.classes.non-hit-reads]
max_age = "30 days"

[retention.classes.hit-reads]
max_age = "2 years"

[retention.classes.hotlist-entries]
max_age = "1 year"

[retention.classes.access-log]
max_age = "5 years"

[retention.classes.purge-ledger]
max_age = "5 years"

[public_comment]
body = "Demo City Council"
date = 2026-01-13
minutes_url = "https://example.org/council/2026-01-13/minutes"
"""


def demo_policy(review_date: date | None = None) -> str:
    """The demo policy's text, its retention review on ``review_date``: by default the next
    1 January, a date the check accepts whenever the demo runs (never passed, at most two years
    ahead), so that the demo and everything built on it do not expire on a fixed day."""
    when = review_date or date(datetime.now(UTC).year + 1, 1, 1)
    return _TEXT.replace(_REVIEW_DATE, when.isoformat())


DEMO_POLICY = demo_policy()


def ensure_demo_policy(settings: Settings) -> Path | None:
    """Write the demo policy where the settings look for one, unless a policy is already there;
    the path written, or None."""
    path = policy_path(settings)
    if path.exists():
        return None
    try:
        make_private_folders(path.parent)  # the data directory, if it is: 0700
        path.write_text(DEMO_POLICY, encoding="utf-8")
    except OSError as exc:
        raise ConfigError(
            f"cannot write the demo policy to {path}: {exc.strerror or exc}",
            hint="Choose a data directory PlateKeeper may write to (--data-dir).",
        ) from None
    return path
