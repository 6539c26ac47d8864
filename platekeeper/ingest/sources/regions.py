"""Region codes in every style vendors use, brought to PlateKeeper's one form: the ISO 3166-1
alpha-2 country in lower case, with the ISO 3166-2 subdivision after a dash (``us-ca``, ``pl``).

``us-ca``, ``US-CA``, ``us_ca`` and, from a source that reports US states bare, ``CA`` all
become ``us-ca``; ISO-3 (``POL``) and ISO numeric (``616``) country codes become ``pl``. A code
we cannot place is dropped rather than guessed: the read is kept, without a region.
"""

from __future__ import annotations

import re

# Two-letter codes as one string each: a list literal would take a line per state.
_US_STATES = frozenset(
    "al ak az ar ca co ct de dc fl ga hi id il in ia ks ky la me md ma mi mn ms mo mt ne nv nh nj"  # noqa: SIM905
    " nm ny nc nd oh ok or pa ri sc sd tn tx ut vt va wa wv wi wy as gu mp pr vi".split()
)
_CA_PROVINCES = frozenset("ab bc mb nb nl ns nt nu on pe qc sk yt".split())  # noqa: SIM905
_SUBDIVISIONS = {"us": _US_STATES, "ca": _CA_PROVINCES}

# (alpha-2, alpha-3, numeric) for the countries whose plates the sources we map report.
_COUNTRIES = (
    ("us", "usa", 840),
    ("ca", "can", 124),
    ("mx", "mex", 484),
    ("gb", "gbr", 826),
    ("ie", "irl", 372),
    ("fr", "fra", 250),
    ("de", "deu", 276),
    ("nl", "nld", 528),
    ("be", "bel", 56),
    ("lu", "lux", 442),
    ("ch", "che", 756),
    ("at", "aut", 40),
    ("it", "ita", 380),
    ("es", "esp", 724),
    ("pt", "prt", 620),
    ("pl", "pol", 616),
    ("cz", "cze", 203),
    ("sk", "svk", 703),
    ("hu", "hun", 348),
    ("ro", "rou", 642),
    ("bg", "bgr", 100),
    ("gr", "grc", 300),
    ("dk", "dnk", 208),
    ("se", "swe", 752),
    ("no", "nor", 578),
    ("fi", "fin", 246),
    ("ee", "est", 233),
    ("lv", "lva", 428),
    ("lt", "ltu", 440),
    ("si", "svn", 705),
    ("hr", "hrv", 191),
    ("rs", "srb", 688),
    ("ua", "ukr", 804),
    ("tr", "tur", 792),
    ("au", "aus", 36),
    ("nz", "nzl", 554),
    ("br", "bra", 76),
    ("ar", "arg", 32),
    ("cl", "chl", 152),
    ("co", "col", 170),
    ("za", "zaf", 710),
    ("in", "ind", 356),
    ("cn", "chn", 156),
    ("jp", "jpn", 392),
    ("kr", "kor", 410),
    ("ae", "are", 784),
    ("sa", "sau", 682),
    ("il", "isr", 376),
)
_ALPHA2 = frozenset(alpha2 for alpha2, _, _ in _COUNTRIES)
_BY_ALPHA3 = {alpha3: alpha2 for alpha2, alpha3, _ in _COUNTRIES}
_BY_NUMBER = {number: alpha2 for alpha2, _, number in _COUNTRIES}
_SPLIT = re.compile(r"[-_ ]")
# Full names, as Genetec's SharpV writes ``<State>`` by default (``California``).
_NAME_PAIRS = (
    "alabama=us-al alaska=us-ak arizona=us-az arkansas=us-ar california=us-ca colorado=us-co "
    "connecticut=us-ct delaware=us-de district_of_columbia=us-dc florida=us-fl georgia=us-ga "
    "hawaii=us-hi idaho=us-id illinois=us-il indiana=us-in iowa=us-ia kansas=us-ks "
    "kentucky=us-ky louisiana=us-la maine=us-me maryland=us-md massachusetts=us-ma "
    "michigan=us-mi minnesota=us-mn mississippi=us-ms missouri=us-mo montana=us-mt "
    "nebraska=us-ne nevada=us-nv new_hampshire=us-nh new_jersey=us-nj new_mexico=us-nm "
    "new_york=us-ny north_carolina=us-nc north_dakota=us-nd ohio=us-oh oklahoma=us-ok "
    "oregon=us-or pennsylvania=us-pa rhode_island=us-ri south_carolina=us-sc "
    "south_dakota=us-sd tennessee=us-tn texas=us-tx utah=us-ut vermont=us-vt virginia=us-va "
    "washington=us-wa west_virginia=us-wv wisconsin=us-wi wyoming=us-wy alberta=ca-ab "
    "british_columbia=ca-bc manitoba=ca-mb new_brunswick=ca-nb "
    "newfoundland_and_labrador=ca-nl nova_scotia=ca-ns northwest_territories=ca-nt "
    "nunavut=ca-nu ontario=ca-on prince_edward_island=ca-pe quebec=ca-qc saskatchewan=ca-sk "
    "yukon=ca-yt "
)
_NAMED = dict(pair.split("=", 1) for pair in _NAME_PAIRS.split())


def region_code(value: object, *, bare_subdivisions_of: str | None = None) -> str | None:
    """``value`` as ``cc`` or ``cc-sub``, or None when it names no region we know.

    ``bare_subdivisions_of`` is the country whose subdivisions the source sends bare (a US
    vendor's ``CA`` is California, not Canada).
    """
    if isinstance(value, bool) or value is None:
        return None
    text = str(value).strip().lower()
    named = _NAMED.get("_".join(text.replace(".", "").split()))
    if named is not None:
        return named
    if text.isdigit():
        return _BY_NUMBER.get(int(text))
    parts = _SPLIT.split(text)
    if len(parts) == 1 and bare_subdivisions_of is not None:
        parts = [bare_subdivisions_of, text] if _subdivision(bare_subdivisions_of, text) else parts
    if len(parts) > 2:
        return None
    country = _country(parts[0])
    if country is None or len(parts) == 1:
        return country
    return f"{country}-{parts[1]}" if _subdivision(country, parts[1]) else country


def _subdivision(country: str, code: str) -> bool:
    return code in _SUBDIVISIONS.get(country, ())


def _country(code: str) -> str | None:
    if code in _ALPHA2:
        return code
    if code == "uk":
        return "gb"
    return _BY_ALPHA3.get(code)
