#!/usr/bin/env python3
"""Validates JSON documents against a JSON Schema, for the subset of the
standard that reports/schema/*.schema.json uses: type (one or a list), enum,
required, properties, additionalProperties (false or a schema), items,
minItems, maxItems, minimum. Any other keyword in the schema is an error, so
the schema cannot silently grow past what is checked.

usage: validate_json.py SCHEMA FILE [--array]
  --array: FILE holds an array of documents, each validated.
Exit 0 when valid; 1 with every problem's JSON path otherwise."""
import json
import sys

CHECKED = {"type", "enum", "required", "properties", "additionalProperties", "items",
           "minItems", "maxItems", "minimum"}
IGNORED = {"$schema", "$id", "title", "description"}
TYPES = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


def validate(schema, value, path, errors):
    unknown = set(schema) - CHECKED - IGNORED
    if unknown:
        errors.append(f"{path}: schema uses unsupported keywords {sorted(unknown)}")
    if "type" in schema:
        types = schema["type"] if isinstance(schema["type"], list) else [schema["type"]]
        if not any(TYPES[t](value) for t in types):
            errors.append(f"{path}: {json.dumps(value)[:60]} is not of type {types}")
            return
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{path}: {json.dumps(value)[:60]} is not one of {schema['enum']}")
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                errors.append(f"{path}: missing required key '{key}'")
        props = schema.get("properties", {})
        extra = schema.get("additionalProperties", True)
        for key, v in value.items():
            if key in props:
                validate(props[key], v, f"{path}.{key}", errors)
            elif extra is False:
                errors.append(f"{path}: unexpected key '{key}'")
            elif isinstance(extra, dict):
                validate(extra, v, f"{path}.{key}", errors)
    if isinstance(value, list):
        if "minItems" in schema and len(value) < schema["minItems"]:
            errors.append(f"{path}: fewer than {schema['minItems']} items")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            errors.append(f"{path}: more than {schema['maxItems']} items")
        for i, v in enumerate(value):
            validate(schema.get("items", {}), v, f"{path}[{i}]", errors)
    if "minimum" in schema and TYPES["number"](value) and value < schema["minimum"]:
        errors.append(f"{path}: {value} is below the minimum {schema['minimum']}")


def main(argv):
    schema = json.load(open(argv[1]))
    with open(argv[2], "rb") as f:
        doc = json.loads(f.read().decode("utf-8"))
    docs = doc if "--array" in argv else [doc]
    if "--array" in argv and not isinstance(doc, list):
        print(f"{argv[2]}: not an array")
        return 1
    errors = []
    for i, d in enumerate(docs):
        validate(schema, d, f"$[{i}]" if "--array" in argv else "$", errors)
    for e in errors:
        print(f"{argv[2]}: {e}")
    if not docs:
        print(f"{argv[2]}: no documents")
        return 1
    if not errors:
        print(f"{argv[2]}: {len(docs)} document(s) valid")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
