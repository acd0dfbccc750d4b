"""The price-supervision bureau's compliance checks (价格执行检查): a check of a season's statements,
ledger and refunds against the published policy, its findings, and the cases the bureau opens on them.
Nothing here is written to heating's tables; a check only reads them."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from heating.models import Account, Job, Organisation, Refund, Statement
from heating.models.fields import money_field, season_year_field


class ComplianceCheck(models.Model):
    """One run of the check: who started it, over what (one company or all, one season), with the
    deadline refunds had to be paid by, and what it found (counted when its job is done)."""

    bureau = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("检查单位"))
    # None: every company.
    company = models.ForeignKey(
        Organisation, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("供热企业")
    )
    season_year = season_year_field(_("供暖季"))
    refund_deadline = models.DateField(_("退费期限"))
    # The day the check looks from: a refund still open is overdue only once the deadline has passed.
    as_of = models.DateField(_("检查日期"))
    job = models.OneToOneField(Job, models.PROTECT, related_name="+", verbose_name=_("后台任务"))
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("发起人")
    )
    created_at = models.DateTimeField(_("发起时间"), auto_now_add=True)
    statements = models.PositiveIntegerField(_("检查结算单数"), default=0)
    findings_count = models.PositiveIntegerField(_("发现问题数"), default=0)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("价格执行检查")
        verbose_name_plural = _("价格执行检查")

    def __str__(self):
        return f"{self.season_year} #{self.pk}"


class Finding(models.Model):
    """One rule broken for one account: what was charged or collected, what the policy allows, and
    the difference. `holder` is the customer's name masked."""

    class Kind(models.TextChoices):
        FEE_ABOVE_POLICY = "fee_above_policy", _("收费高于政策标准")
        PREPAYMENT_ABOVE_AREA_FEE = "prepayment_above_area_fee", _("预收超过面积热费")
        REFUND_OVERDUE = "refund_overdue", _("退费逾期未付")
        LOW_INCOME_FULL_RATE = "low_income_full_rate", _("困难群体按全价收费")

    check_run = models.ForeignKey(
        ComplianceCheck, models.CASCADE, related_name="findings", verbose_name=_("价格执行检查")
    )
    company = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("供热企业"))
    account = models.ForeignKey(Account, models.PROTECT, related_name="+", verbose_name=_("账户"))
    kind = models.CharField(_("问题类别"), max_length=30, choices=Kind.choices)
    statement = models.ForeignKey(
        Statement, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("结算单")
    )
    refund = models.ForeignKey(
        Refund, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("退费")
    )
    holder = models.CharField(_("户主（脱敏）"), max_length=100, blank=True)
    charged = money_field(_("实收或应收（元）"))
    allowed = money_field(_("政策允许（元）"))
    excess = money_field(_("差额（元）"))

    class Meta:
        ordering = ["check_run", "company", "account", "kind"]
        indexes = [models.Index(fields=["check_run", "kind"], name="finding_check_kind")]
        verbose_name = _("检查发现")
        verbose_name_plural = _("检查发现")

    def __str__(self):
        return f"{self.account} {self.get_kind_display()}"


class Case(models.Model):
    """A case the bureau opens on findings of one company: open → decided (no violation,
    rectification ordered, or penalty) → answered by the company. Every step is a CaseEvent."""

    class State(models.TextChoices):
        OPEN = "open", _("立案待定")
        DECIDED = "decided", _("已作出决定")
        ANSWERED = "answered", _("企业已答复")

    class Decision(models.TextChoices):
        NO_VIOLATION = "no_violation", _("不构成违规")
        RECTIFICATION = "rectification", _("责令整改")
        PENALTY = "penalty", _("行政处罚")

    check_run = models.ForeignKey(
        ComplianceCheck, models.PROTECT, related_name="cases", verbose_name=_("价格执行检查")
    )
    company = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("供热企业"))
    findings = models.ManyToManyField(Finding, related_name="cases", verbose_name=_("检查发现"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.OPEN)
    decision = models.CharField(_("决定"), max_length=20, choices=Decision.choices, blank=True)
    penalty = money_field(_("罚款（元）"), null=True, blank=True)
    bureau_text = models.TextField(_("监督部门意见"), blank=True)
    company_answer = models.TextField(_("企业答复"), blank=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("立案人")
    )
    created_at = models.DateTimeField(_("立案时间"), auto_now_add=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = _("价格执行案件")
        verbose_name_plural = _("价格执行案件")

    def __str__(self):
        return f"{self.company.code} #{self.pk}"


class CaseEvent(models.Model):
    class Kind(models.TextChoices):
        OPENED = "opened", _("立案")
        DECIDED = "decided", _("作出决定")
        ANSWERED = "answered", _("企业答复")

    case = models.ForeignKey(Case, models.CASCADE, related_name="events", verbose_name=_("案件"))
    kind = models.CharField(_("步骤"), max_length=10, choices=Kind.choices)
    organisation = models.ForeignKey(Organisation, models.PROTECT, related_name="+", verbose_name=_("单位"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, related_name="+", verbose_name=_("经办人")
    )
    text = models.TextField(_("内容"), blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["case", "id"]
        verbose_name = _("案件记录")
        verbose_name_plural = _("案件记录")

    def __str__(self):
        return f"{self.case_id} {self.get_kind_display()}"
