"""factory_boy factories for the heating domain, plus a few helpers that build a billable account.

Company is kept consistent down every chain: an account takes its company from its premises, a
meter from its account, a reading from its meter. Passing `company=` to AccountFactory,
MeterFactory or ReadingFactory (without the parent) builds the parent chain in that company.
"""
import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import factory
from django.conf import settings
from factory.django import DjangoModelFactory

from heating.billing import BUILDING, FLAT, RESIDENTIAL
from heating.models import (
    Account,
    AccountTerms,
    AreaDecision,
    Building,
    Customer,
    Duty,
    HeatedPart,
    InstitutionApproval,
    LowIncomeCertificate,
    Membership,
    Meter,
    Organisation,
    OrganisationDuty,
    Payment,
    Premises,
    PricePolicy,
    Reading,
    Role,
    Route,
    Season,
)
from heating.models.accounts import Decision

TZ = ZoneInfo(settings.TIME_ZONE)

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def id_number(first17: str = "37032319800101001") -> str:
    """A valid 18-character 身份证号 (GB 11643 check character appended) from its first 17 digits."""
    assert len(first17) == 17 and first17.isdigit(), first17
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return first17 + "10X98765432"[total % 11]


def aware(year, month, day, hour=0, minute=0) -> datetime.datetime:
    """An aware datetime in the portal's time zone."""
    return datetime.datetime(year, month, day, hour, minute, tzinfo=TZ)


class _CompanyFollowsParent:
    """`company=X` without the parent object builds the parent chain in company X."""

    _company_via: str = ""

    @classmethod
    def _generate(cls, strategy, params):
        parent = cls._company_via.split("__")[0]
        if "company" in params and not any(k == parent or k.startswith(parent + "__") for k in params):
            params = {**params, cls._company_via: params["company"]}
        return super()._generate(strategy, params)


# Organisations and people ---------------------------------------------------------------------


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    code = factory.Sequence(lambda n: f"ORG{n:04d}")
    name = factory.LazyAttribute(lambda o: f"单位{o.code}")
    kind = Organisation.Kind.COMPANY


class CompanyFactory(OrganisationFactory):
    code = factory.Sequence(lambda n: f"CO{n:04d}")
    name = factory.LazyAttribute(lambda o: f"供热公司{o.code}")
    kind = Organisation.Kind.COMPANY


class BureauFactory(OrganisationFactory):
    """A county bureau; `duties=[Duty.AREA_DECISION, ...]` gives it those duties."""

    class Meta:
        skip_postgeneration_save = True

    code = factory.Sequence(lambda n: f"BU{n:04d}")
    name = factory.LazyAttribute(lambda o: f"县直部门{o.code}")
    kind = Organisation.Kind.BUREAU

    @factory.post_generation
    def duties(obj, create, extracted, **kwargs):
        if not create or not extracted:
            return
        for duty in extracted:
            OrganisationDuty.objects.create(organisation=obj, duty=duty)


class UserFactory(DjangoModelFactory):
    """A user whose password is "pw"."""

    class Meta:
        model = settings.AUTH_USER_MODEL
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password("pw")
    is_staff = False
    is_superuser = False


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organisation = factory.SubFactory(CompanyFactory)
    role = Role.CLERK


class CustomerFactory(DjangoModelFactory):
    """A customer; `id_number="..."` stores an identity number the way the app does."""

    class Meta:
        model = Customer
        skip_postgeneration_save = True

    company = factory.SubFactory(CompanyFactory)
    name = factory.Sequence(lambda n: f"客户{n}")
    phone = factory.Sequence(lambda n: f"138{n:08d}")

    @factory.post_generation
    def id_number(obj, create, extracted, **kwargs):
        if not extracted:
            return
        obj.set_id_number(extracted)
        if create:
            obj.save()


# Where heat goes ------------------------------------------------------------------------------


class RouteFactory(DjangoModelFactory):
    class Meta:
        model = Route

    company = factory.SubFactory(CompanyFactory)
    code = factory.Sequence(lambda n: f"R{n:03d}")
    name = factory.LazyAttribute(lambda o: f"线路{o.code}")


class BuildingFactory(DjangoModelFactory):
    class Meta:
        model = Building

    company = factory.SubFactory(CompanyFactory)
    code = factory.Sequence(lambda n: f"B{n:04d}")
    name = factory.LazyAttribute(lambda o: f"{o.code}号楼")
    address = ""
    route = None


class PremisesFactory(DjangoModelFactory):
    class Meta:
        model = Premises

    company = factory.SubFactory(CompanyFactory)
    building = factory.SubFactory(BuildingFactory, company=factory.SelfAttribute("..company"))
    unit = factory.Sequence(lambda n: f"1-{n:04d}")


class HeatedPartFactory(DjangoModelFactory):
    class Meta:
        model = HeatedPart

    premises = factory.SubFactory(PremisesFactory)
    kind = FLAT
    area = Decimal("80.00")
    from_year = 2019
    until_year = None


# Accounts and the facts of their bills --------------------------------------------------------


class AccountFactory(_CompanyFollowsParent, DjangoModelFactory):
    class Meta:
        model = Account

    _company_via = "premises__company"

    premises = factory.SubFactory(PremisesFactory)
    company = factory.SelfAttribute("premises.company")
    customer = factory.SubFactory(CustomerFactory, company=factory.SelfAttribute("..company"))
    number = factory.Sequence(lambda n: f"H{n:06d}")
    opened_on = datetime.date(2019, 1, 1)


class AccountTermsFactory(DjangoModelFactory):
    class Meta:
        model = AccountTerms

    account = factory.SubFactory(AccountFactory)
    from_year = 2019
    price_class = RESIDENTIAL
    exchangers = 0


class AreaDecisionFactory(DjangoModelFactory):
    class Meta:
        model = AreaDecision

    account = factory.SubFactory(AccountFactory)
    from_year = 2019
    area = Decimal("75.00")
    decided_by = factory.SubFactory(BureauFactory, duties=[Duty.AREA_DECISION])
    decided_duty = Duty.AREA_DECISION
    reference = factory.Sequence(lambda n: f"源住建认字〔2019〕{n}号")
    decided_at = factory.LazyFunction(lambda: aware(2019, 10, 1))


class InstitutionApprovalFactory(DjangoModelFactory):
    """Approved from 2019 by default, by a bureau holding the category's duty; status=PENDING gives an
    undecided application."""

    class Meta:
        model = InstitutionApproval

    account = factory.SubFactory(AccountFactory)
    category = InstitutionApproval.Category.SCHOOL
    from_year = 2019
    status = Decision.APPROVED
    decided_by = factory.Maybe(
        factory.LazyAttribute(lambda o: o.status != Decision.PENDING),
        yes_declaration=factory.LazyAttribute(
            lambda o: BureauFactory(duties=[InstitutionApproval.DUTIES[o.category]])
        ),
        no_declaration=None,
    )
    decided_duty = factory.Maybe(
        factory.LazyAttribute(lambda o: o.status != Decision.PENDING),
        yes_declaration=factory.LazyAttribute(lambda o: InstitutionApproval.DUTIES[o.category]),
        no_declaration=None,
    )
    decided_at = factory.Maybe(
        factory.LazyAttribute(lambda o: o.status != Decision.PENDING),
        yes_declaration=factory.LazyFunction(lambda: aware(2019, 10, 1)),
        no_declaration=None,
    )


class LowIncomeCertificateFactory(DjangoModelFactory):
    """An approved 城市低保 certificate valid from 2019-01-01, open-ended, decided 2019-10-01 by a bureau
    holding the civil-affairs duty."""

    class Meta:
        model = LowIncomeCertificate

    account = factory.SubFactory(AccountFactory)
    kind = LowIncomeCertificate.Kind.DIBAO
    number = factory.Sequence(lambda n: f"低保{n:06d}")
    valid_from = datetime.date(2019, 1, 1)
    valid_until = None
    status = Decision.APPROVED
    decided_by = factory.Maybe(
        factory.LazyAttribute(lambda o: o.status != Decision.PENDING),
        yes_declaration=factory.SubFactory(BureauFactory, duties=[Duty.ELIGIBILITY_CIVIL_AFFAIRS]),
        no_declaration=None,
    )
    decided_duty = factory.Maybe(
        factory.LazyAttribute(lambda o: o.status != Decision.PENDING),
        yes_declaration=Duty.ELIGIBILITY_CIVIL_AFFAIRS,
        no_declaration=None,
    )
    decided_at = factory.Maybe(
        factory.LazyAttribute(lambda o: o.status != Decision.PENDING),
        yes_declaration=factory.LazyFunction(lambda: aware(2019, 10, 1)),
        no_declaration=None,
    )


class MeterFactory(_CompanyFollowsParent, DjangoModelFactory):
    class Meta:
        model = Meter

    _company_via = "account__premises__company"

    account = factory.SubFactory(AccountFactory)
    company = factory.SelfAttribute("account.company")
    serial = factory.Sequence(lambda n: f"M{n:08d}")
    installed_on = datetime.date(2019, 10, 1)
    removed_on = None


class ReadingFactory(_CompanyFollowsParent, DjangoModelFactory):
    class Meta:
        model = Reading

    _company_via = "meter__account__premises__company"

    meter = factory.SubFactory(MeterFactory)
    company = factory.SelfAttribute("meter.company")
    read_at = factory.LazyFunction(lambda: aware(2019, 11, 15, 8))
    value_gj = Decimal("0.000000")
    kind = Reading.Kind.ACTUAL
    source = Reading.Source.MANUAL


class PaymentFactory(DjangoModelFactory):
    class Meta:
        model = Payment

    account = factory.SubFactory(AccountFactory)
    season_year = 2019
    amount = Decimal("1680.00")
    paid_on = datetime.date(2019, 11, 1)
    channel = Payment.Channel.CASH


# Seasons and policies -------------------------------------------------------------------------


class SeasonFactory(DjangoModelFactory):
    class Meta:
        model = Season
        django_get_or_create = ("start_year",)

    start_year = 2019
    settled_at = None


class PricePolicyFactory(DjangoModelFactory):
    """A policy with the 2019 figures, in force for two seasons from 2021-11-15 unless told otherwise."""

    class Meta:
        model = PricePolicy

    code = factory.Sequence(lambda n: f"测试政策〔2021〕{n}号")
    title = factory.LazyAttribute(lambda o: f"价格政策 {o.code}")
    effective_from = datetime.date(2021, 11, 15)
    effective_until = datetime.date(2023, 11, 14)
    residential_area_price = Decimal("21.00")
    residential_heat_price = Decimal("45.00")
    non_residential_area_price = Decimal("35.00")
    non_residential_heat_price = Decimal("65.00")
    basic_share = Decimal("0.3000")
    heat_share = Decimal("0.7000")
    exchanger_fee = Decimal("120.00")
    low_income_rate = Decimal("0.7500")
    duplex_single_floor_share = Decimal("1.3000")
    attic_without_certificate_share = Decimal("0.5000")
    institution_phased = True
    institution_cap = True


# Helpers ----------------------------------------------------------------------------------------


def make_account(
    area="80.00",
    price_class=RESIDENTIAL,
    metered=False,
    exchangers=0,
    *,
    kind=None,
    company=None,
    from_year=2019,
    institution_approved=False,
    **account_fields,
) -> Account:
    """An account with premises, one heated part and terms from `from_year`.

    The part is a flat for a residential account and a 'building' otherwise (POLICY §2). `metered`
    installs a meter on 2019-10-01; `institution_approved` records an approval from `from_year`.
    """
    if company is not None:
        account_fields.setdefault("premises__company", company)
    account = AccountFactory(**account_fields)
    HeatedPartFactory(
        premises=account.premises,
        kind=kind or (FLAT if price_class == RESIDENTIAL else BUILDING),
        area=Decimal(area),
        from_year=from_year,
    )
    AccountTermsFactory(account=account, from_year=from_year, price_class=price_class, exchangers=exchangers)
    if metered:
        MeterFactory(account=account)
    if institution_approved:
        InstitutionApprovalFactory(account=account, from_year=from_year)
    return account
