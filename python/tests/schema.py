"""The JSON Schema subset scripts/schema.ts writes, as a validator without dependencies.

Debian's python3-jsonschema would do, but the tests then need one more package; the schema uses
only type, const, enum, properties, required, additionalProperties, items, anyOf and local $ref.
Twin of test/helpers/jsonSchema.ts.
"""
from __future__ import annotations

import json
import math
import os
from typing import Any, Dict, List

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCHEMA_PATH = os.path.join(ROOT, "schemas", "figure.schema.json")

Schema = Dict[str, Any]


def load() -> Schema:
    with open(SCHEMA_PATH, encoding="utf-8") as file:
        return json.load(file)  # type: ignore[no-any-return]


def validate(root: Schema, value: Any) -> List[str]:
    """Every violation of ``root`` by ``value``, each with its JSON path; empty when it is valid."""
    errors: List[str] = []

    def resolve(schema: Schema) -> Schema:
        ref = schema.get("$ref")
        return root["$defs"][ref.replace("#/$defs/", "")] if isinstance(ref, str) else schema

    def check(raw: Schema, v: Any, path: str, out: List[str]) -> None:
        schema = resolve(raw)
        if "const" in schema and not (v == schema["const"] and type(v) is not bool):
            out.append(f"{path}: expected {schema['const']!r}, got {v!r}")
        if "enum" in schema and v not in schema["enum"]:
            out.append(f"{path}: expected one of {schema['enum']!r}, got {v!r}")
        if "anyOf" in schema:
            alternatives = schema["anyOf"]
            kind = v.get("kind") if isinstance(v, dict) else None
            by_kind = [a for a in alternatives if resolve(a).get("properties", {}).get("kind", {}).get("const") == kind]
            tried = by_kind if len(by_kind) == 1 else alternatives
            failures = []
            for alternative in tried:
                found: List[str] = []
                check(alternative, v, path, found)
                failures.append(found)
            if all(failures):
                out.extend(failures[0] if len(tried) == 1 else [f"{path}: matches none of {len(tried)} alternatives"])
        kind = schema.get("type")
        if kind == "number" and (isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v)):
            out.append(f"{path}: expected a finite number, got {v!r}")
        elif kind == "string" and not isinstance(v, str):
            out.append(f"{path}: expected a string, got {v!r}")
        elif kind == "boolean" and not isinstance(v, bool):
            out.append(f"{path}: expected a boolean, got {v!r}")
        elif kind == "null" and v is not None:
            out.append(f"{path}: expected null, got {v!r}")
        elif kind == "array":
            if not isinstance(v, list):
                out.append(f"{path}: expected an array, got {v!r}")
            else:
                for i, item in enumerate(v):
                    check(schema["items"], item, f"{path}[{i}]", out)
        elif kind == "object":
            if not isinstance(v, dict):
                out.append(f"{path}: expected an object, got {v!r}")
                return
            properties = schema.get("properties", {})
            for key in schema.get("required", []):
                if key not in v:
                    out.append(f"{path}: missing {key}")
            extra = schema.get("additionalProperties")
            for key, item in v.items():
                if key in properties:
                    check(properties[key], item, f"{path}.{key}", out)
                elif extra is False:
                    out.append(f"{path}: unexpected property {key}")
                elif isinstance(extra, dict):
                    check(extra, item, f"{path}.{key}", out)

    check(root, value, "$", errors)
    return errors
