"""Finding people's names in free text, from the census lists shipped in ``domain/names/``.

A name list alone flags half the language (Green, Park, Will, May are all names), so a name is
found only in the shapes people write names in:

- a given name before a surname: ``Jane Smith``, ``JANE SMITH``, ``Jane Q. Smith``;
- a surname, a comma and a given name: ``SMITH, JANE``;
- an initial before a surname: ``J. Smith``;
- a word that names a person's part (owner, driver, registered to, Mr.) before a given name or
  a surname: ``owner: j smith``, ``registered to Smith``.

The words of cars, colours, offenses and alerts (``ORDINARY_WORDS``) are never part of a name,
so that ``white Honda Civic``, ``Amber alert`` and ``Mercedes Benz`` pass. Street names are
found as addresses, not here.
"""

from __future__ import annotations

import functools
import gzip
import re
from collections.abc import Iterator
from dataclasses import dataclass
from importlib import resources


def _words(text: str) -> list[str]:
    return text.split()


ORDINARY_WORDS = frozenset(
    _words(
        """
    a an and are as at be but by for from has have he her his if in is it its me my no not
    of off on or our she so than that the their them then there they this to up us was we
    were will with you your can may might must shall would could should did do does done
    all any each few more most other some such only own same too very just now also back
    san santa los las el la saint fort port mount lake dress
    new old big small long short young tall heavy light dark
    white black silver gray grey red blue green brown tan gold beige maroon orange yellow
    purple pink burgundy bronze cream ivory copper teal navy lime olive ruby pearl
    amber alert alerts ashanti camille ebony feather silver-alert blue-alert
    honda toyota ford chevrolet chevy nissan dodge jeep bmw mercedes benz lincoln cadillac
    buick gmc kia hyundai mazda subaru tesla lexus acura infiniti audi volkswagen vw volvo
    chrysler ram mitsubishi porsche jaguar land rover mini fiat genesis scion saturn pontiac
    mercury plymouth oldsmobile hummer suzuki isuzu harley davidson yamaha kawasaki
    civic accord camry corolla mustang tahoe silverado altima sentra charger challenger
    wrangler cherokee malibu impala prius odyssey pilot explorer escape focus fusion ranger
    taurus caravan elantra sonata jetta passat golf outback forester tacoma tundra sierra
    yukon suburban escalade navigator durango journey patriot compass liberty pacifica
    rogue murano frontier titan versa maxima optima sorento soul rio forte camaro corvette
    cruze equinox traverse colorado canyon acadia enclave edge expedition transit f150
    model highlander rav4 4runner sequoia avalon sienna ridgeline crv hrv fit insight
    sedan coupe truck pickup van suv wagon hatchback convertible motorcycle trailer bus
    car cars vehicle vehicles plate plates tag tags auto motor
    stolen theft robbery burglary warrant wanted missing person persons child runaway
    endangered abducted kidnapping homicide murder assault battery arson fraud felony
    misdemeanor suspect suspects victim witness gang narcotics drug drugs dui hit run
    investigation case incident report bolo attempt locate lookout caution armed dangerous
    bank store shop school church hospital mall dealer parole probation sex offender
    protective order court judge sheriff police
    officer deputy agency department county city state federal ncic clets doj fbi
    street st avenue ave road rd lane ln drive dr court ct way place pl boulevard blvd
    highway hwy park parkway lot north south east west northbound southbound eastbound
    westbound main center central lake river hill hills valley mountain beach bay
    january february march april june july august september october november december
    monday tuesday wednesday thursday friday saturday sunday day week month year
    one two three four five six seven eight nine ten first last next
    owner driver passenger occupant registered unknown male female man woman boy girl
    """
    )
)
"""Words of plates, cars, offenses and places, never counted as part of a name."""

PERSON_WORDS = frozenset(
    _words(
        """
    owner owners driver drivers passenger occupant suspect subject name named aka a.k.a
    ro r/o registered registrant wife husband girlfriend boyfriend ex ex-wife ex-husband
    mother father son daughter brother sister spouse partner friend neighbor neighbour
    mr mr. mrs mrs. ms ms. miss dr dr. victim witness tenant employee
    """
    )
)
"""Words after which a given name or a surname names a person: ``owner: Smith``."""

PLACE_WORDS = frozenset(
    _words(
        """
    street st avenue ave road rd lane ln drive dr court ct way place pl boulevard blvd
    highway hwy parkway pkwy park square plaza school elementary academy college university
    hospital church center centre library memorial bridge station airport
    """
    )
)
"""Words after a name that make it the name of a street or a building, not of a person."""

_TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr"})
_BETWEEN_LABEL = frozenset({"is", "to", "by", "was", "named", "name", "of", "the", "a"})
_TOKEN = re.compile(r"[^\W\d_](?:[^\W\d_]|['\u2019-](?=[^\W\d_]))*\.?")


@dataclass(frozen=True, slots=True)
class _Token:
    word: str
    """Lower case, without a trailing period."""
    start: int
    end: int
    period: bool
    comma_after: bool
    capital: bool

    @property
    def initial(self) -> bool:
        return len(self.word) == 1


@functools.cache
def given_names() -> frozenset[str]:
    text = resources.files(__package__).joinpath("names/given.txt").read_text("utf-8")
    return frozenset(text.split()) - ORDINARY_WORDS


@functools.cache
def surnames() -> frozenset[str]:
    packed = resources.files(__package__).joinpath("names/surnames.txt.gz").read_bytes()
    return frozenset(gzip.decompress(packed).decode("utf-8").split()) - ORDINARY_WORDS


def find_names(text: str) -> Iterator[tuple[int, int]]:
    """The ``(start, end)`` of every person's name in ``text``, in order, not overlapping."""
    tokens = list(_tokens(text))
    index = 0
    while index < len(tokens):
        span = _name_at(tokens, index)
        if span is None:
            index += 1
            continue
        first, last = span
        if not _names_a_place(tokens[last + 1 : last + 4]):
            yield tokens[first].start, tokens[last].end
        index = last + 1


def _names_a_place(following: list[_Token]) -> bool:
    """Whether the words after a name make it a place's: ``Martin Luther King Jr Blvd``."""
    return any(token.word in PLACE_WORDS for token in following)


def _tokens(text: str) -> Iterator[_Token]:
    matches = list(_TOKEN.finditer(text))
    for number, match in enumerate(matches):
        raw = match.group()
        period = raw.endswith(".")
        end = match.end() - (1 if period else 0)
        following = matches[number + 1].start() if number + 1 < len(matches) else len(text)
        gap = text[match.end() : following]
        word = re.sub(r"['\u2019]s$", "", raw.rstrip(".").lower())
        yield _Token(word, match.start(), end, period, "," in gap, raw[0].isupper())


def _name_at(tokens: list[_Token], index: int) -> tuple[int, int] | None:
    """The first and last token of a name found at ``index``, or None."""
    first = tokens[index]
    rest = tokens[index + 1 :]
    if first.word in PERSON_WORDS:
        return _after_label(first, rest, index + 1)
    length = _shaped_name(first, rest)
    return None if length == 0 else (index, index + length - 1)


def _shaped_name(first: _Token, rest: list[_Token]) -> int:
    """How many tokens from ``first`` make a name by its shape alone (0: none)."""
    if not rest:
        return 0
    second = rest[0]
    if _given(first) and not first.comma_after:
        if _surname(second) and not second.initial:
            return 2
        if second.initial and len(rest) > 1 and _surname(rest[1]):
            return 3
    if (
        first.comma_after
        and _surname(first)
        and (_given(second) or (second.initial and second.period))
    ):
        return 2
    if first.initial and first.period and _surname(second) and not second.initial:
        return 2
    return 0


def _after_label(label: _Token, rest: list[_Token], at: int) -> tuple[int, int] | None:
    """The name after a person word (``owner: j smith``, ``Mr. Jones``, ``registered to
    Smith``) as its first and last token, ``rest`` starting at token ``at``; the person word
    itself is not part of it."""
    skip = 0
    while skip < len(rest) and rest[skip].word in _BETWEEN_LABEL:
        skip += 1
    named = 0
    for token in rest[skip : skip + 3]:
        if token.word in ORDINARY_WORDS or not (
            _given(token) or _surname(token) or token.initial or _titled(label, token)
        ):
            break
        named += 1
        if token.comma_after:
            break
    if named == 0 or all(token.initial for token in rest[skip : skip + named]):
        return None
    return at + skip, at + skip + named - 1


def _titled(label: _Token, token: _Token) -> bool:
    """Any capitalised word after Mr., Mrs., Ms., Miss or Dr. is a name."""
    return label.word in _TITLES and token.capital


def _given(token: _Token) -> bool:
    return token.word in given_names()


def _surname(token: _Token) -> bool:
    return token.word in surnames()
