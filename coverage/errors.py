"""Exceptions a user can act on.

Every error the app or the CLI shows to a person is one of these; anything else
is a bug. Each subclasses :class:`ValueError` so callers that only care about
"bad input" can catch that.
"""

from __future__ import annotations


class CoverageError(ValueError):
    """Base class for every error this package reports to a user."""


class ScenarioError(CoverageError):
    """A scenario (file, upload or URL) is malformed or refers to unknown things."""


class CatalogError(CoverageError):
    """A catalog file is malformed or a system/figure id is unknown."""


class PlaceNotFoundError(CoverageError):
    """A place name could not be resolved through the gazetteer."""


class RingError(CoverageError):
    """A ring was asked for with a centre or radius outside the supported range."""


class DataFileError(CoverageError):
    """A shipped data file is missing, corrupted or edited."""


class ExportError(CoverageError):
    """An output file could not be written (unknown format, unwritable path)."""
