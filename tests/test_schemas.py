"""The quick validator (fastjsonschema) and the detailed one (jsonschema) agree.

coverage.schemas trusts fastjsonschema's "valid" and asks jsonschema for the
errors otherwise; if the two ever disagreed, invalid input would slip through
or valid input would fail with no message. Hypothesis mutates real documents.
"""

from __future__ import annotations

import copy
import json
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import ROOT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coverage.catalog import SCHEMA_PATH as CATALOG_SCHEMA
from coverage.scenario import SCHEMA_PATH as SCENARIO_SCHEMA
from coverage.schemas import COMPILED_DIR, SHIPPED, Schema, compiled_code

ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([-180.5, -90.0, 0, 90, 90.0001, 180, 1e-9, 10_001, "", " ", "km", "mi", "x\n", "s-400"]),
    st.text(max_size=5),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)


def _paths(node: Any, path: tuple = ()) -> list[tuple]:
    out = [path]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*path, i))
    return out


@st.composite
def mutated(draw: st.DrawFn, base: Any) -> Any:
    doc = copy.deepcopy(base)
    for _ in range(draw(st.integers(1, 3))):
        paths = _paths(doc)
        path = draw(st.sampled_from(paths))
        if not path:
            return draw(ODD_VALUES)
        parent = doc
        for step in path[:-1]:
            parent = parent[step]
        action = draw(st.sampled_from(["replace", "delete", "add"]))
        if action == "replace":
            parent[path[-1]] = draw(ODD_VALUES)
        elif action == "delete":
            del parent[path[-1]]
        elif isinstance(parent, dict):
            key = draw(st.sampled_from(["extra", "lat", "radius", "unit", "figure", "place"]))
            parent[key] = draw(ODD_VALUES)
        else:
            parent.append(draw(ODD_VALUES))
    return doc


def _agree(schema_path, doc: Any) -> None:
    ours = Schema(schema_path)
    reference = jsonschema.Draft202012Validator(ours.document)
    assert ours.is_valid(doc) == reference.is_valid(doc), json.dumps(doc, default=str)[:300]
    assert bool(ours.errors(doc)) == (not reference.is_valid(doc))


STORY = json.loads((ROOT / "scenarios" / "story.json").read_text(encoding="utf-8"))
CATALOG = yaml.safe_load((ROOT / "data" / "catalog" / "systems.yaml").read_text(encoding="utf-8"))


def test_shipped_documents_are_valid_for_both():
    _agree(SCENARIO_SCHEMA, STORY)
    _agree(CATALOG_SCHEMA, CATALOG)
    assert Schema(SCENARIO_SCHEMA).errors(STORY) == []


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(STORY))
def test_scenario_validators_agree(doc: Any) -> None:
    _agree(SCENARIO_SCHEMA, doc)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(mutated(CATALOG))
def test_catalog_validators_agree(doc: Any) -> None:
    _agree(CATALOG_SCHEMA, doc)


@pytest.mark.parametrize(
    "doc",
    [
        {"version": 1, "sites": [{"name": "A", "lat": True, "lon": 0, "radius": 5}]},  # bool is not a number
        {"version": 1.0, "sites": [{"name": "A", "place": "Kars"}]},  # 1.0 == 1 for JSON Schema
        {"version": 1, "sites": [{"name": "A\u0085", "place": "Kars"}]},
        {"version": 1, "sites": [{"name": "  ", "place": "Kars"}]},
        {"version": 1, "sites": [{"name": "A", "radius": 0, "lat": 0, "lon": 0}]},
        # Python's $ matches before a final newline: the schemas avoid $ (found by this test)
        {"version": 1, "sites": [{"name": "x\n", "place": "Kars"}]},
        {"version": 1, "sites": [{"name": "Kars\n\n", "place": "Kars"}]},
    ],
)
def test_edge_cases_agree(doc: Any) -> None:
    _agree(SCENARIO_SCHEMA, doc)


def test_catalog_id_with_a_trailing_newline_is_refused_by_both() -> None:
    doc = copy.deepcopy(CATALOG)
    doc[0]["id"] = doc[0]["id"] + "\n"
    _agree(CATALOG_SCHEMA, doc)
    assert not Schema(CATALOG_SCHEMA).is_valid(doc)


def test_disagreement_falls_back_to_the_quick_validators_error() -> None:
    """Were jsonschema ever to accept what fastjsonschema refuses, the file is still refused."""
    import fastjsonschema

    from coverage.schemas import _as_validation_error

    bad = {"version": 1, "sites": [{"name": "x\n", "place": "Kars"}]}
    with pytest.raises(fastjsonschema.JsonSchemaValueException) as info:
        Schema(SCENARIO_SCHEMA)._quick(bad)
    err = _as_validation_error(info.value)
    assert list(err.absolute_path) == ["sites", 0, "name"]
    assert err.validator == "pattern"


def test_validation_does_not_change_the_input() -> None:
    doc = {"version": 1, "sites": [{"name": "Kars", "place": "Kars", "system": "s-400"}]}
    before = copy.deepcopy(doc)
    assert Schema(SCENARIO_SCHEMA).errors(doc) == []
    assert doc == before, "the quick validator filled in defaults"


# fastjsonschema compiles these schemas as draft-07: a 2020-12-only keyword would be
# ignored by the quick check and let invalid files through.
DRAFT_2020_ONLY = {
    "unevaluatedProperties",
    "unevaluatedItems",
    "prefixItems",
    "dependentRequired",
    "dependentSchemas",
    "$dynamicRef",
    "$dynamicAnchor",
    "minContains",
    "maxContains",
}


@pytest.mark.parametrize("path", [SCENARIO_SCHEMA, CATALOG_SCHEMA], ids=["scenario", "catalog"])
def test_schemas_use_only_keywords_both_validators_know(path) -> None:
    text = json.dumps(Schema(path).document)
    used = {k for k in DRAFT_2020_ONLY if f'"{k}"' in text}
    assert not used, f"{path.name} uses {sorted(used)}: the quick validator would ignore them"


@pytest.mark.parametrize(
    "content", ['{"type": "object", ', '{"type": 12}', "\udcff"], ids=["json", "schema", "bytes"]
)
def test_a_broken_schema_file_is_named_in_a_clear_error(tmp_path, content: str) -> None:
    from coverage.errors import DataFileError

    path = tmp_path / "broken.schema.json"
    path.write_bytes(content.encode("utf-8", "surrogateescape"))
    with pytest.raises(DataFileError, match="broken.schema.json"):
        Schema(path).errors({"version": 1})


@pytest.mark.parametrize("relative", sorted(SHIPPED), ids=lambda r: SHIPPED[r])
def test_the_shipped_compiled_validators_are_those_of_the_schemas_as_they_are(relative: str) -> None:
    """A stale module would be ignored (and the schema compiled on every start): regenerate it."""
    from coverage.integrity import verified_text

    shipped = (COMPILED_DIR / f"{SHIPPED[relative]}.py").read_text(encoding="utf-8")
    assert shipped == compiled_code(verified_text(ROOT / "data" / relative)), (
        "run: .venv/bin/python -m coverage.schemas"
    )


def test_a_shipped_schema_uses_its_compiled_validator() -> None:
    import coverage.compiled_schemas.scenario as compiled

    assert Schema(SCENARIO_SCHEMA)._quick is compiled.validate


def test_a_compiled_validator_of_another_schema_is_not_used(tmp_path, monkeypatch) -> None:
    """An edited schema (here: a shorter title) is compiled anew, never checked by stale code."""
    import coverage.schemas as schemas_mod

    doc = json.loads(SCENARIO_SCHEMA.read_text(encoding="utf-8"))
    doc["properties"]["title"]["maxLength"] = 3
    data = tmp_path / "data"
    edited = data / "schemas" / "scenario.schema.json"
    edited.parent.mkdir(parents=True)
    edited.write_text(json.dumps(doc), encoding="utf-8")
    monkeypatch.setattr(schemas_mod.paths, "DATA_DIR", data)
    schema = Schema(edited)
    monkeypatch.setattr(Schema, "text", property(lambda self: edited.read_text(encoding="utf-8")))
    assert schemas_mod._shipped_validator(edited, schema.text) is None
    assert not schema.is_valid({"version": 1, "title": "long", "sites": [{"name": "A", "place": "Kars"}]})
    assert schema.is_valid({"version": 1, "title": "ok", "sites": [{"name": "A", "place": "Kars"}]})
