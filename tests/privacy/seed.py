"""The demo county (`manage.py seed_demo`, a smaller one) plus identity numbers put in the way staff put
them in: an onboarding book uploaded and committed at the portal, a change of owner (过户) at the
counter, the civil-affairs roster uploaded and committed, and a refused book whose row has a mistyped
number. Around them: a low-income application, area disputes, a settled season with refunds, a
receipt, a notices job, a submitted subsidy claim and a company token, so that every page has rows.

`Seeded.numbers` is every full identity number the portal was given or holds (each customer's, read
back from its cipher), the list the crawl and the database scan look for."""

import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from heating import identity
from heating.demo.county import DEMO_DRAFT_CODE
from heating.imports.onboarding import COLUMNS
from heating.imports.reconciliation import import_statement_file
from heating.models import (
    Account,
    ApiToken,
    AreaDispute,
    Customer,
    Duty,
    ImportBatch,
    InstitutionApproval,
    Job,
    LowIncomeCertificate,
    LowIncomeScan,
    Message,
    Meter,
    Organisation,
    PaymentOrder,
    PricePolicy,
    Reading,
    Receipt,
    Reconciliation,
    Refund,
    Statement,
)
from heating.models.accounts import Decision
from heating.services.complaints import complaint_answer, complaint_file, complaint_measure
from heating.services.disputes import dispute_answer, dispute_file
from heating.services.institutions import institution_apply
from heating.services.lowincome import certificate_apply
from heating.services.notice_runs import notices_start
from heating.services.receipts import payment_take
from heating.services.refunds import refunds_open_for_season
from subsidy.models import ConnectionFee
from subsidy.services.claims import claim_create, claim_submit
from subsidy.services.whatif import whatif_start
from supervision.services.cases import case_open
from supervision.services.check_job import check_start
from tests.factories import id_number
from tests.subsidy_whatif.helpers import draft_of, in_force
from tests.uploads import PDF, PNG

ACCOUNTS = 80  # every showcase account of the demo (indexes 0..39) and some ordinary ones
SEASON = "2019-2020"
CIVIL_AFFAIRS = Duty.ELIGIBILITY_CIVIL_AFFAIRS


def new_number(n: int) -> str:
    """A distinct valid number of a 沂源县 (370323) person born in the 1960s, `n` < 1000."""
    born = datetime.date(1960, 1, 1) + datetime.timedelta(days=37 * n)
    return id_number(f"370323{born:%Y%m%d}{n % 1000:03d}")


# Given to the portal in files and forms below.
BOOK = [new_number(n) for n in range(1, 4)]  # DEMO1's onboarding book, three households
BOOK2 = new_number(4)  # DEMO2's onboarding book
TRANSFER = new_number(5)  # the new owner of a DEMO1 account, at the counter
UNMATCHED = new_number(6)  # a roster row matching no home
PREVIEWED = new_number(7)  # a roster row in a file previewed and not committed
MISTYPED = new_number(8)[:17] + ("0" if new_number(8)[17] != "0" else "1")  # a wrong check character


@dataclass
class Seeded:
    numbers: set[str]
    users: dict
    token_key: str
    # per company code: what fills a route's parameters for that company's staff
    samples: dict[str, dict] = field(default_factory=dict)
    common: dict = field(default_factory=dict)


def _client(user) -> Client:
    client = Client(raise_request_exception=True)
    client.force_login(user)
    return client


def _book(rows) -> bytes:
    header = ",".join(c.label for c in COLUMNS)
    base = {
        "phone": "13805330000",
        "building_code": "PII-B01",
        "building_name": "隐私检查楼",
        "route_code": "",
        "parts": "flat:80.00",
        "price_class": "居民",
        "exchangers": "0",
        "from_season": SEASON,
        "opened_on": "2019-10-01",
        "meter_serial": "",
        "meter_installed_on": "",
        "opening_reading_gj": "",
        "opening_read_at": "",
    }
    lines = [header] + [",".join({**base, **row}.get(c.key, "") for c in COLUMNS) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def _upload(client, url: str, data: bytes, name: str) -> int:
    response = client.post(url, {"file": SimpleUploadedFile(name, data, "text/csv")})
    assert response.status_code == 302, response.content.decode()[:500]
    return int(response.url.rstrip("/").rsplit("/", 1)[1])


def _onboard(client, rows, name="建档.csv") -> int:
    pk = _upload(client, "/company/imports/onboarding/", _book(rows), name)
    if ImportBatch.objects.get(pk=pk).status == ImportBatch.Status.PREVIEWED:
        assert client.post(f"/company/imports/{pk}/commit/").status_code == 302
    return pk


def _roster(client, *rows, commit: bool) -> int:
    text = "姓名,身份证号,证件编号,类别,有效期起,有效期至\n" + "".join(f"{r}\n" for r in rows)
    pk = _upload(client, "/bureau/low-income/roster/", text.encode(), "名册.csv")
    if commit:
        assert client.post(f"/bureau/low-income/roster/{pk}/commit/").status_code == 302
    return pk


def seed(on_commit) -> Seeded:
    """`on_commit` is pytest-django's django_capture_on_commit_callbacks: jobs run as they would."""
    call_command("seed_demo", accounts=ACCOUNTS, stdout=io.StringIO())
    users = {u.username: u for u in get_user_model().objects.all()}
    demo1, demo2 = Organisation.objects.get(code="DEMO1"), Organisation.objects.get(code="DEMO2")
    clerk1, manager1 = users["clerk1"], users["manager1"]

    clerk = _client(clerk1)
    _onboard(
        clerk,
        [
            {"account": "0199001", "customer": "孔繁森", "id_number": BOOK[0], "unit": "1-101"},
            {"account": "0199002", "customer": "焦裕禄", "id_number": BOOK[1], "unit": "1-102"},
            {"account": "0199003", "customer": "谷文昌", "id_number": BOOK[2], "unit": "1-103"},
        ],
    )
    refused = _upload(
        clerk,
        "/company/imports/onboarding/",
        _book(
            [
                {"account": "0199004", "customer": "杨善洲", "id_number": MISTYPED, "unit": "1-104"},
            ]
        ),
        f"{MISTYPED}.csv",
    )
    with on_commit(execute=True):
        _onboard(
            _client(users["clerk2"]),
            [{"account": "0299001", "customer": "王进喜", "id_number": BOOK2, "unit": "2-201"}],
        )
    transferred = Account.objects.filter(company=demo1, customer__user__isnull=True).order_by("number")[6]
    response = clerk.post(
        f"/company/accounts/{transferred.number}/",
        {"name": "钱学森", "phone": "13905331111", "id_number": TRANSFER, "on": "2020-05-01"},
    )
    assert response.status_code == 302, response.content.decode()[:500]

    civil = _client(users["civil"])
    roster = _roster(
        civil,
        f"孔繁森,{BOOK[0]},DB2020-0001,低保证,2019-10-01,2021-12-31",
        f"无名氏,{UNMATCHED},TK2020-0002,特困人员证,2019-10-01,",
        commit=True,
    )
    previewed = _roster(civil, f"焦裕禄,{PREVIEWED},DB2020-0003,低保证,2019-10-01,", commit=False)

    resident = users["resident"]
    homes = list(Account.objects.filter(customer__user=resident, company=demo1).order_by("number"))
    certificate = certificate_apply(
        user=resident,
        account_id=homes[1].pk,
        kind=LowIncomeCertificate.Kind.DIBAO,
        number="DB2019-0042",
        valid_from=datetime.date(2019, 10, 1),
        valid_until=datetime.date(2021, 6, 30),
        upload=SimpleUploadedFile("低保证.pdf", PDF, "application/pdf"),
    )
    disputes = [
        dispute_file(
            user=resident,
            account_id=home.pk,
            from_year=2019,
            parts=[{"kind": "flat", "area": "70.00"}],
            statement="房产证上的套内面积是 70 平方米。",
            documents=[SimpleUploadedFile("房产证.pdf", PDF, "application/pdf")],
        )
        for home in homes
    ]
    dispute_answer(user=clerk1, dispute_id=disputes[0].pk, response="登记面积按测绘报告 80 平方米。")
    complaints = [
        complaint_file(
            user=resident, account_id=homes[0].pk, category="cold", description="主卧室只有 15 度。",
            photos=[SimpleUploadedFile("暖气片.png", PNG, "image/png")],
        ),
        complaint_file(
            user=resident, account_id=homes[1].pk, category="price", description="单价高于公布的价格。",
            suspected_violation=True,
        ),
    ]
    complaint_measure(
        user=clerk1, complaint_id=complaints[0].pk, value="15.5", place="主卧室", measured_at=timezone.now()
    )
    complaint_answer(user=clerk1, complaint_id=complaints[0].pk, answer="已排气，复测 19 度。")
    school = (
        InstitutionApproval.objects.filter(account__company=demo1, status=Decision.APPROVED)
        .order_by("account__number")
        .first()
    )
    institution = institution_apply(
        user=clerk1,
        account_id=school.account_id,
        category=school.category,
        from_year=2020,
        statement="教学楼全部自用，无出租。",
        documents=[SimpleUploadedFile("办学许可证.pdf", PDF, "application/pdf")],
    )

    with on_commit(execute=True):
        for code in ("DEMO1", "DEMO2"):
            call_command("settle_season", code, SEASON, stdout=io.StringIO())
    refunds_open_for_season(company=demo1, start_year=2019, user=manager1)
    refunds_open_for_season(company=demo2, start_year=2019, user=users["manager2"])
    for number, user in (("0199001", clerk1), ("0299001", users["clerk2"])):
        payment_take(
            account=Account.objects.get(number=number),
            season_year=2020,
            amount=Decimal("1680.00"),
            channel="cash",
            user=user,
        )
    with on_commit(execute=True):
        notice_job = notices_start(
            company=demo1,
            start_year=2019,
            user=clerk1,
            building=Account.objects.get(number="0199001").premises.building,
        )
    claim = claim_submit(user=manager1, claim_id=claim_create(user=manager1, start_year=2019).id)
    token, key = ApiToken.issue(company=demo1, name="远传抄表系统", created_by=manager1)
    with on_commit(execute=True):
        whatif = whatif_start(
            season_year=2019,
            policies=[draft_of(in_force())],
            bureau=Organisation.objects.get(code="FGJ"),
            user=users["ndrc"],
        )
    market = Organisation.objects.get(code="SCJGJ")
    with on_commit(execute=True):  # the refunds opened above and never paid are overdue
        check = check_start(
            bureau=market, company=None, start_year=2019, deadline=datetime.date(2020, 6, 30),
            user=users["market"],
        )
    finding = check.findings.order_by("pk").first()
    case = case_open(bureau=market, check=check, finding_ids=[finding.pk], text="立案", user=users["market"])

    reconciled = {}
    for company, number, user in ((demo1, "0199001", clerk1), (demo2, "0299001", users["clerk2"])):
        statement = f"户号,金额,银行流水号,入账日期\n{number},1680.00,RECON{number},2020-11-20\n".encode()
        result = import_statement_file(
            company=company, user=user, file_name="bank.csv", data=statement, commit=True
        )
        assert result.committed, result.errors
        reconciled[company.code] = Reconciliation.objects.get(batch=result.batch)

    samples = {}
    for company, number in ((demo1, "0199001"), (demo2, "0299001")):
        statement = Statement.objects.filter(account__company=company).order_by("pk").first()
        samples[company.code] = {
            "company": company.code,
            "number": number,
            "serial": Meter.objects.filter(account__company=company).order_by("pk").first().serial,
            "statement": statement.pk,
            "reading": Reading.objects.filter(company=company).order_by("-pk").first().pk,
            "receipt": Receipt.objects.filter(payment__account__company=company).order_by("-pk").first().pk,
            "payment": Receipt.objects.filter(payment__account__company=company).order_by("-pk").first()
            .payment_id,
            "order": PaymentOrder.objects.create(
                company=company, account=Account.objects.get(number=number), season_year=2020,
                purpose="owed", amount=Decimal("1.00"), provider="sandbox", out_trade_no=f"HTCRAWL{number}",
            ).pk,
            "refund": Refund.objects.filter(account__company=company).order_by("pk").first().pk,
            "import": ImportBatch.objects.filter(company=company, kind=ImportBatch.Kind.ONBOARDING)
            .order_by("pk")
            .first()
            .pk,
            "job": Job.objects.filter(company=company).order_by("-pk").first().pk,
            "fee": ConnectionFee.objects.filter(company=company).order_by("pk").first().pk,
            "reconciliation": reconciled[company.code].pk,
            "mismatch": reconciled[company.code].mismatches.get().pk,
        }
    common = {
        "claim": claim.pk,
        "whatif": whatif.pk,
        "compliance_check": check.pk,
        "compliance_case": case.pk,
        "refused_import": refused,
        "notice_job": notice_job.pk,
        "token": token.pk,
        "certificate": certificate.pk,
        "scan": LowIncomeScan.objects.get(certificate=certificate).pk,
        "roster": roster,
        "roster_previewed": previewed,
        "dispute": disputes[0].pk,
        "dispute_filed": disputes[1].pk,
        "document": disputes[0].documents.order_by("pk").first().pk,
        "institution": institution.pk,
        "complaint": complaints[0].pk,
        "complaint_filed": complaints[1].pk,
        "complaint_photo": complaints[0].photos.get().pk,
        "message": Message.objects.order_by("pk").first().pk,
        "institution_document": institution.application.documents.get().pk,
        "home": homes[0].number,
        "policy_draft": PricePolicy.objects.get(code=DEMO_DRAFT_CODE).pk,
        "policy_published": PricePolicy.objects.published().order_by("pk").first().pk,
        "id_customer": Customer.objects.get(id_number_hash=identity.fingerprint(BOOK[0])).pk,
    }
    numbers = {
        identity.reveal(c)
        for c in Customer.objects.exclude(id_number_cipher="").values_list("id_number_cipher", flat=True)
    }
    numbers |= {*BOOK, BOOK2, TRANSFER, UNMATCHED, PREVIEWED, MISTYPED}
    assert AreaDispute.objects.count() >= 2
    return Seeded(numbers=numbers, users=users, token_key=key, samples=samples, common=common)
