"""The set-based settlement (heating/services/settlement_sql.py) issues exactly what the Python path
issues: the same statements (inputs, figures, policy) and the same ledger entries, for generated
companies with every kind of account — and it leaves to Python the accounts it must not take."""

import datetime
import random

import pytest
from django.db import transaction

from heating.billing import (
    ATTIC_WITHOUT_CERTIFICATE,
    BUILDING,
    DUPLEX_SINGLE_FLOOR_HEATED,
    FLAT,
    INSTITUTION,
    NON_RESIDENTIAL,
    RESIDENTIAL,
)
from heating.models import LedgerEntry, Reading, Statement
from heating.models.accounts import Decision
from heating.models.statements import FIGURES
from heating.selectors.policy import policy_for_season
from heating.selectors.statements import recompute
from heating.services import settlement
from tests.factories import (
    AccountFactory,
    AccountTermsFactory,
    AreaDecisionFactory,
    CompanyFactory,
    HeatedPartFactory,
    InstitutionApprovalFactory,
    LowIncomeCertificateFactory,
    MeterFactory,
    PricePolicyFactory,
    ReadingFactory,
    aware,
    make_account,
)

from .helpers import D, pay, settle

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


class _Rollback(Exception):
    pass


def _at(day: datetime.date, hour: int, minute: int = 0, micro: int = 0) -> datetime.datetime:
    return aware(day.year, day.month, day.day, hour, minute) + datetime.timedelta(microseconds=micro)


class World:
    """A company's accounts of every kind for the season starting in `year`, drawn from `rng`."""

    def __init__(self, year: int, rng: random.Random):
        self.year, self.rng = year, rng
        self.first, self.last = datetime.date(year, 11, 15), datetime.date(year + 1, 3, 15)
        self.company = CompanyFactory()

    def area(self, low=3000, high=20000) -> str:
        return f"{D(self.rng.randint(low, high)) / 100:.2f}"

    def account(self, price_class=RESIDENTIAL, metered=False, **fields):
        account = make_account(
            area=self.area() if price_class == RESIDENTIAL else self.area(20000, 300000),
            price_class=price_class,
            metered=metered,
            company=self.company,
            from_year=self.year - self.rng.randint(0, 1),
            exchangers=self.rng.choice((0, 0, 1, 2)) if price_class == RESIDENTIAL and not metered else 0,
            **fields,
        )
        if price_class == RESIDENTIAL and self.rng.random() < 0.3:
            kind = self.rng.choice((DUPLEX_SINGLE_FLOOR_HEATED, ATTIC_WITHOUT_CERTIFICATE, FLAT))
            HeatedPartFactory(premises=account.premises, kind=kind, area=D(self.area(1000, 6000)))
        if self.rng.random() < 0.15:
            AreaDecisionFactory(account=account, from_year=self.year, area=D(self.area()))
        if self.rng.random() < 0.05:
            AreaDecisionFactory(account=account, from_year=self.year + 1, area=D("1.00"))  # not this season's
        if self.rng.random() < 0.7:
            pay(
                account,
                self.rng.choice(("1.00", "1680.00", "2100.00", "3333.33", "20000.00")),
                season=self.year,
            )
        return account

    def reading(self, meter, at, value, **fields):
        return ReadingFactory(meter=meter, read_at=at, value_gj=D(value), **fields)

    def season_readings(self, meter, opening_at=None, closing_at=None):
        base = D(self.rng.randint(0, 5_000_000)) / 1000
        used = D(self.rng.choice((0, self.rng.randint(1000, 60000), self.rng.randint(100000, 900000)))) / 1000
        self.reading(meter, opening_at or _at(self.first, 8), f"{base:.6f}")
        self.reading(meter, closing_at or _at(self.last, 16), f"{base + used:.6f}")

    # The kinds ----------------------------------------------------------------------------------

    def area_home(self):
        self.account(self.rng.choice((RESIDENTIAL, RESIDENTIAL, NON_RESIDENTIAL)))

    def low_income_home(self):
        account = self.account()
        valid = self.rng.choice(
            (
                {},
                {"valid_until": self.first - datetime.timedelta(days=1)},  # expired before the season
                {"valid_from": self.last + datetime.timedelta(days=1)},  # valid only after it
                {"status": Decision.PENDING},
                {"valid_from": self.last},  # valid on its last day: counts
            )
        )
        LowIncomeCertificateFactory(account=account, **valid)

    def institution(self):
        account = self.account(INSTITUTION, metered=self.rng.random() < 0.5)
        choice = self.rng.randrange(3)
        if choice == 1:
            InstitutionApprovalFactory(account=account, from_year=self.year - 1)
        elif choice == 2:  # approved, then rejected from this season
            InstitutionApprovalFactory(account=account, from_year=self.year - 1)
            InstitutionApprovalFactory(account=account, from_year=self.year, status=Decision.REJECTED)
        if account.meters.exists():
            self.season_readings(account.meters.get())

    def metered_home(self):
        account = self.account(self.rng.choice((RESIDENTIAL, RESIDENTIAL, NON_RESIDENTIAL)), metered=True)
        meter = account.meters.get()
        shape = self.rng.randrange(6)
        if shape == 0:
            self.season_readings(meter)
        elif shape == 1:  # endpoints outside the season's days: the last before, the first after
            self.season_readings(
                meter,
                _at(self.first - datetime.timedelta(days=3), 9),
                _at(self.last + datetime.timedelta(days=2), 9),
            )
        elif shape == 2:  # two readings on each end day, with microseconds: the earliest and the latest
            self.season_readings(meter, _at(self.first, 7, 5, 250), _at(self.last, 20, 1, 999))
            self.reading(meter, _at(self.first, 12), "9999999.000000")
            self.reading(meter, _at(self.last, 9), "0.000000", kind=Reading.Kind.ESTIMATED)
        elif shape == 3:  # an estimated endpoint: settles only once confirmed
            self.reading(meter, _at(self.first, 8), "10.000000")
            confirmed = self.rng.random() < 0.5
            self.reading(
                meter, _at(self.last, 8), "30.500000", kind=Reading.Kind.ESTIMATED, confirmed=confirmed
            )
        elif shape == 4:  # a flagged or voided endpoint
            self.reading(meter, _at(self.first, 8), "10.000000")
            self.reading(meter, _at(self.last, 8), "40.000000", status=Reading.Status.FLAGGED)
            if self.rng.random() < 0.5:
                self.reading(
                    meter, _at(self.last, 9), "50.000000", status=Reading.Status.VOID, void_reason="x"
                )
        else:  # no readings at all
            pass

    def two_meters(self):
        account = self.account(metered=True)
        second = MeterFactory(account=account, installed_on=self.first - datetime.timedelta(days=30))
        for meter in (account.meters.order_by("id").first(), second):
            self.season_readings(meter)

    def meter_changed_inside_the_season(self):
        account = self.account(metered=True)
        old = account.meters.get()
        change = self.first + datetime.timedelta(days=40)
        old.removed_on = change
        old.save()
        new = MeterFactory(account=account, installed_on=change)
        self.reading(old, _at(self.first, 8), "100.000000")
        # The removal reading on the removal day, or (unknown use) only one the day before.
        removal_day = change - datetime.timedelta(days=self.rng.choice((0, 0, 1)))
        self.reading(old, _at(removal_day, 9), "130.000000", kind=Reading.Kind.EXCHANGE)
        # The installation reading on the installation day, or (unknown use) only the day after.
        installation_day = change + datetime.timedelta(days=self.rng.choice((0, 0, 1)))
        self.reading(new, _at(installation_day, 10), "0.000000", kind=Reading.Kind.EXCHANGE)
        self.reading(new, _at(self.last, 8), "25.000000")

    def opened_or_closed_inside_the_season(self):
        metered = self.rng.random() < 0.5
        opened_on = self.first + datetime.timedelta(days=self.rng.randint(0, 60))
        closed_on = self.rng.choice((None, opened_on + datetime.timedelta(days=self.rng.randint(0, 60))))
        account = self.account(metered=metered, opened_on=opened_on, closed_on=closed_on)
        if metered:
            # Readings on the opening and closing days, on the neighbouring days (they will do), or
            # further away (the heat while open is unknown).
            opening_at = _at(opened_on - datetime.timedelta(days=self.rng.choice((0, 1, 2))), 10)
            closing_at = None
            if closed_on is not None:
                closing_at = _at(closed_on + datetime.timedelta(days=self.rng.choice((0, 1, 2))), 10)
            self.season_readings(account.meters.get(), opening_at=opening_at, closing_at=closing_at)

    def home_changing_hands(self):
        old = self.account(metered=True, closed_on=self.first + datetime.timedelta(days=50))
        meter = old.meters.get()
        new = AccountFactory(
            premises=old.premises, company=self.company, opened_on=old.closed_on + datetime.timedelta(days=1)
        )
        AccountTermsFactory(account=new, from_year=self.year, price_class=RESIDENTIAL)
        self.reading(meter, _at(self.first, 8), "100.000000")
        self.reading(meter, _at(old.closed_on, 18), "140.000000")
        self.reading(meter, _at(self.last, 8), "190.000000")

    def cannot_be_billed(self):
        choice = self.rng.randrange(3)
        if choice == 0:  # terms only from a later season
            make_account(company=self.company, from_year=self.year + 1)
        elif choice == 1:  # a residential home billed on a 'building'
            self.account(kind=BUILDING)
        else:  # no heated part this season
            account = AccountFactory(premises__company=self.company)
            AccountTermsFactory(account=account, from_year=self.year)
            HeatedPartFactory(premises=account.premises, from_year=self.year + 1)

    KINDS = (
        (area_home, 6),
        (low_income_home, 2),
        (institution, 2),
        (metered_home, 8),
        (two_meters, 1),
        (meter_changed_inside_the_season, 1),
        (opened_or_closed_inside_the_season, 3),
        (home_changing_hands, 1),
        (cannot_be_billed, 1),
    )

    def build(self, n: int) -> None:
        kinds, weights = zip(*self.KINDS, strict=True)
        for make in self.rng.choices(kinds, weights, k=n):
            make(self)


def _issued(company, year):
    statements = sorted(
        (
            s.account_id,
            s.version,
            s.status,
            s.reason,
            s.policy_id,
            s.inputs,
            tuple(getattr(s, name) for name in FIGURES),
        )
        for s in Statement.objects.filter(account__company=company, season_year=year)
    )
    entries = sorted(
        (e.account_id, e.kind, e.amount, e.memo, e.statement.version)
        for e in LedgerEntry.objects.filter(
            account__company=company, season_year=year, statement__isnull=False
        ).select_related("statement")
    )
    return statements, entries


def _settle_both_ways(world, monkeypatch):
    """(Python's statements and entries, then the set-based path's, and the accounts it took)."""
    try:
        with transaction.atomic(), monkeypatch.context() as patch:
            patch.setattr(settlement, "plain_statements_issue", lambda **kwargs: set())
            python_result = settle(world.company, season=world.year)
            python = _issued(world.company, world.year)
            raise _Rollback
    except _Rollback:
        pass
    taken = set()
    real = settlement.plain_statements_issue

    def spy(**kwargs):
        settled = real(**kwargs)
        taken.update(settled)
        return settled

    monkeypatch.setattr(settlement, "plain_statements_issue", spy)
    set_based_result = settle(world.company, season=world.year)
    assert sorted(set_based_result.exceptions, key=str) == sorted(python_result.exceptions, key=str)
    assert set_based_result.issued == python_result.issued
    return python, _issued(world.company, world.year), taken


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_set_based_path_issues_what_the_python_path_issues(seed, monkeypatch):
    world = World(2019, random.Random(seed))
    world.build(90)

    python, set_based, taken = _settle_both_ways(world, monkeypatch)

    assert set_based == python
    statements = Statement.objects.filter(account__company=world.company)
    # Every account that settles took the set-based path; a rerun (Python's) finds nothing changed.
    assert taken == {row[0] for row in python[0]}
    assert settle(world.company, season=world.year).issued == 0
    for statement in statements.select_related("policy"):
        assert recompute(statement) == {name: getattr(statement, name) for name in FIGURES}


def test_under_another_policy_with_other_figures_and_flags(monkeypatch):
    PricePolicyFactory(
        effective_from=datetime.date(2022, 11, 15),
        effective_until=datetime.date(2023, 11, 14),
        residential_area_price=D("23.40"),
        residential_heat_price=D("51.30"),
        non_residential_area_price=D("33.33"),
        non_residential_heat_price=D("61.70"),
        basic_share=D("0.2500"),
        heat_share=D("0.6500"),
        exchanger_fee=D("99.99"),
        low_income_rate=D("0.6667"),
        duplex_single_floor_share=D("1.2500"),
        attic_without_certificate_share=D("0.3333"),
        institution_phased=False,
        institution_cap=False,
        prorate_partial_seasons=False,
    )
    world = World(2022, random.Random(7))
    world.build(90)

    python, set_based, taken = _settle_both_ways(world, monkeypatch)

    assert set_based == python
    assert taken == {row[0] for row in python[0]}


def test_it_leaves_to_python_the_accounts_that_cannot_be_settled_and_those_settled_before():
    world = World(2019, random.Random(11))
    area = world.account()
    metered = world.account(metered=True)
    world.season_readings(metered.meters.get())
    no_readings = world.account(metered=True)
    flagged = world.account(metered=True)
    world.reading(flagged.meters.get(), _at(world.first, 8), "1.000000")
    world.reading(flagged.meters.get(), _at(world.last, 8), "2.000000", status=Reading.Status.FLAGGED)
    estimated = world.account(metered=True)
    world.reading(estimated.meters.get(), _at(world.first, 8), "1.000000", kind=Reading.Kind.ESTIMATED)
    world.reading(estimated.meters.get(), _at(world.last, 8), "2.000000")
    # Closed inside the season with no reading near its closing day: the heat is unknown.
    far = world.account(metered=True, closed_on=world.first + datetime.timedelta(days=30))
    world.reading(far.meters.get(), _at(world.first, 8), "1.000000")
    world.reading(far.meters.get(), _at(world.last, 8), "2.000000")
    building = world.account(kind=BUILDING)

    def issue(*accounts):
        return settlement.plain_statements_issue(
            account_ids=[a.id for a in accounts], start_year=2019, policy=policy_for_season(2019)
        )

    assert issue(area, metered, no_readings, flagged, estimated, far, building) == {area.id, metered.id}
    assert issue(area, metered) == set()
