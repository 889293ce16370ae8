"""User text on its way out: into XML files, error messages, terminals and Markdown.

Names, titles and searches are typed by anyone (a shared link carries them), so
every place that shows or writes them goes through one of these functions:
:func:`xml_invalid` refuses what SVG and KML cannot hold, :func:`clean_title`
cleans a title typed on the command line, :func:`quoted` caps what an error
message repeats, :func:`terminal_safe` keeps escape sequences off a terminal.
"""

from __future__ import annotations

import re

# XML 1.0 allows tab, newline, carriage return, and U+0020 onwards except the surrogates
# and U+FFFE/U+FFFF; DEL is allowed by XML but never wanted in a name.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
# What a terminal may act on: C0 controls but tab and newline, DEL and the C1 controls
# (U+009B is a one-character CSI on some terminals).
_TERMINAL_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")

QUOTE_CHARS = 80
"""At most this many characters of user text are repeated in a message."""


def xml_invalid(text: str) -> str | None:
    """The first character of ``text`` that an XML file cannot hold, as "U+000B"; else None."""
    found = _XML_INVALID.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def clean_title(text: str, max_chars: int) -> str:
    """A title from the command line: invalid bytes and control characters removed, whitespace
    runs made one space, at most ``max_chars`` characters."""
    if _has_surrogates(text):
        try:  # undecodable argv bytes (PEP 383) become U+FFFD, as any UTF-8 decoder shows them
            text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
        except UnicodeEncodeError:
            text = text.encode("utf-8", "replace").decode("utf-8")
    text = _XML_INVALID.sub("", _TERMINAL_CONTROL.sub(" ", text))
    return " ".join(text.split())[:max_chars]


def _has_surrogates(text: str) -> bool:
    # argv decodes undecodable bytes to lone surrogates (PEP 383); they cannot be encoded.
    return any("\ud800" <= c <= "\udfff" for c in text)


def quoted(text: str, limit: int = QUOTE_CHARS) -> str:
    """``text`` as an error message repeats it: repr-quoted, cut to ``limit`` characters."""
    shown = text if len(text) <= limit else text[: limit - 1] + "…"
    return repr(shown)


def shorten(message: str, limit: int = 400) -> str:
    """A whole message cut to ``limit`` characters: the last guard before a user sees it."""
    return message if len(message) <= limit else message[: limit - 1] + "…"


def terminal_safe(text: str) -> str:
    """``text`` with every control character a terminal could act on written as an escape
    (``\\x1b``), so a title cannot move the cursor or change the colours."""
    return _TERMINAL_CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
