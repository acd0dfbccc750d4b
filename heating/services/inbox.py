"""The inbox (heating.models.inbox): what awaits a party and what was decided for it.

    notify(*, users=(), organisations=(), kind, subject, params=None, link) -> list[Message]
    message_open(*, user, message) -> None
    messages_mark_read(*, user) -> int

`notify` writes in the caller's transaction, so a refused step leaves no message behind; once that
commits, each recipient login with an e-mail address (an organisation's: every member's) is also sent it
by e-mail when INBOX_EMAIL_FROM and EMAIL_HOST are set. A subject names the matter and its 户号, never
an identity number, a bank account or a person's name."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from heating.models import Membership, Message, MessageRead
from heating.models.inbox import SUBJECT_MAX, portal_path
from heating.selectors.inbox import unread_organisation_messages

logger = logging.getLogger(__name__)


def _ids(items) -> list[int]:
    return list(dict.fromkeys(getattr(item, "pk", item) for item in items if item is not None))


def _rendered(subject: str, params: dict) -> dict[str, str]:
    """The subject in each portal language; `subject` is the source text (marked with gettext_noop)."""
    texts = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts[code] = (gettext(subject) % params if params else gettext(subject))[:SUBJECT_MAX]
    return texts


def emailing() -> bool:
    return bool(settings.INBOX_EMAIL_FROM and settings.EMAIL_HOST)


def notify(*, users=(), organisations=(), kind: str, subject: str, params=None, link: str) -> list[Message]:
    """One message to each distinct login in `users` (None skipped: a home without a login) and each
    organisation in `organisations` (instances, ids or a queryset)."""
    portal_path(link)
    texts = _rendered(subject, params or {})
    fields = {
        "kind": kind, "subject": texts[settings.LANGUAGE_CODE], "subject_en": texts.get("en", ""),
        "link": link, "created_at": timezone.now(),
    }
    rows = [Message(user_id=pk, **fields) for pk in _ids(users)]
    rows += [Message(organisation_id=pk, **fields) for pk in _ids(organisations)]
    created = Message.objects.bulk_create(rows)
    if created and emailing():
        from heating.tasks import inbox_email  # the tasks call services

        ids = [message.pk for message in created]
        transaction.on_commit(lambda: inbox_email.delay(ids))
    return created


def messages_email(message_ids: list[int]) -> int:
    """E-mail each message to its recipients who have an address, one e-mail per address (no one sees
    another's address); how many were sent. A failing SMTP server is logged, never raised: the
    message is in the inbox whatever happens to the e-mail."""
    if not emailing():
        return 0
    messages = list(Message.objects.filter(pk__in=message_ids))
    users = dict(
        get_user_model().objects.filter(pk__in={m.user_id for m in messages if m.user_id}, is_active=True)
        .exclude(email="").values_list("pk", "email")
    )
    members: dict[int, set[str]] = {}
    memberships = Membership.objects.filter(
        organisation_id__in={m.organisation_id for m in messages if m.organisation_id}, user__is_active=True
    ).exclude(user__email="")
    for organisation_id, email in memberships.values_list("organisation_id", "user__email"):
        members.setdefault(organisation_id, set()).add(email)
    base = settings.PORTAL_BASE_URL.rstrip("/")
    mails = []
    for message in messages:
        if message.user_id:
            addresses = {users[message.user_id]} if message.user_id in users else set()
        else:
            addresses = members.get(message.organisation_id, set())
        opened = base + reverse("inbox-open", args=[message.pk])
        body = "\n".join(filter(None, [message.subject, message.subject_en])) + "\n\n" + opened + "\n"
        mails += [
            EmailMessage(message.subject, body, settings.INBOX_EMAIL_FROM, [address])
            for address in sorted(addresses)
        ]
    if not mails:
        return 0
    try:
        return get_connection().send_messages(mails) or 0
    except OSError as failed:  # smtplib.SMTPException is an OSError
        logger.warning("inbox e-mail not sent (%s messages): %s", len(mails), type(failed).__name__)
        return 0


def message_open(*, user, message: Message) -> None:
    """`user` has opened `message` (theirs, or their organisation's: the caller found it in scope)."""
    if message.user_id is not None:
        if message.read_at is None:
            Message.objects.filter(pk=message.pk, read_at__isnull=True).update(read_at=timezone.now())
    else:
        MessageRead.objects.bulk_create([MessageRead(message=message, user=user)], ignore_conflicts=True)


@transaction.atomic
def messages_mark_read(*, user) -> int:
    """Every message of `user`'s inbox read by them; how many were unread."""
    now = timezone.now()
    own = Message.objects.filter(user=user, read_at__isnull=True).update(read_at=now)
    unread = list(unread_organisation_messages(user).values_list("pk", flat=True))
    MessageRead.objects.bulk_create(
        [MessageRead(message_id=pk, user=user, read_at=now) for pk in unread], ignore_conflicts=True,
        batch_size=1000,
    )
    return own + len(unread)
