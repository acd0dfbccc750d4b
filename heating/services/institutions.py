"""An institution applies for the residential price of its own-use space (POLICY.md §1, §10.2): its
contact (a login holding the account) or the account's company's staff on its behalf name the category,
the season it should apply from, a statement of the own-use space and documents. The application is a
pending InstitutionApproval, decided by the bureau holding its category's duty through
heating.services.decisions.institution_decide; an approval then bills the account at the residential
price from that season and lists a settled season for re-settlement (§11)."""

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from heating import attachments
from heating.billing import INSTITUTION
from heating.models import AccountTerms, InstitutionApplication, InstitutionApproval, InstitutionDocument
from heating.models.accounts import Decision
from heating.models.institutions import DOCUMENT_MAX_BYTES, DOCUMENTS_MAX
from heating.selectors.institutions import institution_accounts
from heating.selectors.policy import priced_seasons
from heating.services import notifications

ALLOWED = frozenset({"pdf", "jpg", "jpeg", "png"})
TEXT_MAX = 2000


def _season_taken(approval: InstitutionApproval) -> ValidationError:
    return ValidationError(
        {"from_year": _("起始供暖季：这个户号自该供暖季起已有申请（%(status)s）。")
         % {"status": approval.get_status_display()}}
    )


@transaction.atomic
def institution_apply(
    *, user, account_id: int, category: str, from_year: int, statement: str, documents=()
) -> InstitutionApproval:
    """A pending approval for an institution account the user may apply for (its contact, or staff of
    its company), with the application and its documents; each document is checked by kind, contents
    and size before anything is kept. One application awaits a decision per account at a time, and one
    per account and season at all (unique_institution_year)."""
    account = institution_accounts(user).select_for_update().filter(pk=account_id).first()
    if account is None:
        raise PermissionDenied(_("户号：只能为本单位或本企业的单位户号申请。"))
    if category not in InstitutionApproval.Category.values:
        raise ValidationError({"category": _("单位类别：请从列表中选择单位类别。")})
    if from_year not in priced_seasons():
        raise ValidationError({"from_year": _("起始供暖季：请选择有价格政策的供暖季。")})
    terms = AccountTerms.objects.filter(account=account, from_year__lte=from_year).order_by("-from_year")
    if getattr(terms.first(), "price_class", None) != INSTITUTION:
        not_own_use = _(
            "起始供暖季：该供暖季这个户号不是单位自用户号；出租或经营用房按非居民价格另立户号。"
        )
        raise ValidationError({"from_year": not_own_use})
    text = (statement or "").strip()
    if not text:
        raise ValidationError({"statement": _("自用面积说明：请写明自用房屋的用途和面积。")})
    if len(text) > TEXT_MAX:
        raise ValidationError({"statement": _("自用面积说明：不能超过 %(n)s 个字。") % {"n": TEXT_MAX}})
    files = attachments.documents_read(
        documents, allowed=ALLOWED, max_bytes=DOCUMENT_MAX_BYTES, max_files=DOCUMENTS_MAX,
        wrong_kind=_("只能上传 PDF、JPG 或 PNG 文件。"),
    )
    earlier = InstitutionApproval.objects.filter(account=account)
    if earlier.filter(status=Decision.PENDING).exists():
        raise ValidationError({"account": _("户号：这个户号已有一份申请在审定中。")})
    taken = earlier.filter(from_year=from_year).first()
    if taken is not None:
        raise _season_taken(taken)
    try:
        with transaction.atomic():
            approval = InstitutionApproval.objects.create(
                account=account, category=category, from_year=from_year, status=Decision.PENDING
            )
    except IntegrityError:  # unique_institution_year: another request applied first
        raise ValidationError({"account": _("户号：这个户号已有一份申请在审定中。")}) from None
    application = InstitutionApplication.objects.create(
        approval=approval, statement=text, applied_by=user, applied_at=timezone.now()
    )
    for name, data, content_type in files:
        document = InstitutionDocument(
            application=application, name=name, content_type=content_type, size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
        )
        document.file.save(document.sha256, ContentFile(data), save=False)
        document.save()
    notifications.institution_filed(approval)
    return approval
