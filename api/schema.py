"""How the API's authentication and errors appear in the OpenAPI schema."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension, OpenApiSerializerExtension

from api.serializers.common import ErrorSerializer


class ApiKeyScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.ApiKeyAuthentication"
    name = "apiKey"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "An API key an admin issued: `Authorization: Bearer fc_xxxxxxxx_...`.",
        }


class AttributionSchema(OpenApiSerializerExtension):
    """A correction names at least one field to correct (speaker, cited_outlet, is_direct_quote), not null: the
    serializer refuses a body without one, and the schema says so."""

    target_class = "api.serializers.review.AttributionSerializer"

    def map_serializer(self, auto_schema, direction):
        from claims.models import CORRECTABLE_FIELDS

        schema = auto_schema._map_serializer(self.target, direction, bypass_extensions=True)
        if direction == "request":
            types = {"is_direct_quote": "boolean"}
            schema["anyOf"] = [
                {"required": [name], "properties": {name: {"type": types.get(name, "string")}}}
                for name in CORRECTABLE_FIELDS
            ]
        return schema


def error_responses(*codes: int) -> dict:
    """The `responses` of an operation's own errors (`**error_responses(400, 404)`), in the API's error shape."""
    return {code: ErrorSerializer for code in codes}


def integer_ids(result, generator, request, public):
    """Path ids are integers (the routes accept digits only); drf-spectacular cannot read that from the regex."""
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "path" and parameter.get("name") == "id":
                    parameter["schema"] = {"type": "integer", "minimum": 1}
    return result


# Answers any endpoint can give before its own code runs: a body that cannot be read (400), an Accept header the
# API cannot satisfy (406), a body over DATA_UPLOAD_MAX_MEMORY_SIZE (413), an address over MAX_URL_LENGTH (414).
COMMON_ERRORS = {
    "400": "The request cannot be read (malformed or too deeply nested JSON, too many form fields).",
    "406": "The API answers in JSON only.",
    "413": "The body is larger than the API accepts.",
    "414": "The address is longer than the API accepts.",
}


def common_errors(result, generator, request, public):
    """Every operation documents the errors that the request's framing can cause, in the API's error shape."""
    error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            responses = operation.setdefault("responses", {})
            for status, description in COMMON_ERRORS.items():
                responses.setdefault(status, {"description": description, "content": error})
    return result


# Query parameters that refuse an empty value (400); every other optional one, a filter among them, reads `name=` as
# not given, as the web app's filter forms send it.
REFUSE_EMPTY = {"page_size", "limit"}


def request_rules(result, generator, request, public):
    """What the serializers and filters check that drf-spectacular cannot read from them: an empty filter is no filter,
    a page size is 1 to the paginator's maximum, and a correction has a body."""
    from api.pagination import CursorPagination

    for path, operations in result.get("paths", {}).items():
        for operation in operations.values():
            for parameter in operation.get("parameters", []):
                if parameter.get("in") != "query" or parameter.get("required"):
                    continue
                if parameter["name"] == "page_size":
                    parameter["schema"] = {"type": "integer", "minimum": 1, "maximum": CursorPagination.max_page_size}
                if parameter["name"] not in REFUSE_EMPTY:
                    parameter["allowEmptyValue"] = True
            if path.endswith("/attribution/") and "requestBody" in operation:
                operation["requestBody"]["required"] = True
    return result
