"""Finding criminal charges and criminal-justice information (CJI) in free text.

The State Auditor (report 2019-118, recommendations 2 and 42) asked agencies to say what officers
may upload, naming CLETS information. A hot-list entry says which car is wanted and why; a
person's charges, convictions, probation and rap sheet belong in the case file and in CLETS
itself, whose rules forbid copying its returns into other systems. Three shapes give them away:

- a statute section cited as a charge: ``PC 245(a)(1)``, ``23152(a) VC``, ``H&S 11350``,
  ``18 U.S.C. § 922(g)``, ``720 ILCS 5/12-3``, ``Penal Code section 187``;
- a charge said of a person: ``arrested for``, ``charged with``, ``convicted of``, ``booked
  for``, ``on probation for``, ``parolee``;
- a criminal-history marker: ``rap sheet``, ``CII number``, ``FBI number``, ``NCIC hit``,
  ``CLETS``, ``wants/warrants returned``, ``criminal history``.

What a car is wanted for is not a charge: ``stolen vehicle``, ``AMBER alert``, ``felony warrant
vehicle`` and ``NCIC stolen plate`` name no statute, no person's record and no CLETS return.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from enum import StrEnum


class CriminalRecordKind(StrEnum):
    CHARGE = "criminal charge"
    HISTORY = "criminal-history record"


_CODES = (
    r"p\.?\s?c|v\.?\s?c|h\s?&\s?s|h\.?\s?s|b\s?&\s?p|w\s?&\s?i|w\.?\s?i|f\.?\s?g|c\.?\s?c\.?\s?r"
    r"|penal(?:\s+code)?|vehicle\s+code|veh\.?\s+code|health\s+(?:and|&)\s+safety(?:\s+code)?"
    r"|business\s+(?:and|&)\s+professions(?:\s+code)?|welfare\s+(?:and|&)\s+institutions"
    r"(?:\s+code)?|fish\s+(?:and|&)\s+game(?:\s+code)?|ilcs"
)
_SECTION = r"\d{2,6}(?:\.\d{1,3})?(?:\s?\([a-z0-9]{1,3}\)){0,4}"
_SECTION_WORD = r"(?:§{1,2}|sec(?:tion)?\.?|s\.)"
_CITATIONS = (
    # PC 245(a)(1), VC 23152, H&S 11350, Penal Code § 187, Penal Code section 187
    rf"\b(?:{_CODES})\.?\s*{_SECTION_WORD}?\s*{_SECTION}(?!\w|\.\d)",
    # 245(a)(1) PC, 23152 VC, 11350 H&S
    rf"(?<![\w.-]){_SECTION}\s*(?:{_CODES})\b",
    # section 187 of the Penal Code
    rf"\b{_SECTION_WORD}\s*{_SECTION}\s+of\s+the\s+(?:{_CODES})\b",
    # 18 U.S.C. § 922(g), 8 USC 1326, 21 U.S.C. 841
    rf"\b\d{{1,2}}\s*u\.?\s?s\.?\s?c\.?(?:\s?a\.?)?\s*{_SECTION_WORD}?\s*{_SECTION}",
    # 720 ILCS 5/12-3
    r"\b\d{1,3}\s*ilcs\s*\d{1,3}/\d[\w.-]*",
    # a bare section mark before a number: § 245
    rf"§{{1,2}}\s*{_SECTION}",
)
_CHARGE_WORDS = (
    r"arrest(?:ed)?\s+(?:for|on)|charged\s+(?:with|for)|charges\s+(?:of|for|include)"
    r"|convicted\s+(?:of|for)|convictions?\s+(?:of|for)|prior\s+convictions?"
    r"|booked\s+(?:for|on|into)|indicted\s+(?:for|on)|pl(?:ed|eaded)\s+(?:guilty|no\s+contest)"
    r"|on\s+(?:probation|parole)|(?:felony|misdemeanor|formal|summary)\s+probation"
    r"|parolee|probationer|sentenced\s+(?:to|for)|served\s+time|ex-?con(?:vict)?"
    r"|registered\s+sex\s+offender|sex\s+offender\s+registr\w*|290\s+registrant"
)
_HISTORY_WORDS = (
    r"rap\s*sheets?|cii\s*(?:number|no\.?|num|#)|cii\s*[:#]?\s*[a-z]?\d{6,}"
    r"|fbi\s*(?:number|no\.?|num|#)|fbi\s*[:#]\s*\w+|ucn\s*(?:number|no\.?|#)"
    r"|ncic\s+(?:hits?|returns?|iii|criminal)|clets|cjis?\b|cori\b|triple\s*i\b"
    r"|criminal\s+justice\s+information|criminal\s+(?:history|record|background)s?"
    r"|wants\s*(?:/|and|&|\+)\s*warrants|warrants?\s+(?:check\s+)?returned"
    r"|doj\s+(?:record|history)|rap\s+back|record\s+check\s+returned"
)
_PATTERNS = (
    *((CriminalRecordKind.CHARGE, re.compile(p, re.IGNORECASE)) for p in _CITATIONS),
    (CriminalRecordKind.CHARGE, re.compile(rf"\b(?:{_CHARGE_WORDS})\b", re.IGNORECASE)),
    (CriminalRecordKind.HISTORY, re.compile(rf"\b(?:{_HISTORY_WORDS})", re.IGNORECASE)),
)


def find_criminal_records(text: str) -> Iterator[tuple[CriminalRecordKind, int, int]]:
    """Each charge or criminal-history marker in ``text``: its kind, start and end."""
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(text):
            yield kind, match.start(), match.end()
