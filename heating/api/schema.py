"""How the OpenAPI schema is drawn (REST_FRAMEWORK's DEFAULT_SCHEMA_CLASS): drf-spectacular's, plus the
request constraints DRF enforces without a validator, so the schema refuses what the API refuses."""
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

# DRF's CharField refuses NUL whatever its other options (ProhibitNullCharactersValidator).
NO_NUL = "^[^\\u0000]*$"


class AutoSchema(SpectacularAutoSchema):
    def _map_serializer_field(self, field, direction, bypass_extensions=False):
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if direction == "request" and schema is not None:
            if isinstance(field, serializers.CharField) and schema.get("type") == "string":
                _string_constraints(field, schema)
            elif isinstance(field, serializers.ListField | serializers.ListSerializer):
                _list_constraints(field, schema)
        return schema


def _string_constraints(field, schema):
    if not field.allow_blank:
        schema["minLength"] = max(schema.get("minLength", 0), 1)
    schema.setdefault("pattern", NO_NUL)


def _list_constraints(field, schema):
    # ListField's limits are validators (drf-spectacular reads those); ListSerializer's are not.
    least = getattr(field, "min_length", None) or (0 if field.allow_empty else 1)
    if least:
        schema["minItems"] = max(schema.get("minItems", 0), least)
    most = getattr(field, "max_length", None)
    if most is not None:
        schema["maxItems"] = min(schema.get("maxItems", most), most)


_DETAIL = {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]}
# {"field": ["message"]}; a nested field's errors nest the same way, by index for a list
# ({"readings": {"3": {"unit": ["…"]}}}); a body that cannot be read is {"non_field_errors": ["…"]}.
_FIELD_ERRORS = {
    "type": "object",
    "minProperties": 1,
    "additionalProperties": {"anyOf": [{"type": "array"}, {"type": "object"}]},
}


def field_errors(description: str) -> OpenApiResponse:
    return OpenApiResponse(
        response=_FIELD_ERRORS,
        description=(
            f"{description}. The body names each offending field: `{{\"field\": [\"message\"]}}`, "
            "nested by index for a list item; a body that is not JSON, not UTF-8 or larger than "
            "the upload limit gets `{\"non_field_errors\": [\"…\"]}`. Messages follow Accept-Language."
        ),
    )


UNAUTHORIZED = OpenApiResponse(response=_DETAIL, description="missing, wrong or revoked token")
NO_SUCH_PAGE = OpenApiResponse(
    response=_DETAIL, description="`?page=` is not a page of the list (past the last one, or not a number)"
)
THROTTLED = OpenApiResponse(
    response=_DETAIL, description="too many requests from this address; see Retry-After"
)
BUSY = OpenApiResponse(
    response=_DETAIL,
    description="the batch collided with another request writing the same readings; nothing was stored, "
    "send it again after Retry-After",
)
WWW_AUTHENTICATE = OpenApiParameter(
    "WWW-Authenticate", str, OpenApiParameter.HEADER, response=[401], description="`Token`"
)


def retry_after(*status_codes: int) -> OpenApiParameter:
    return OpenApiParameter(
        "Retry-After",
        int,
        OpenApiParameter.HEADER,
        response=list(status_codes),
        description="seconds to wait before trying again",
    )
