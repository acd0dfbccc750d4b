"""Low-income certificates (POLICY.md §5): a household's application with its scan, and the reminder
before a certificate runs out. The civil-affairs bureau decides through heating.services.decisions."""

import datetime
import hashlib

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from heating.attachments import upload_check
from heating.models import LowIncomeCertificate, LowIncomeReminder, LowIncomeScan
from heating.models.accounts import Decision
from heating.selectors.scope import resident_accounts
from heating.services import notifications

SCAN_KINDS = frozenset({"pdf", "jpg", "jpeg", "png"})
REMIND_DAYS = 30


def scan_check(upload) -> None:
    upload_check(
        upload, allowed=SCAN_KINDS, max_bytes=settings.LOW_INCOME_SCAN_MAX_BYTES,
        wrong_kind=_("证件扫描件只能是 PDF、JPG 或 PNG 文件。"),
    )


def _overlapping(queryset, valid_from, valid_until):
    """Certificates whose period shares a day with [valid_from, valid_until] (None: open-ended)."""
    queryset = queryset.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=valid_from))
    return queryset if valid_until is None else queryset.filter(valid_from__lte=valid_until)


@transaction.atomic
def certificate_apply(
    *, user, account_id: int, kind: str, number: str, valid_from: datetime.date,
    valid_until: datetime.date | None, upload,
) -> LowIncomeCertificate:
    """A pending certificate for one of the user's own homes, with the scan of it. One application at a
    time per home; a denied or revoked one may be followed by a new one with new documents."""
    account = resident_accounts(user).select_for_update().filter(pk=account_id).first()
    if account is None:
        raise ValidationError(_("只能为自己名下的供暖账户申请。"), code="not_yours")
    if valid_until is not None and valid_until < valid_from:
        raise ValidationError(_("有效期至不能早于有效期起。"), code="period")
    certificates = LowIncomeCertificate.objects.filter(account=account)
    if certificates.filter(status=Decision.PENDING).exists():
        raise ValidationError(_("这个户号已有一份申请在审核中，请等待民政部门审定。"), code="pending")
    if _overlapping(certificates.filter(status=Decision.APPROVED), valid_from, valid_until).exists():
        raise ValidationError(_("这个户号在这段有效期内已享受困难群体收费。"), code="approved")
    scan_check(upload)
    data = upload.read()
    certificate = LowIncomeCertificate.objects.create(
        account=account, kind=kind, number=number.strip(), valid_from=valid_from, valid_until=valid_until,
        applied_by=user,
    )
    scan = LowIncomeScan(
        certificate=certificate, name=upload.name,
        content_type=upload.content_type.split(";")[0].strip().lower(), size=len(data),
        sha256=hashlib.sha256(data).hexdigest(), uploaded_by=user,
    )
    scan.file.save(scan.sha256, ContentFile(data), save=False)
    scan.save()
    notifications.certificate_filed(certificate)
    return certificate


def certificates_expiring(today: datetime.date):
    """Approved certificates running out within REMIND_DAYS of `today` (today included)."""
    return LowIncomeCertificate.objects.filter(
        status=Decision.APPROVED,
        valid_until__gte=today,
        valid_until__lte=today + datetime.timedelta(days=REMIND_DAYS),
    )


def certificate_reminders_send(*, today: datetime.date) -> list[LowIncomeReminder]:
    """A reminder for each certificate running out within REMIND_DAYS not yet reminded of that end date:
    recorded (so /me/ and the next run know), and e-mailed when REMINDER_EMAIL_FROM is set and the
    household's login has an address."""
    due = (
        certificates_expiring(today)
        .exclude(reminders__valid_until=F("valid_until"))
        .select_related("account__customer__user", "applied_by")
        .order_by("valid_until", "id")
    )
    sent = []
    for certificate in due:
        with transaction.atomic():
            reminder, created = LowIncomeReminder.objects.get_or_create(
                certificate=certificate, valid_until=certificate.valid_until
            )
            if not created:
                continue
            address = _address(certificate)
            if settings.REMINDER_EMAIL_FROM and address:
                send_mail(
                    _("困难群体证件即将到期"),
                    _(
                        "您户号 %(number)s 的%(kind)s（%(certificate)s）将于 %(until)s 到期。"
                        "请在到期前向民政部门办理续期，并在“我的供暖”重新提交申请，以免影响困难群体收费。"
                    )
                    % {
                        "number": certificate.account.number,
                        "kind": certificate.get_kind_display(),
                        "certificate": certificate.number,
                        "until": certificate.valid_until,
                    },
                    settings.REMINDER_EMAIL_FROM,
                    [address],
                )
                reminder.emailed = True
                reminder.save(update_fields=["emailed"])
        sent.append(reminder)
    return sent


def _address(certificate) -> str:
    user = certificate.applied_by or certificate.account.customer.user
    return (user.email or "") if user is not None else ""
