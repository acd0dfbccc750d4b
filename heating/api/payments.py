"""POST /api/v1/payments/notify/<provider>/ — payment providers tell us an order was paid.

The provider signs its notification; there is no session and no CSRF token. The body is read up to
a bound, every outcome is recorded (heating.services.orders), and the answer is always the
provider's own acknowledgement: never a 500, whatever arrives."""

import logging

from django.http import HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from heating.models import PaymentNotification
from heating.payments.providers import provider_get
from heating.services.orders import NOTIFICATION_MAX_BYTES, notification_apply, notification_refusal_record

log = logging.getLogger(__name__)
Verdict = PaymentNotification.Verdict
ACCEPTED = (Verdict.APPLIED, Verdict.DUPLICATE)


def _answer(provider: str, ok: bool) -> HttpResponse:
    backend = provider_get(provider)
    if backend is None:
        return JsonResponse({"code": "FAIL"}, status=404)
    status, body = backend.ack(ok)
    if isinstance(body, str):
        return HttpResponse(body, status=status, content_type="text/plain; charset=utf-8")
    return JsonResponse(body, status=status)


@csrf_exempt
@require_POST
def payment_notify(request, provider: str):
    body = request.read(NOTIFICATION_MAX_BYTES + 1)
    try:
        if len(body) > NOTIFICATION_MAX_BYTES:
            verdict = notification_refusal_record(
                provider=provider, body=body, verdict=Verdict.TOO_LARGE
            ).verdict
        else:
            verdict = notification_apply(provider=provider, headers=request.headers, body=body).verdict
    except Exception:
        log.exception("payment notification from %s could not be applied", provider[:20])
        try:
            notification_refusal_record(provider=provider, body=body, verdict=Verdict.ERROR)
        except Exception:
            log.exception("payment notification from %s could not be recorded", provider[:20])
        return _answer(provider, False)
    return _answer(provider, verdict in ACCEPTED)
