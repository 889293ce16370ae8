"""JSON Schema checks: quick on valid input, detailed errors on invalid input.

Valid files (every shipped catalog, every scenario a user loads) are checked
with fastjsonschema, which compiles the schema to Python and is ~15x quicker
than jsonschema and ~10x quicker to import. Only when that check fails do we
ask jsonschema for *all* errors, whose paths and messages our error texts use.
``tests/test_schemas.py`` checks that both validators agree.
"""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path
from typing import Any

import fastjsonschema

from coverage.errors import DataFileError
from coverage.integrity import verified_text


class Schema:
    """A JSON Schema (draft 2020-12, the keywords both validators know) read from a file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @cached_property
    def document(self) -> dict[str, Any]:
        try:
            document: dict[str, Any] = json.loads(verified_text(self.path))
        except ValueError as exc:
            raise DataFileError(f"{self.path}: cannot read the schema ({exc})") from exc
        return document

    @cached_property
    def _quick(self) -> Any:
        try:
            # use_default=False: fastjsonschema would otherwise write defaults into the input.
            return fastjsonschema.compile(self.document, use_formats=False, use_default=False)
        except fastjsonschema.JsonSchemaDefinitionException as exc:
            raise DataFileError(f"{self.path}: not a usable JSON Schema ({exc})") from exc

    def is_valid(self, instance: Any) -> bool:
        try:
            self._quick(instance)
        except fastjsonschema.JsonSchemaException:
            return False
        return True

    def errors(self, instance: Any) -> list[Any]:
        """jsonschema's ``ValidationError`` list for ``instance``; empty when valid."""
        try:
            self._quick(instance)
        except fastjsonschema.JsonSchemaValueException as quick:
            import jsonschema

            found = list(jsonschema.Draft202012Validator(self.document).iter_errors(instance))
            # Should the two validators ever disagree, the stricter one wins: an invalid
            # file is refused with fastjsonschema's own words rather than let through.
            return found or [_as_validation_error(quick)]
        return []


def _as_validation_error(exc: fastjsonschema.JsonSchemaValueException) -> Any:
    """A jsonschema ``ValidationError`` with the place and message fastjsonschema gave."""
    import jsonschema

    path = [int(step) if step.isdigit() else step for step in (exc.path or [])[1:]]  # drop "data"
    return jsonschema.ValidationError(
        exc.message,
        validator=exc.rule,
        validator_value=exc.rule_definition,
        path=path,
        instance=exc.value,
        schema=exc.definition or {},
    )
