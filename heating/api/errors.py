"""Every API error is a 400 that names what was wrong, never a 500, a bare 415 or Django's HTML 400."""
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.exceptions import ErrorDetail
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from heating.identity import mask_id_numbers_in


def _body_error(message: str) -> Response:
    return Response({"non_field_errors": [message]}, status=status.HTTP_400_BAD_REQUEST)


def exception_handler(exc, context):
    if isinstance(exc, exceptions.ParseError | exceptions.UnsupportedMediaType):
        return _body_error(_("请求体必须是 JSON 对象：%(detail)s") % {"detail": exc.detail})
    if isinstance(exc, RequestDataTooBig):
        # Raised by request.data, before any parser has read a byte past the limit.
        return _body_error(
            _("请求体过大：不能超过 %(limit)s 字节。") % {"limit": settings.DATA_UPLOAD_MAX_MEMORY_SIZE}
        )
    response = drf_exception_handler(exc, context)
    if response is not None:
        response.data = _masked(response.data)
    return response


def _masked(data):
    """Error messages quote what was sent, and what was sent may be an identity number typed into the
    wrong field: every ID-shaped run is masked before it is answered."""
    if isinstance(data, dict):
        return {key: _masked(value) for key, value in data.items()}
    if isinstance(data, list):
        return [_masked(value) for value in data]
    if isinstance(data, str):
        return ErrorDetail(mask_id_numbers_in(data), getattr(data, "code", None))
    return data
