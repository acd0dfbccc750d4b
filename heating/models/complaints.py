"""A resident's complaint or repair request (投诉/报修) about their home: filed with a category, a
description and photos, assigned and answered by the account's company (with a room-temperature
measurement where it is about heat), then confirmed and rated, or reopened, by the resident. Every
step is a ComplaintStep (who, when, what)."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from .accounts import Account
from .files import StoredFile

PHOTO_MAX_BYTES = 5 * 1024 * 1024
PHOTOS_MAX = 3


class Complaint(ConcurrentTransitionMixin, models.Model):
    """States: filed → assigned → answered → confirmed; answered → reopened → assigned → answered …
    (staff may also answer a filed or reopened complaint directly). Only heating.services.complaints
    moves them; saving checks the state the row was read in. `due_at` is when the company's answer is
    due (from filing, or from the last reopening); `overdue_at` when the beat task found it past due
    (cleared by a reopening, so each deadline is reported once)."""

    class Category(models.TextChoices):
        COLD = "cold", _("室温偏低")
        NO_HEAT = "no_heat", _("不热（无供暖）")
        LEAK = "leak", _("漏水")
        METER = "meter", _("热量表")
        BILL = "bill", _("账单")
        PRICE = "price", _("收费价格")
        REFUND = "refund", _("退费")
        SERVICE = "service", _("服务态度")

    class State(models.TextChoices):
        FILED = "filed", _("待受理")
        ASSIGNED = "assigned", _("处理中")
        ANSWERED = "answered", _("已处理，待确认")
        CONFIRMED = "confirmed", _("已办结")
        REOPENED = "reopened", _("重新处理")

    # Unanswered: the company's move, counted against the deadline.
    UNANSWERED = (State.FILED, State.ASSIGNED, State.REOPENED)
    ABOUT_HEAT = (Category.COLD, Category.NO_HEAT)
    # Reach the public-utilities administration when filed; may be flagged for the market bureau.
    ABOUT_PRICE = (Category.BILL, Category.PRICE, Category.REFUND)

    account = models.ForeignKey(Account, models.PROTECT, related_name="complaints", verbose_name=_("账户"))
    category = models.CharField(_("类别"), max_length=10, choices=Category.choices)
    description = models.TextField(_("情况说明"))
    suspected_violation = models.BooleanField(_("涉嫌价格违法"), default=False)
    state = FSMField(_("状态"), max_length=10, choices=State.choices, default=State.FILED)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("投诉人")
    )
    filed_at = models.DateTimeField(_("提出时间"))
    opened_at = models.DateTimeField(_("本次受理起算时间"))
    due_at = models.DateTimeField(_("答复期限"))
    overdue_at = models.DateTimeField(_("超期上报时间"), null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("承办人"),
    )
    answer = models.TextField(_("处理情况"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("答复人"),
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("评价"), null=True, blank=True)
    reopen_count = models.PositiveSmallIntegerField(_("重新处理次数"), default=0)

    class Meta:
        ordering = ["-filed_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(state__in=["answered", "confirmed"])
                | models.Q(answered_at__isnull=False, answered_by__isnull=False),
                name="complaint_answer_recorded",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="confirmed")
                | models.Q(confirmed_at__isnull=False, rating__gte=1, rating__lte=5),
                name="complaint_confirmed_rated",
            ),
            models.CheckConstraint(
                condition=models.Q(rating__isnull=True) | models.Q(rating__gte=1, rating__lte=5),
                name="complaint_rating_1_to_5",
            ),
        ]
        indexes = [
            models.Index(fields=["state", "due_at"], name="complaint_due"),
        ]
        verbose_name = _("投诉报修")
        verbose_name_plural = _("投诉报修")

    def __str__(self):
        return f"{self.account} {self.get_category_display()}: {self.get_state_display()}"

    @property
    def about_heat(self) -> bool:
        return self.category in self.ABOUT_HEAT

    @property
    def unanswered(self) -> bool:
        return self.state in self.UNANSWERED

    @transition(field=state, source=[State.FILED, State.ASSIGNED, State.REOPENED], target=State.ASSIGNED)
    def assign(self):
        pass

    @transition(field=state, source=[State.FILED, State.ASSIGNED, State.REOPENED], target=State.ANSWERED)
    def close(self):
        pass

    @transition(field=state, source=State.ANSWERED, target=State.CONFIRMED)
    def confirm(self):
        pass

    @transition(field=state, source=State.ANSWERED, target=State.REOPENED)
    def reopen(self):
        pass


class ComplaintStep(models.Model):
    """One step of a complaint, as its parties read it: who took it, when, and what they wrote."""

    class Action(models.TextChoices):
        FILED = "filed", _("提出")
        ASSIGNED = "assigned", _("派单")
        MEASURED = "measured", _("测量室温")
        ANSWERED = "answered", _("处理完毕")
        CONFIRMED = "confirmed", _("确认办结")
        REOPENED = "reopened", _("要求重新处理")
        OVERDUE = "overdue", _("超期上报")

    complaint = models.ForeignKey(Complaint, models.CASCADE, related_name="steps", verbose_name=_("投诉报修"))
    action = models.CharField(_("步骤"), max_length=10, choices=Action.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("经办人"),
    )
    at = models.DateTimeField(_("时间"))
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["complaint", "at", "id"]
        verbose_name = _("投诉报修记录")
        verbose_name_plural = _("投诉报修记录")

    def __str__(self):
        return f"{self.complaint_id} {self.get_action_display()}"


class TemperatureMeasurement(models.Model):
    """A room temperature the company measured in the complainant's home. `minimum` is the one in
    force when it was recorded (COMPLAINT_MIN_ROOM_TEMPERATURE), so a later change flags nothing anew."""

    complaint = models.ForeignKey(
        Complaint, models.PROTECT, related_name="measurements", verbose_name=_("投诉报修")
    )
    value = models.DecimalField(_("室温（°C）"), max_digits=4, decimal_places=1)
    place = models.CharField(_("测温位置"), max_length=100)
    measured_at = models.DateTimeField(_("测温时间"))
    measured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("测温人")
    )
    minimum = models.DecimalField(_("室温下限（°C）"), max_digits=4, decimal_places=1)
    recorded_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        ordering = ["complaint", "measured_at", "id"]
        verbose_name = _("室温测量")
        verbose_name_plural = _("室温测量")

    def __str__(self):
        return f"{self.value} °C"

    @property
    def below_minimum(self) -> bool:
        return self.value < self.minimum


def photo_path(instance, filename: str) -> str:
    # The stored name is the row's own, never the uploader's text (kept apart as `name`).
    return f"heating/complaints/{instance.complaint.account_id}/{instance.complaint_id}/{instance.sha256}"


class ComplaintPhoto(StoredFile):
    complaint = models.ForeignKey(
        Complaint, models.PROTECT, related_name="photos", verbose_name=_("投诉报修")
    )
    file = models.FileField(_("文件"), upload_to=photo_path, max_length=200)

    class Meta:
        ordering = ["complaint", "id"]
        verbose_name = _("投诉照片")
        verbose_name_plural = _("投诉照片")
