"""How the API's authentication and errors appear in the OpenAPI schema."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension

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
