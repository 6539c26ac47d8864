"""Plate formats as data: expansion, matching, look-alike fixes only where a format needs them."""

from __future__ import annotations

import pytest

from platekeeper.errors import InvalidInput
from platekeeper.recognition.formats import expand, format_book


def first(_: int, allowed: str) -> str:
    return allowed[0]


def test_repeats_expand_to_every_length() -> None:
    assert sorted(expand("L{1,2}D{2}")) == ["LDD", "LLDD"]
    assert list(expand("LLDDDLL")) == ["LLDDDLL"]


def test_a_malformed_format_is_refused() -> None:
    with pytest.raises(ValueError, match="bad plate format"):
        list(expand("LX{2}"))


def test_every_format_in_the_table_is_well_formed() -> None:
    for region in ("us", "eu", "br", "auto"):
        book = format_book(region)
        assert book.by_length, region


def test_unknown_region_is_a_user_error() -> None:
    with pytest.raises(InvalidInput, match="unknown plate region"):
        format_book("mars")


def test_mercosur_and_old_brazilian_plates_match() -> None:
    book = format_book("br")
    assert book.matches("BRA2E19") == ["br-mercosur"]
    assert book.matches("ABC1234") == ["br"]


def test_confusables_are_fixed_where_the_format_needs_the_other_class() -> None:
    book = format_book("br")
    fit = book.fit("BRA2El9".upper().replace("L", "1"), first)
    assert fit is not None
    assert (fit.text, fit.fixes) == ("BRA2E19", 0)
    fit = book.fit("8RA2E19", first)  # a B read as 8 in a letter position
    assert fit is not None
    assert (fit.text, fit.fixes) == ("BRA2E19", 1)


def test_characters_that_look_like_nothing_else_are_not_forced() -> None:
    assert format_book("br").fit("XRAYE19", first) is None


def test_us_serials_read_unused_letters_as_digits_when_mixed() -> None:
    book = format_book("us")
    assert book.prefer_digits("7ABC1O3", first) == "7ABC103"
    assert book.prefer_digits("HOLIDAY", first) == "HOLIDAY"  # a vanity plate stays


def test_an_edge_character_is_trimmed_only_to_reach_a_format() -> None:
    book = format_book("br")
    assert book.trimmed("1BRA2E19") == "BRA2E19"
    assert book.trimmed("BRA2E19") is None
    assert book.trimmed("QQQQQQQQ") is None


def test_state_names_are_known_not_to_be_plates() -> None:
    book = format_book("us")
    assert "CALIFORNIA" in book.not_plates
    assert book.region_words["TEXAS"] == "us-tx"
