"""E-mail goes out only when INBOX_EMAIL_FROM and EMAIL_HOST are set, only once the notifying
transaction commits, one e-mail per address (an organisation's: every member with an address)."""

import pytest
from django.core import mail
from django.db import transaction
from django.utils.translation import gettext_noop

from heating.models import Message
from heating.services.decisions import certificate_deny, institution_decide
from heating.services.inbox import notify

from .conftest import applied_certificate, applied_institution

SMTP = {"EMAIL_HOST": "smtp.example.cn", "INBOX_EMAIL_FROM": "noreply@heating.example.cn"}


@pytest.fixture
def smtp(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for name, value in SMTP.items():
        setattr(settings, name, value)
    return settings


@pytest.fixture
def commits(django_capture_on_commit_callbacks):
    """Runs what waits for the commit when the block ends (the test's own transaction never commits)."""
    return django_capture_on_commit_callbacks


def test_the_bureaus_members_are_mailed_after_the_application_commits(county, smtp, commits):
    with commits(execute=True) as callbacks:
        certificate = applied_certificate(county)
        assert mail.outbox == []  # not before the commit

    assert len(callbacks) == 1
    assert [m.to for m in mail.outbox] == [["mzj@example.com"]]
    sent = mail.outbox[0]
    message = Message.objects.get()
    assert sent.subject == "户号 H1001 的困难群体收费申请待审定"
    assert sent.from_email == "noreply@heating.example.cn"
    assert f"https://heating.yiyuan.gov.cn/inbox/{message.pk}/" in sent.body
    assert certificate.number not in sent.body


def test_each_member_with_an_address_gets_an_e_mail_of_their_own(county, smtp, commits):
    approval = applied_institution(county)

    with commits(execute=True):
        institution_decide(user=county.education, approval_id=approval.pk, approve=True)

    # The school's contact and DEMO1's clerks: the second clerk has no address.
    assert sorted(m.to[0] for m in mail.outbox) == ["clerk@example.com", "school@example.com"]
    assert all(len(m.to) == 1 and not m.cc and not m.bcc for m in mail.outbox)


def test_a_decision_mails_the_applicant(county, smtp, commits):
    certificate = applied_certificate(county)
    with commits(execute=True):
        certificate_deny(user=county.civil, certificate_id=certificate.pk, reason="证件已过期。")

    assert [m.to for m in mail.outbox] == [["resident@example.com"]]
    assert "/me/low-income/" not in mail.outbox[0].body  # the link opens the message, which marks it read


@pytest.mark.parametrize("unset", ["INBOX_EMAIL_FROM", "EMAIL_HOST"])
def test_no_e_mail_unless_both_are_set(county, smtp, commits, unset):
    setattr(smtp, unset, "")
    with commits(execute=True) as callbacks:
        applied_certificate(county)

    assert callbacks == [] and mail.outbox == []
    assert Message.objects.count() == 1  # the inbox has it all the same


def test_no_e_mail_when_the_transaction_rolls_back(county, smtp, commits):
    class Refused(Exception):
        pass

    with commits(execute=True) as callbacks:
        with pytest.raises(Refused), transaction.atomic():
            notify(
                users=[county.resident], kind=Message.Kind.DECIDED,
                subject=gettext_noop("户号 %(number)s 的困难群体收费申请已批准"), params={"number": "H1001"},
                link="/me/low-income/",
            )
            raise Refused

    assert callbacks == [] and mail.outbox == [] and not Message.objects.exists()


def test_a_failing_smtp_server_is_logged_not_raised(county, smtp, commits, caplog):
    smtp.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    smtp.EMAIL_HOST, smtp.EMAIL_PORT, smtp.EMAIL_TIMEOUT = "127.0.0.1", 9, 1  # nothing listens there

    with commits(execute=True):
        applied_certificate(county)

    assert Message.objects.count() == 1
    assert "inbox e-mail not sent" in caplog.text
    assert "mzj@example.com" not in caplog.text
