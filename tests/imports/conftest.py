import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.test import Client
from django.utils import translation

from heating.models import Role
from tests.factories import CompanyFactory, HeatedPartFactory, MembershipFactory, MeterFactory, UserFactory


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """Files waiting for a commit go under MEDIA_ROOT: a fresh one per test."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"


@pytest.fixture(autouse=True)
def staff_language():
    """Row errors are in Chinese, the default language, whatever an earlier test in this process left
    active (a request with Accept-Language: en leaves English active in the thread)."""
    with translation.override("zh-hans"):
        yield


@pytest.fixture
def company(db):
    return CompanyFactory(code="A")


@pytest.fixture
def other_company(db):
    return CompanyFactory(code="B")


@pytest.fixture
def alice(company):
    """A clerk of company A."""
    user = UserFactory(username="alice")
    return MembershipFactory(user=user, organisation=company, role=Role.CLERK).user


@pytest.fixture
def bob(other_company):
    """A clerk of company B."""
    user = UserFactory(username="bob")
    return MembershipFactory(user=user, organisation=other_company, role=Role.CLERK).user


@pytest.fixture
def client_for():
    def login(user):
        client = Client()
        client.force_login(user)
        return client

    return login


@pytest.fixture
def meters(company):
    """`meters(n)`: n meters of company A (serials M0000, M0001, …), each in an 80 m² home."""

    def make(n, prefix="M", of=None):
        made = []
        for i in range(n):
            meter = MeterFactory(company=of or company, serial=f"{prefix}{i:04d}")
            HeatedPartFactory(premises=meter.account.premises, area=Decimal("80.00"))
            made.append(meter)
        return made

    return make


def csv_bytes(rows, *, bom=False, encoding="utf-8"):
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode(encoding)


def xlsx_bytes(rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
