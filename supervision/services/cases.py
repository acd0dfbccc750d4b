"""Cases on a check's findings: only the price-supervision bureau opens and decides one; the company
answers what it did. Each step is a conditional update on the state read, with its event."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from heating.models import Organisation
from supervision.models import Case, CaseEvent, ComplianceCheck, Finding


@transaction.atomic
def case_open(*, bureau: Organisation, check: ComplianceCheck, finding_ids, text: str, user) -> Case:
    """A case on findings of the check, all of one company."""
    if check.bureau_id != bureau.pk:
        raise PermissionDenied
    findings = list(Finding.objects.filter(check_run=check, pk__in=list(finding_ids)[:500]))
    if not findings:
        raise ValidationError(_("请选择至少一条检查发现。"))
    companies = {f.company_id for f in findings}
    if len(companies) != 1:
        raise ValidationError(_("一个案件只能针对一家供热企业。"))
    case = Case.objects.create(
        check_run=check, company_id=companies.pop(), bureau_text=text.strip(), opened_by=user
    )
    case.findings.set(findings)
    CaseEvent.objects.create(case=case, kind=CaseEvent.Kind.OPENED, organisation=bureau, user=user, text=text)
    return case


def _move(case: Case, source: str, **changes) -> None:
    if Case.objects.filter(pk=case.pk, state=source).update(**changes) != 1:
        raise ValidationError(_("案件状态已变化，请刷新后重试。"))
    for name, value in changes.items():
        setattr(case, name, value)


@transaction.atomic
def case_decide(*, bureau: Organisation, case: Case, decision: str, text: str, penalty, user) -> Case:
    if case.check_run.bureau_id != bureau.pk:
        raise PermissionDenied
    if decision not in Case.Decision.values:
        raise ValidationError(_("请选择决定。"))
    if (decision == Case.Decision.PENALTY) != (penalty is not None):
        raise ValidationError(_("行政处罚须填写罚款金额，其他决定不填。"))
    _move(
        case,
        Case.State.OPEN,
        state=Case.State.DECIDED,
        decision=decision,
        penalty=penalty,
        bureau_text=text.strip(),
    )
    CaseEvent.objects.create(
        case=case, kind=CaseEvent.Kind.DECIDED, organisation=bureau, user=user, text=text
    )
    return case


@transaction.atomic
def case_answer(*, company: Organisation, case: Case, text: str, user) -> Case:
    if case.company_id != company.pk:
        raise PermissionDenied
    if not text.strip():
        raise ValidationError(_("请填写答复内容。"))
    _move(case, Case.State.DECIDED, state=Case.State.ANSWERED, company_answer=text.strip())
    CaseEvent.objects.create(
        case=case, kind=CaseEvent.Kind.ANSWERED, organisation=company, user=user, text=text
    )
    return case
