"""OpenAPI post-processing: every operation documents the errors it can answer with."""

ERRORS = {
    "400": "The request is not valid; the body says what is wrong and where.",
    "401": "Authentication is required.",
    "403": "You do not have the rights for this.",
    "404": "Not found, or not visible to you.",
    "405": "This method is not allowed here.",
    "406": "The requested format is not available.",
    "413": "The file is too large.",
    "415": "The request's content type is not accepted.",
    "429": "Too many requests; try again later.",
}


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = {
        "type": "object",
        "description": "An error: `detail` holds a message, or each field holds its messages.",
        "additionalProperties": True,
        "properties": {"detail": {"oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}},
    }
    for path in result.get("paths", {}).values():
        for operation in path.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, text in ERRORS.items():
                operation["responses"].setdefault(
                    code,
                    {
                        "description": text,
                        "content": {
                            "application/json": {"schema": {"$ref": "#/components/schemas/Error"}},
                            "text/html": {"schema": {"type": "string"}},
                        },
                    },
                )
    return result
