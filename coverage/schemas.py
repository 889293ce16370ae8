"""JSON Schema checks: quick on valid input, detailed errors on invalid input.

Valid files (every shipped catalog, every scenario a user loads) are checked
with fastjsonschema, which compiles the schema to Python and is ~15x quicker
than jsonschema and ~10x quicker to import. Only when that check fails do we
ask jsonschema for *all* errors, whose paths and messages our error texts use.
``tests/test_schemas.py`` checks that both validators agree.

Compiling a schema costs more than validating a thousand sites, on every start,
so the shipped schemas' validators are shipped compiled too (the code
fastjsonschema generates, in :mod:`coverage.compiled_schemas`, one module per
schema). Each module names the SHA-256 of the schema it was made from and the
fastjsonschema version that made it; one that does not match the schema as read
(or the installed fastjsonschema) is ignored and the schema compiled as before.
After an intended edit of a schema: ``.venv/bin/python -m coverage.schemas``
rewrites them (``tests/test_schemas.py`` fails until then).
"""

from __future__ import annotations

import hashlib
import importlib
import json
import sys
from functools import cached_property
from pathlib import Path
from typing import Any

import fastjsonschema

from coverage import paths
from coverage.errors import DataFileError
from coverage.integrity import verified_text

COMPILED_DIR = Path(__file__).parent / "compiled_schemas"
SHIPPED = {
    "schemas/scenario.schema.json": "scenario",
    "catalog/schema.json": "catalog",
    "story/timeline.schema.json": "timeline",
}
"""The shipped schemas (relative to ``data/``) and their compiled modules in :data:`COMPILED_DIR`."""


class Schema:
    """A JSON Schema (draft 2020-12, the keywords both validators know) read from a file."""

    def __init__(self, path: Path) -> None:
        self.path = path

    @cached_property
    def text(self) -> str:
        """The schema file's text, checked against ``data/SHA256SUMS``."""
        try:
            return verified_text(self.path)
        except ValueError as exc:
            raise DataFileError(f"{self.path}: cannot read the schema ({exc})") from exc

    @cached_property
    def document(self) -> dict[str, Any]:
        text = self.text
        try:
            document: dict[str, Any] = json.loads(text)
        except ValueError as exc:
            raise DataFileError(f"{self.path}: cannot read the schema ({exc})") from exc
        return document

    @cached_property
    def _quick(self) -> Any:
        shipped = _shipped_validator(self.path, self.text)
        if shipped is not None:
            return shipped
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


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _shipped_validator(path: Path, text: str) -> Any:
    """The compiled validator shipped for the schema at ``path`` if made from ``text``, else None."""
    try:
        name = SHIPPED.get(path.resolve().relative_to(paths.DATA_DIR.resolve()).as_posix())
    except ValueError:  # not a shipped schema
        return None
    if name is None:
        return None
    module = importlib.import_module(f"coverage.compiled_schemas.{name}")
    made_from = (getattr(module, "SCHEMA_SHA256", None), getattr(module, "VERSION", None))
    if made_from != (_digest(text), fastjsonschema.VERSION):
        return None
    return module.validate


def compiled_code(text: str) -> str:
    """The module :data:`COMPILED_DIR` holds for a schema's ``text``: fastjsonschema's code,
    the schema's SHA-256, and ``validate``, the function that checks a whole document."""
    code = fastjsonschema.compile_to_code(json.loads(text), use_formats=False, use_default=False)
    # The first function generated is the schema's own; the others are its $defs.
    entry = next(line[4:].split("(")[0] for line in code.splitlines() if line.startswith("def "))
    return (
        '"""Generated by ``python -m coverage.schemas`` from the schema with this SHA-256: do not edit."""\n'
        f'SCHEMA_SHA256 = "{_digest(text)}"\n{code}\n\nvalidate = {entry}\n'
    )


def write_compiled() -> list[Path]:
    """Rewrite :data:`COMPILED_DIR`'s modules from the shipped schemas as they are."""
    written = []
    for relative, name in SHIPPED.items():
        out = COMPILED_DIR / f"{name}.py"
        out.write_text(compiled_code(verified_text(paths.DATA_DIR / relative)), encoding="utf-8")
        written.append(out)
    return written


if __name__ == "__main__":
    for written in write_compiled():
        sys.stdout.write(f"{written}\n")
