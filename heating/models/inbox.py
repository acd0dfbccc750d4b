"""The portal's inbox: short notices of what awaits a party and what was decided for it, addressed to
one login or to an organisation (every member sees it). Subjects are rendered when sent, once per
portal language, so a message reads the same later whatever its source text becomes."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from .orgs import Organisation

SUBJECT_MAX = 200
LINK_MAX = 300
# A path of this portal: "/…" but never "//host" or "/\host", which browsers follow off-site.
portal_path = RegexValidator(r"^/(?![/\\])", _("链接须是本门户的路径。"))


class Message(models.Model):
    class Kind(models.TextChoices):
        AWAITING = "awaiting", _("待处理")
        DECIDED = "decided", _("审定结果")
        REMINDER = "reminder", _("提醒")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, null=True, blank=True, related_name="inbox_messages",
        verbose_name=_("收件人"),
    )
    organisation = models.ForeignKey(
        Organisation, models.CASCADE, null=True, blank=True, related_name="inbox_messages",
        verbose_name=_("收件单位"),
    )
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices)
    subject = models.CharField(_("标题"), max_length=SUBJECT_MAX)
    subject_en = models.CharField(_("英文标题"), max_length=SUBJECT_MAX, blank=True)
    link = models.CharField(_("链接"), max_length=LINK_MAX, validators=[portal_path])
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    # A message to one login is read once; an organisation's is read per member (MessageRead).
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False) & Q(organisation__isnull=True))
                | (Q(user__isnull=True) & Q(organisation__isnull=False)),
                name="message_one_recipient",
            ),
            models.CheckConstraint(
                condition=Q(link__startswith="/") & ~Q(link__startswith="//") & ~Q(link__startswith="/\\"),
                name="message_portal_link",
            ),
            models.CheckConstraint(
                condition=Q(read_at__isnull=True) | Q(user__isnull=False), name="message_read_by_user"
            ),
        ]
        indexes = [
            models.Index(fields=["user", "-created_at"], name="message_user_latest"),
            models.Index(fields=["organisation", "-created_at"], name="message_org_latest"),
        ]
        verbose_name = _("消息")
        verbose_name_plural = _("消息")

    def __str__(self):
        return self.subject

    @property
    def shown_subject(self) -> str:
        """The subject in the visitor's language (Chinese when no rendering in theirs was kept)."""
        if translation.get_language() == "en" and self.subject_en:
            return self.subject_en
        return self.subject


class MessageRead(models.Model):
    """A member of the recipient organisation has opened (or marked read) its message."""

    message = models.ForeignKey(Message, models.CASCADE, related_name="reads", verbose_name=_("消息"))
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="+", verbose_name=_("用户")
    )
    read_at = models.DateTimeField(_("已读时间"), default=timezone.now)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["message", "user"], name="unique_message_read")]
        verbose_name = _("消息已读")
        verbose_name_plural = _("消息已读")

    def __str__(self):
        return f"{self.message_id} @ {self.user_id}"
