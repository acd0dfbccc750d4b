"""Long work a person can watch: a Job, cut into slots that worker processes claim and finish.

A slot's work and its DONE commit together, so a worker killed mid-slot leaves the slot claimed and
undone; once its claim is older than the lease another worker redoes it (zulip's resumable batches)."""
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .orgs import Organisation


class Job(models.Model):
    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        FAILED = "failed", _("失败")

    ACTIVE = (State.QUEUED, State.RUNNING)

    kind = models.CharField(_("任务类型"), max_length=40)
    company = models.ForeignKey(Organisation, models.PROTECT, related_name="jobs", verbose_name=_("供热企业"))
    # None for a job started from the command line (manage.py settle_season).
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("发起人"),
    )
    params = models.JSONField(_("参数"), default=dict, blank=True)
    # The canonical text of params: one active job per (kind, company, params_key).
    params_key = models.CharField(_("参数键"), max_length=200)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(_("总数"), default=0)
    done = models.PositiveIntegerField(_("已完成数"), default=0)
    error = models.TextField(_("错误说明"), blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("后台任务")
        verbose_name_plural = _("后台任务")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "company", "params_key"],
                condition=Q(state__in=["queued", "running"]),
                name="job_one_active_per_kind_company_params",
            ),
            models.CheckConstraint(condition=Q(done__lte=models.F("total")), name="job_done_within_total"),
        ]

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.get_state_display()})"

    @property
    def active(self) -> bool:
        return self.state in self.ACTIVE


class JobSlot(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("待处理")
        CLAIMED = "claimed", _("处理中")
        DONE = "done", _("已完成")

    job = models.ForeignKey(Job, models.CASCADE, related_name="slots", verbose_name=_("后台任务"))
    index = models.PositiveIntegerField(_("序号"))
    payload = models.JSONField(_("内容"), default=dict, blank=True)
    size = models.PositiveIntegerField(_("数量"), default=1)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    claimed_at = models.DateTimeField(_("领取时间"), null=True, blank=True)
    claimed_by = models.CharField(_("领取进程"), max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(_("领取次数"), default=0)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)
    # What the handler returned for the slot (counts, say), kept with its DONE for the job's outcome.
    result = models.JSONField(_("结果"), default=dict, blank=True)

    class Meta:
        verbose_name = _("任务分片")
        verbose_name_plural = _("任务分片")
        constraints = [models.UniqueConstraint(fields=["job", "index"], name="job_slot_unique_index")]
        indexes = [models.Index(fields=["job", "state"], name="job_slot_job_state")]

    def __str__(self):
        return f"{self.job_id}/{self.index} ({self.get_state_display()})"
