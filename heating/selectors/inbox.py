"""The inbox a login sees: the messages addressed to it and to the organisations it belongs to."""

from django.db.models import BooleanField, Exists, ExpressionWrapper, OuterRef, Q
from django.http import Http404

from heating.models import Membership, Message, MessageRead

LATEST_UNREAD = 10


def _reads(user):
    return MessageRead.objects.filter(message=OuterRef("pk"), user=user)


def inbox_messages(user):
    """Newest first, each with `unread` (a login's message until opened; an organisation's until this
    member opened it). One query, whatever the number of messages."""
    if not user.is_authenticated:
        return Message.objects.none()
    unread = Q(user__isnull=False, read_at__isnull=True) | (
        Q(organisation__isnull=False) & ~Exists(_reads(user))
    )
    return (
        Message.objects.filter(
            Q(user=user) | Q(organisation__in=Membership.objects.filter(user=user).values("organisation_id"))
        )
        .annotate(unread=ExpressionWrapper(unread, output_field=BooleanField()))
        .order_by("-created_at", "-id")
    )


def latest_unread(user, limit: int = LATEST_UNREAD) -> list[Message]:
    return list(inbox_messages(user).filter(unread=True)[:limit])


def unread_organisation_messages(user):
    """The messages to `user`'s organisations this member has not opened."""
    return Message.objects.filter(
        organisation__in=Membership.objects.filter(user=user).values("organisation_id")
    ).exclude(Exists(_reads(user)))


def inbox_message_or_404(user, pk) -> Message:
    """One of the user's messages; anyone else's is the same 404 as none at all."""
    message = inbox_messages(user).filter(pk=pk).first()
    if message is None:
        raise Http404
    return message
