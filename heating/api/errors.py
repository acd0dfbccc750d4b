"""Every API error is a 400 that names what was wrong, never a 500 or a bare 415."""
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler


def exception_handler(exc, context):
    if isinstance(exc, exceptions.ParseError | exceptions.UnsupportedMediaType):
        return Response(
            {"non_field_errors": [_("请求体必须是 JSON 对象：%(detail)s") % {"detail": exc.detail}]},
            status=status.HTTP_400_BAD_REQUEST,
        )
    return drf_exception_handler(exc, context)
