"""coverage.text: user text made safe for XML files, messages and terminals."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from coverage.text import QUOTE_CHARS, clean_title, quoted, shorten, terminal_safe, xml_invalid


@pytest.mark.parametrize(
    "char", ["\x00", "\x08", "\x0b", "\x0c", "\x1b", "\x7f", "\ufffe", "\uffff", "\ud800"]
)
def test_characters_xml_cannot_hold_are_found(char):
    assert xml_invalid(f"Kars{char}") == f"U+{ord(char):04X}"


@pytest.mark.parametrize("text", ["Kars", "İzmir\tx\ny", "Τουρκία", "emoji 🛰", "\u2060@"])
def test_text_xml_can_hold_passes_and_really_parses(text):
    assert xml_invalid(text) is None
    ET.fromstring(f"<t>{text.replace('<', '&lt;')}</t>")


def test_titles_from_the_command_line_are_cleaned_and_capped():
    assert clean_title("A\x0bB\x1b[31mC\u009b", 200) == "A B [31mC"
    assert clean_title("x" * 131_000, 200) == "x" * 200
    assert clean_title("  two   words \n", 200) == "two words"
    undecodable = b"Ank\xffara".decode("utf-8", "surrogateescape")  # what argv holds for bad bytes
    assert clean_title(undecodable, 200) == "Ank\ufffdara"
    assert xml_invalid(clean_title("\ud800lone", 200)) is None


def test_messages_quote_at_most_a_line_of_user_text():
    assert quoted("Kars") == "'Kars'"
    long = quoted("x" * 100_000)
    assert len(long) == QUOTE_CHARS + 2 and long.endswith("…'")
    assert shorten("y" * 5000) == "y" * 399 + "…"
    assert shorten("short") == "short"


def test_terminal_escapes_are_printed_escaped():
    assert terminal_safe("Kars\x1b[2J\u009b1m\n") == "Kars\\x1b[2J\\x9b1m\n"
    assert terminal_safe("İzmir\ttab") == "İzmir\ttab"
