"""Bills count a decision only from a decider holding the duty: rows recorded before migration 0024
without one are listed for review and ignored by both the Python and the SQL facts. A decision made
after settlement lists the account for re-settlement, which issues a changed statement (§11)."""

import datetime
import importlib
import json
from decimal import Decimal

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse

from heating.billing import INSTITUTION, NON_RESIDENTIAL, RESIDENTIAL
from heating.models import AreaDecision, Duty, InstitutionApproval, LowIncomeCertificate
from heating.models.accounts import Decision
from heating.selectors.bills_sql import terms_params
from heating.selectors.facts import facts_for_season
from heating.selectors.facts_sql import plain_facts_params, plain_facts_sql
from heating.selectors.policy import policy_for_season
from heating.selectors.statements import resettlements_due
from heating.services.decisions import area_decide, certificate_approve, certificate_revoke
from tests.factories import (
    AreaDecisionFactory,
    BureauFactory,
    CompanyFactory,
    InstitutionApprovalFactory,
    LowIncomeCertificateFactory,
    make_account,
)
from tests.settlement.helpers import SEASON, pay, settle

from .helpers import officer

pytestmark = pytest.mark.django_db

D = datetime.date

rules = importlib.import_module("heating.migrations.0024_decisions_decider_holds_duty")


class _Editor:
    """Enough of a schema editor for the migration's functions, inside the test's transaction."""

    connection = connection

    def execute(self, sql, params=None):
        with connection.cursor() as cursor:
            cursor.execute(sql, params)


def recorded_before_the_check(make, **fields):
    """A row as the database held it before migration 0024 (no duty recorded), judged by its data
    migration."""
    rules.drop_database_rules(apps, _Editor())
    row = make(**fields, decided_duty=None)
    rules.judge_recorded_decisions(apps, _Editor())
    if connection.vendor == "postgresql":
        # PostgreSQL alters no table with foreign-key checks pending: run them now.
        _Editor().execute("SET CONSTRAINTS ALL IMMEDIATE")
        _Editor().execute("SET CONSTRAINTS ALL DEFERRED")
    rules.add_database_rules(apps, _Editor())
    row.refresh_from_db()
    return row


def legacy_world(company):
    """Accounts whose decisions were recorded by a company, a wrong bureau or nobody, and one whose
    decider held the duty."""
    area = make_account(company=company, area="80.00")
    school = make_account("500.00", price_class=INSTITUTION, company=company)
    poor = make_account(company=company)
    kept = make_account(company=company)
    rows = [
        recorded_before_the_check(
            AreaDecisionFactory, account=area, area=Decimal("40.00"), decided_by=CompanyFactory()
        ),
        recorded_before_the_check(
            InstitutionApprovalFactory, account=school, decided_by=BureauFactory(duties=[Duty.ELIGIBILITY_HR])
        ),
        recorded_before_the_check(LowIncomeCertificateFactory, account=poor, decided_by=None),
        recorded_before_the_check(LowIncomeCertificateFactory, account=kept),
    ]
    return (area, school, poor, kept), rows


def test_the_data_migration_marks_the_rows_without_a_valid_decider_and_keeps_the_others():
    _, (area, school, poor, kept) = legacy_world(CompanyFactory())

    assert [(r.needs_review, r.decided_duty) for r in (area, school, poor)] == [(True, None)] * 3
    assert (kept.needs_review, kept.decided_duty) == (False, Duty.ELIGIBILITY_CIVIL_AFFAIRS)


def test_the_python_facts_ignore_rows_without_a_valid_decider():
    (area, school, poor, kept), _ = legacy_world(CompanyFactory())

    facts = facts_for_season([area, school, poor, kept], SEASON)

    assert facts[area.id].area_decision is None
    assert facts[school.id].price_class == NON_RESIDENTIAL
    assert (facts[poor.id].low_income, facts[kept.id].low_income) == (False, True)


def terms_for(year):
    return policy_for_season(year).terms()


def _sql_facts(accounts, year):
    with connection.cursor() as cursor:
        params = {**plain_facts_params([a.id for a in accounts], year), **terms_params(terms_for(year))}
        cursor.execute(plain_facts_sql(), params)
        names = [c.name for c in cursor.description]
        return {row[0]: dict(zip(names, row, strict=True)) for row in cursor.fetchall()}


@pytest.mark.postgres
def test_the_sql_facts_ignore_them_too_and_agree_with_python_on_revocations():
    company = CompanyFactory()
    accounts, _ = legacy_world(company)
    civil = officer(Duty.ELIGIBILITY_CIVIL_AFFAIRS)
    revoked = []
    for effective in (None, D(2019, 11, 20), D(2020, 11, 15), D(2020, 12, 1)):
        account = make_account(company=company)
        certificate = LowIncomeCertificateFactory(account=account)
        certificate_revoke(user=civil, certificate_id=certificate.id, reason="复查", effective=effective)
        revoked.append(account)

    for year in (2019, 2020):
        python = facts_for_season([*accounts, *revoked], year)
        sql = _sql_facts([*accounts, *revoked], year)
        decided = {i: json.loads(row["inputs"])["area_decision"] for i, row in sql.items()}
        assert {i: (f.price_class, f.low_income, f.area_decision) for i, f in python.items()} == {
            i: (row["price_class"], row["low_income"], decided[i] and Decimal(decided[i]))
            for i, row in sql.items()
        }
    assert [python[a.id].low_income for a in revoked] == [False, False, False, True]


def test_the_admin_lists_the_rows_for_review(admin_client):
    legacy_world(CompanyFactory())
    for model in (AreaDecision, InstitutionApproval, LowIncomeCertificate):
        url = reverse(f"admin:heating_{model._meta.model_name}_changelist") + "?needs_review__exact=1"
        response = admin_client.get(url)
        assert response.status_code == 200
        assert response.context["cl"].result_count == 1


def test_a_legacy_row_is_counted_again_once_the_competent_bureau_decides_it():
    (_, _, poor, _), (_, _, certificate, _) = legacy_world(CompanyFactory())

    certificate_approve(user=officer(Duty.ELIGIBILITY_CIVIL_AFFAIRS), certificate_id=certificate.id)

    certificate.refresh_from_db()
    assert not certificate.needs_review and facts_for_season([poor], SEASON)[poor.id].low_income


@pytest.mark.parametrize("decision", ["area", "approve", "revoke"])
def test_a_decision_about_a_settled_season_lists_the_account_and_resettling_changes_the_statement(decision):
    company = CompanyFactory()
    account = make_account(company=company, area="100.00", price_class=RESIDENTIAL)
    if decision == "revoke":
        certificate = LowIncomeCertificateFactory(account=account)
    elif decision == "approve":
        certificate = LowIncomeCertificateFactory(account=account, status=Decision.PENDING)
    pay(account, "2100.00")
    settle(company)
    first = account.statements.get()

    if decision == "area":
        area_decide(
            user=officer(Duty.AREA_DECISION), account_id=account.id, from_year=SEASON, area="60.00",
            reference="源住建认字〔2020〕9号", reason="现场复核",
        )
    elif decision == "approve":
        certificate_approve(user=officer(Duty.ELIGIBILITY_CIVIL_AFFAIRS), certificate_id=certificate.id)
    else:
        civil = officer(Duty.ELIGIBILITY_CIVIL_AFFAIRS)
        certificate_revoke(user=civil, certificate_id=certificate.id, reason="骗取")

    due = resettlements_due(company, SEASON)
    assert [r.account for r in due] == [account]
    assert due[0].changed == (("area_decision",) if decision == "area" else ("low_income",))
    settle(company)
    second = account.statements.get(status="issued")
    first.refresh_from_db()
    assert second.supersedes == first and first.status != "issued"
    assert second.amount_due != first.amount_due
    assert resettlements_due(company, SEASON) == []
