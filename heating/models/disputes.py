"""A resident's dispute of their home's billing area (POLICY.md §2): filed with the parts they believe
right, a statement and documents, answered by the heating company, decided by the bureau holding the
area-decision duty (upheld: an AreaDecision from the named season; or rejected), or withdrawn."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from .accounts import Account, AreaDecision
from .fields import area_field, season_year_field
from .files import StoredFile
from .history import History
from .orgs import Organisation

DOCUMENT_MAX_BYTES = 5 * 1024 * 1024
DOCUMENTS_MAX = 5
PARTS_MAX = 10


class AreaDispute(ConcurrentTransitionMixin, models.Model):
    """States: filed → answered → upheld | rejected; filed or answered → withdrawn. Only
    heating.services.disputes moves them; saving checks the state the row was read in, so two people
    cannot decide one dispute twice. `parts` is the resident's claim, [{"kind", "area"}] (area as a
    string of m² with two decimals), checked by the service against the engine's part kinds."""

    class State(models.TextChoices):
        FILED = "filed", _("待企业答复")
        ANSWERED = "answered", _("待部门认定")
        UPHELD = "upheld", _("已认定（支持）")
        REJECTED = "rejected", _("已认定（不支持）")
        WITHDRAWN = "withdrawn", _("已撤回")

    OPEN = (State.FILED, State.ANSWERED)

    account = models.ForeignKey(
        Account, models.PROTECT, related_name="area_disputes", verbose_name=_("账户")
    )
    from_year = season_year_field(_("自供暖季起"))
    parts = models.JSONField(_("申请人认为的采暖部位"), default=list)
    statement = models.TextField(_("异议陈述"))
    state = FSMField(_("状态"), max_length=10, choices=State.choices, default=State.FILED)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("申请人")
    )
    filed_at = models.DateTimeField(_("提出时间"))
    response = models.TextField(_("企业答复"), blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("答复人"),
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    decided_by = models.ForeignKey(
        Organisation, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("认定部门")
    )
    decided_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("认定经办人"),
    )
    decided_at = models.DateTimeField(_("认定时间"), null=True, blank=True)
    area = area_field(_("认定计费面积（m²）"), null=True, blank=True)
    reference = models.CharField(_("认定文号"), max_length=100, blank=True)
    reason = models.TextField(_("理由"), blank=True)
    # The decision an upheld dispute made; a later decision for the same season replaces its figures.
    decision = models.ForeignKey(
        AreaDecision, models.PROTECT, null=True, blank=True, related_name="disputes",
        verbose_name=_("计费面积认定"),
    )
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    history = History()

    class Meta:
        ordering = ["filed_at", "id"]
        constraints = [
            # One open dispute per account at a time: a second would race the first's decision.
            models.UniqueConstraint(
                fields=["account"], condition=models.Q(state__in=["filed", "answered"]),
                name="one_open_area_dispute",
            ),
            models.CheckConstraint(
                condition=models.Q(state="filed")
                | models.Q(state="withdrawn", withdrawn_at__isnull=False)
                | models.Q(answered_at__isnull=False, answered_by__isnull=False),
                name="area_dispute_answer_recorded",
            ),
            models.CheckConstraint(
                condition=~models.Q(state__in=["upheld", "rejected"])
                | models.Q(decided_at__isnull=False, decided_by__isnull=False),
                name="area_dispute_decision_recorded",
            ),
            models.CheckConstraint(
                condition=~models.Q(state="upheld")
                | models.Q(area__gt=0, decision__isnull=False),
                name="area_dispute_upheld_with_area",
            ),
        ]
        indexes = [models.Index(fields=["state", "filed_at"], name="area_dispute_queue")]
        verbose_name = _("计费面积异议")
        verbose_name_plural = _("计费面积异议")

    def __str__(self):
        return f"{self.account} {self.from_year}: {self.get_state_display()}"

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN

    @transition(field=state, source=State.FILED, target=State.ANSWERED)
    def answer(self):
        pass

    @transition(field=state, source=State.ANSWERED, target=State.UPHELD)
    def uphold(self):
        pass

    @transition(field=state, source=State.ANSWERED, target=State.REJECTED)
    def reject(self):
        pass

    @transition(field=state, source=[State.FILED, State.ANSWERED], target=State.WITHDRAWN)
    def withdraw(self):
        pass


def document_path(instance, filename: str) -> str:
    # The stored name is the row's own, never the uploader's text (kept apart as `name`).
    return f"heating/disputes/{instance.dispute.account_id}/{instance.dispute_id}/{instance.sha256}"


class AreaDisputeDocument(StoredFile):
    """A document the resident attached when filing (a property certificate, a floor plan, a photo)."""

    dispute = models.ForeignKey(
        AreaDispute, models.PROTECT, related_name="documents", verbose_name=_("计费面积异议")
    )
    file = models.FileField(_("文件"), upload_to=document_path, max_length=200)

    class Meta:
        ordering = ["dispute", "id"]
        verbose_name = _("异议材料")
        verbose_name_plural = _("异议材料")
