"""Every API error is a 400 that names what was wrong, never a 500, a bare 415 or Django's HTML 400."""
from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


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
    return drf_exception_handler(exc, context)
