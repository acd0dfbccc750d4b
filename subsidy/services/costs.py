"""The company manager declares the season's operating cost (a new declaration each time) and attaches
its supporting files."""

import hashlib
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from heating.models import Organisation, Role
from heating.selectors.scope import company_membership
from subsidy.attachments import attachment_check
from subsidy.models import COST_CATEGORIES, CostAttachment, CostDeclaration
from subsidy.selectors.costs import cost_declaration_current


def _manager_of(user, company: Organisation) -> None:
    membership = company_membership(user)
    if membership is None or membership.organisation_id != company.pk or membership.role != Role.MANAGER:
        raise PermissionDenied(_("只有本企业经理可以申报运营成本。"))


@transaction.atomic
def cost_declare(
    *, company: Organisation, start_year: int, user, amounts: dict[str, Decimal], note: str = ""
) -> CostDeclaration:
    """Declare every category's amount (each ≥ 0, none left out). The current declaration, if any, is
    replaced, not changed: the new row names it and takes its files over."""
    _manager_of(user, company)
    names = [name for name, _label in COST_CATEGORIES]
    if set(amounts) != set(names):
        raise ValidationError(_("请填写每一类成本（没有的填 0）。"), code="categories")
    errors = {}
    for name in names:
        value = amounts[name]
        if not isinstance(value, Decimal) or not value.is_finite() or value < 0 or value != round(value, 2):
            errors[name] = _("请填写不小于 0、最多两位小数的金额。")
        elif value >= Decimal("1e13"):
            errors[name] = _("金额过大。")
    if errors:
        raise ValidationError(errors)
    previous = cost_declaration_current(company, start_year, lock=True)
    declaration = CostDeclaration.objects.create(
        company=company,
        season_year=start_year,
        note=note[:500],
        replaces=previous,
        declared_by=user,
        **{name: amounts[name] for name in names},
    )
    if previous is not None:
        bulk_create_with_history(
            [
                CostAttachment(
                    declaration=declaration,
                    file=old.file.name,
                    name=old.name,
                    content_type=old.content_type,
                    size=old.size,
                    sha256=old.sha256,
                    uploaded_by_id=old.uploaded_by_id,
                )
                for old in previous.attachments.all()
            ],
            CostAttachment,
        )
    return declaration


@transaction.atomic
def cost_attachment_add(*, declaration: CostDeclaration, user, upload) -> CostAttachment:
    """Attach an uploaded file (django UploadedFile) to the current declaration, after checking it."""
    _manager_of(user, declaration.company)
    current = cost_declaration_current(declaration.company, declaration.season_year, lock=True)
    if current is None or current.pk != declaration.pk:
        raise ValidationError(_("这份申报已被新的申报替代，请在最新申报上添加附件。"), code="replaced")
    upload.seek(0)
    head = upload.read(16)
    attachment_check(name=upload.name, content_type=upload.content_type or "", size=upload.size, head=head)
    upload.seek(0)
    data = upload.read()
    attachment = CostAttachment(
        declaration=declaration,
        name=upload.name,
        content_type=upload.content_type.split(";")[0].strip().lower(),
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=user,
    )
    attachment.file.save(attachment.sha256, ContentFile(data), save=False)
    attachment.save()
    return attachment
