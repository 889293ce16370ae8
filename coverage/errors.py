"""Exceptions a user can act on.

Every error the app or the CLI shows to a person is one of these; anything else
is a bug. Each subclasses :class:`ValueError` so callers that only care about
"bad input" can catch that.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

_E = TypeVar("_E", bound="CoverageError")


class _Gettext(Protocol):
    @property
    def lang(self) -> str: ...

    def gettext(self, message: str) -> str: ...


class Phrase(str):
    """A part of an error's message that is itself said in the reader's language, such as
    the sites table's "row 2 (Kars)": a template (marked with ``N_``) and its values.
    ``str()`` is the English, so it fits wherever a plain location string goes."""

    template: str
    params: dict[str, Any]

    def __new__(cls, template: str, **params: Any) -> Phrase:
        phrase = super().__new__(cls, template.format(**params))
        phrase.template, phrase.params = template, params
        return phrase

    def translated(self, tr: _Gettext) -> str:
        return str(self) if tr.lang == "en" else tr.gettext(self.template).format(**self.params)


class CoverageError(ValueError):
    """Base class for every error this package reports to a user.

    An error made with :meth:`of` keeps its English template and values, so that
    :meth:`translated` can say it in the reader's language (``str()`` is English).
    """

    template: str | None = None
    params: dict[str, Any]
    where: str = ""
    inner: CoverageError | None = None

    @classmethod
    def of(cls: type[_E], template: str, **params: Any) -> _E:
        """The error whose message is ``template`` (marked with ``N_``) filled with ``params``."""
        error = cls(template.format(**params))
        error.template, error.params = template, params
        return error

    @classmethod
    def within(cls: type[_E], where: str, inner: CoverageError) -> _E:
        """``inner`` located: "story.json: sites[0] ('X'): <inner's message>"."""
        error = cls(f"{where}: {inner}")
        error.where, error.inner = where, inner
        return error

    def translated(self, tr: _Gettext) -> str:
        """The message in ``tr``'s language (English, as ``str()``, where it has no template)."""
        if self.inner is not None:
            where = self.where.translated(tr) if isinstance(self.where, Phrase) else self.where
            return f"{where}: {self.inner.translated(tr)}"
        if self.template is None or tr.lang == "en":
            return str(self)
        params = {k: v.translated(tr) if isinstance(v, Phrase) else v for k, v in self.params.items()}
        return tr.gettext(self.template).format(**params)


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
