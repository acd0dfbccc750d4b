"""/inbox/: a login's own messages and its organisations', newest first; opening one marks it read for
that login and goes where it points; anyone else's is 404; 全部标为已读; constant queries."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils.translation import gettext_noop

from heating.models import Duty, Message, Role
from heating.services.inbox import notify
from tests.factories import BureauFactory, MembershipFactory

from .conftest import client_of

SUBJECT = gettext_noop("户号 %(number)s 的困难群体收费申请已批准")


def send(number, **recipients):
    params = {"number": number}
    return notify(kind=Message.Kind.DECIDED, subject=SUBJECT, params=params, link="/me/", **recipients)[0]


def test_the_page_shows_ones_own_and_ones_organisations_messages_only(county):
    send("A1", users=[county.clerk])
    send("A2", organisations=[county.company])
    send("B1", users=[county.other_clerk])
    send("B2", organisations=[county.other_company])
    send("C1", organisations=[county.civil.memberships.get().organisation])

    html = client_of(county.clerk).get("/inbox/").content.decode()

    assert "户号 A2 " in html and "户号 A1 " in html
    assert html.index("户号 A2 ") < html.index("户号 A1 ")  # newest first
    assert "户号 B1 " not in html and "户号 B2 " not in html and "户号 C1 " not in html
    assert html.count('class="tag warn"') == 2


def test_the_navigation_links_to_the_inbox_for_everyone_signed_in(county, client):
    assert 'href="/inbox/"' not in client.get("/").content.decode()
    for user in (county.resident, county.clerk, county.civil):
        assert 'href="/inbox/"' in client_of(user).get("/calculator/").content.decode()
    assert 'href="/inbox/" aria-current="page"' in client_of(county.resident).get("/inbox/").content.decode()


def test_the_page_is_for_signed_in_users(client, db):
    assert client.get("/inbox/").status_code == 302


def test_opening_a_message_marks_it_read_and_goes_to_its_link(county):
    message = send("A1", users=[county.resident])
    client = client_of(county.resident)

    response = client.get(f"/inbox/{message.pk}/")

    assert response.status_code == 302 and response["Location"] == "/me/"
    message.refresh_from_db()
    assert message.read_at is not None
    assert 'class="tag warn"' not in client.get("/inbox/").content.decode()


def test_an_organisations_message_is_read_per_member(county):
    message = send("A1", organisations=[county.company])

    client_of(county.clerk).get(f"/inbox/{message.pk}/")

    assert 'class="tag warn"' not in client_of(county.clerk).get("/inbox/").content.decode()
    assert 'class="tag warn"' in client_of(county.second_clerk).get("/inbox/").content.decode()


@pytest.mark.parametrize("whose", ["user", "organisation"])
def test_another_ones_message_is_404_and_stays_unread(county, whose):
    message = send("B1", users=[county.other_clerk]) if whose == "user" else send(
        "B2", organisations=[county.other_company]
    )

    assert client_of(county.clerk).get(f"/inbox/{message.pk}/").status_code == 404
    assert client_of(county.clerk).get("/inbox/999999/").status_code == 404
    message.refresh_from_db()
    assert message.read_at is None and not message.reads.exists()


def test_mark_all_read(county):
    send("A1", users=[county.clerk])
    send("A2", organisations=[county.company])
    client = client_of(county.clerk)

    assert client.get("/inbox/read/").status_code == 405
    response = client.post("/inbox/read/", follow=True)

    html = response.content.decode()
    assert "已全部标为已读" in html and 'class="tag warn"' not in html
    assert 'class="tag warn"' in client_of(county.second_clerk).get("/inbox/").content.decode()


def test_the_page_takes_the_same_queries_however_many_messages(county):
    client = client_of(county.clerk)
    send("A0", users=[county.clerk])
    client.get("/inbox/")  # warm: session, content types

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get("/inbox/").status_code == 200
        return len(captured)

    few = queries()
    for n in range(30):
        send(f"A{n + 1}", **({"users": [county.clerk]} if n % 2 else {"organisations": [county.company]}))
    client.get(f"/inbox/{Message.objects.filter(organisation=county.company).first().pk}/")
    assert queries() == few
    html = client.get("/inbox/?page=2").content.decode()
    assert html.count("<li>") + html.count('<li class="unread">') == 11  # 31 messages, 20 a page


def test_the_page_and_subject_in_english(county):
    send("A1", users=[county.clerk])

    html = client_of(county.clerk).get("/inbox/", headers={"Accept-Language": "en"}).content.decode()

    assert "Account A1: the low-income rate application is approved" in html
    assert "Mark all as read" in html


def test_the_bureau_inbox_lists_its_unread_messages(county):
    """待办 of a bureau without a queue page of its own to land on."""
    bureau = BureauFactory(code="FGJ", duties=[Duty.REFUND_OVERSIGHT])
    officer = MembershipFactory(organisation=bureau, role=Role.OFFICER).user
    opened = send("H1000", organisations=[bureau])
    send("H1001", organisations=[bureau])
    send("X9", organisations=[county.housing.memberships.get().organisation])
    client = client_of(officer)
    client.get(f"/inbox/{opened.pk}/")

    html = client.get("/bureau/").content.decode()

    assert "未读消息" in html and "户号 H1001 " in html
    assert "户号 H1000 " not in html and "户号 X9 " not in html
    assert "目前没有等待您处理的事项" not in html


@pytest.mark.parametrize("link", ["https://evil.example/", "//evil.example/", "/\\evil.example/", "me/"])
def test_a_link_must_be_a_path_of_the_portal(county, link):
    with pytest.raises(ValidationError):
        notify(users=[county.clerk], kind=Message.Kind.DECIDED, subject=SUBJECT, link=link)
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.create(user=county.clerk, kind=Message.Kind.DECIDED, subject="x", link=link)


def test_a_message_has_exactly_one_recipient(county):
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.create(
            user=county.clerk, organisation=county.company, kind=Message.Kind.DECIDED, subject="x", link="/"
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Message.objects.create(kind=Message.Kind.DECIDED, subject="x", link="/")
