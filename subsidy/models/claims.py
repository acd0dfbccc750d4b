"""The county subsidy claim (POLICY.md §8): one per company and season, moved through its review by
subsidy.services.claims only. Its figures are frozen into versions; every step is an append-only event."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from heating.models.fields import money_field, season_year_field
from heating.models.ledger import AppendOnly, AppendOnlyQuerySet


class Claim(ConcurrentTransitionMixin, models.Model):
    """States: draft → submitted → reviewed (all review slots approved) → approved → paid; submitted
    or reviewed → returned → submitted again; a change of figures takes reviewed or approved back to
    submitted. Saving checks the state it was read in, so two officers cannot take one step twice."""

    class State(models.TextChoices):
        DRAFT = "draft", _("草稿")
        SUBMITTED = "submitted", _("审核中")
        RETURNED = "returned", _("已退回企业")
        REVIEWED = "reviewed", _("审核完毕待审批")
        APPROVED = "approved", _("已审批待拨付")
        PAID = "paid", _("已拨付")

    EDITABLE = (State.DRAFT, State.RETURNED)

    company = models.ForeignKey(
        "heating.Organisation", models.PROTECT, related_name="subsidy_claims", verbose_name=_("供热企业")
    )
    season_year = season_year_field(_("供暖季"))
    state = FSMField(_("状态"), max_length=10, choices=State.choices, default=State.DRAFT)
    note = models.TextField(_("企业说明"), blank=True)
    current_version = models.ForeignKey(
        "ClaimVersion", models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("当前版本")
    )
    # The current version's figures with this version's cost adjustments applied: what the reviewers
    # see and what finance approves. Each event keeps the figures before and after its step.
    figures = models.JSONField(_("当前数据"), null=True, blank=True)
    approved_amount = money_field(_("审批金额（元）"), null=True, blank=True)
    paid_on = models.DateField(_("拨付日期"), null=True, blank=True)
    payment_reference = models.CharField(_("拨付凭证号"), max_length=100, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        ordering = ["-season_year", "company"]
        constraints = [
            models.UniqueConstraint(fields=["company", "season_year"], name="one_claim_per_company_season")
        ]
        verbose_name = _("补贴申请")
        verbose_name_plural = _("补贴申请")

    def __str__(self):
        return f"{self.company.name} {self.season_year}-{self.season_year + 1}"

    @transition(field=state, source=[State.DRAFT, State.RETURNED], target=State.SUBMITTED)
    def submit(self):
        pass

    @transition(field=state, source=State.SUBMITTED, target=State.REVIEWED)
    def complete_review(self):
        pass

    @transition(field=state, source=[State.SUBMITTED, State.REVIEWED, State.APPROVED], target=State.SUBMITTED)
    def reopen(self):
        pass

    @transition(field=state, source=[State.SUBMITTED, State.REVIEWED], target=State.RETURNED)
    def send_back(self):
        pass

    @transition(field=state, source=State.REVIEWED, target=State.APPROVED)
    def approve(self):
        pass

    @transition(field=state, source=State.APPROVED, target=State.PAID)
    def pay(self):
        pass


class ClaimVersion(AppendOnly):
    """The figures of `subsidy.selectors.figures.claim_figures` frozen at a submission or a recompute
    (the contract's two-decimal strings), the declared cost items behind `cost`, and a marker of the
    season's statements they were computed from: statements are never deleted, so a larger count or a
    newer id means a statement was issued since (a first settlement or a re-settlement)."""

    claim = models.ForeignKey(Claim, models.PROTECT, related_name="versions", verbose_name=_("补贴申请"))
    number = models.PositiveSmallIntegerField(_("版本"))
    figures = models.JSONField(_("数据"))
    cost_items = models.JSONField(_("申报成本明细"))
    statements_count = models.PositiveIntegerField(_("结算单数"))
    latest_statement_id = models.BigIntegerField(_("最新结算单编号"), default=0)
    made_at = models.DateTimeField(_("生成时间"), auto_now_add=True)
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("生成人")
    )

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["claim", "number"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "number"], name="unique_claim_version"),
        ]
        verbose_name = _("补贴申请版本")
        verbose_name_plural = _("补贴申请版本")

    def __str__(self):
        return f"{self.claim_id} v{self.number}"


class ClaimReview(models.Model):
    """One review slot of a claim, held by an organisation with a review duty. Reset to pending by a
    resubmission, a cost adjustment or a recompute; its history is in the claim's events."""

    class Decision(models.TextChoices):
        PENDING = "pending", _("待审核")
        APPROVED = "approved", _("审核通过")

    claim = models.ForeignKey(Claim, models.CASCADE, related_name="reviews", verbose_name=_("补贴申请"))
    organisation = models.ForeignKey(
        "heating.Organisation", models.PROTECT, related_name="+", verbose_name=_("审核单位")
    )
    decision = models.CharField(_("结论"), max_length=10, choices=Decision.choices, default=Decision.PENDING)

    class Meta:
        ordering = ["claim", "organisation"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "organisation"], name="one_review_per_organisation")
        ]
        verbose_name = _("审核意见")
        verbose_name_plural = _("审核意见")

    def __str__(self):
        return f"{self.claim_id} {self.organisation.name}: {self.get_decision_display()}"


class ClaimAdjustment(AppendOnly):
    """A reviewer's change of one declared cost item of a version, with the reason. A later
    adjustment of the same item supersedes it (its `before` is this one's `after`)."""

    version = models.ForeignKey(
        ClaimVersion, models.PROTECT, related_name="adjustments", verbose_name=_("补贴申请版本")
    )
    category = models.CharField(_("成本项目"), max_length=30)
    amount_before = money_field(_("调整前（元）"))
    amount_after = money_field(_("调整后（元）"))
    reason = models.TextField(_("调整理由"))
    organisation = models.ForeignKey(
        "heating.Organisation", models.PROTECT, related_name="+", verbose_name=_("调整单位")
    )
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("调整人")
    )
    made_at = models.DateTimeField(_("调整时间"), auto_now_add=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["version", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount_after__gte=0), name="adjusted_cost_not_negative")
        ]
        verbose_name = _("成本调整")
        verbose_name_plural = _("成本调整")

    def __str__(self):
        return f"{self.category}: {self.amount_before} → {self.amount_after}"


class ClaimEvent(AppendOnly):
    """One step of a claim's history, written in the same transaction as the step: who, for which
    organisation, when, the decision, the comment and the figures before and after."""

    class Kind(models.TextChoices):
        CREATED = "created", _("创建")
        EDITED = "edited", _("修改")
        SUBMITTED = "submitted", _("提交")
        REVIEW_APPROVED = "review_approved", _("审核通过")
        COST_ADJUSTED = "cost_adjusted", _("调整成本")
        RETURNED = "returned", _("退回企业")
        RECOMPUTED = "recomputed", _("重新计算")
        APPROVED = "approved", _("审批")
        PAID = "paid", _("拨付")
        FUNDS_CHECKED = "funds_checked", _("资金使用检查")

    class Decision(models.TextChoices):
        AGREE = "agree", _("同意")
        RETURN = "return", _("退回")
        SOUND = "sound", _("专款专用")
        CONCERN = "concern", _("发现问题")

    claim = models.ForeignKey(Claim, models.PROTECT, related_name="events", verbose_name=_("补贴申请"))
    version = models.ForeignKey(
        ClaimVersion, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("版本")
    )
    kind = models.CharField(_("步骤"), max_length=20, choices=Kind.choices)
    state_after = models.CharField(_("步骤后状态"), max_length=10, choices=Claim.State.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("经办人")
    )
    actor_name = models.CharField(_("经办人姓名"), max_length=150)
    organisation = models.ForeignKey(
        "heating.Organisation", models.PROTECT, related_name="+", verbose_name=_("单位")
    )
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    decision = models.CharField(_("结论"), max_length=10, choices=Decision.choices, blank=True)
    comment = models.TextField(_("意见"), blank=True)
    adjustment = models.OneToOneField(
        ClaimAdjustment,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="event",
        verbose_name=_("成本调整"),
    )
    figures_before = models.JSONField(_("变更前数据"), null=True, blank=True)
    figures_after = models.JSONField(_("变更后数据"), null=True, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["claim", "id"]
        indexes = [models.Index(fields=["claim", "kind"], name="claim_event_kind")]
        verbose_name = _("补贴申请记录")
        verbose_name_plural = _("补贴申请记录")

    def __str__(self):
        return f"{self.claim_id} {self.get_kind_display()} {self.actor_name}"
