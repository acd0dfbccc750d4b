"""Writing the demo county: two companies, the bureaus, a login per role, N accounts.

Account i is planned from its index alone (`random.Random(f"demo-{i}")`), so a run is deterministic,
a larger N only adds accounts, and a second run finds every account already there and writes nothing.
The first accounts are a fixed showcase of every case the policy names; the rest are a random mix.
Prepayments come from the real engine over the stored facts, never from a copy of its rules.
"""

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.dispatch import Signal
from django.utils import timezone

from heating import billing
from heating.batching import chunks
from heating.billing import METERED
from heating.models import (
    Account,
    AccountTerms,
    AreaDecision,
    Building,
    Complaint,
    Customer,
    HeatedPart,
    InstitutionApproval,
    LedgerEntry,
    LowIncomeCertificate,
    Membership,
    Meter,
    Organisation,
    OrganisationDuty,
    Payment,
    Premises,
    PricePolicy,
    ProviderAccount,
    Reading,
    Role,
    Route,
    Season,
    ServiceCounter,
)
from heating.models.accounts import Decision
from heating.payments import sandbox
from heating.selectors.facts import facts_for_season
from heating.selectors.policy import policy_for_season
from heating.services.complaints import complaint_assign, complaint_file
from heating.services.payments import payment_entries
from heating.services.policy import FIGURES
from heating.services.settlement import season_settle

from .county import (
    APPROVAL_COMMENTS,
    BATCH,
    BUREAU_FOR,
    BUREAUS,
    CHANGE_REASON,
    CIVIL_AFFAIRS,
    CLERKS,
    COMPANIES,
    DEMO_DRAFT_CODE,
    DEMO_DRAFT_FROM,
    DEMO_DRAFT_NOTICE_DATE,
    DEMO_DRAFT_TEXT,
    DEMO_DRAFT_TITLE,
    DEMO_DRAFT_UNTIL,
    DEMO_PASSWORD,
    FACTS_CHUNK,
    HOUSING,
    LOGINS,
    RESIDENT,
    RESIDENT2,
    SEASONS,
    CompanyInfo,
    local_time,
    random_day,
)
from .plan import (
    AccountPlan,
    account_number,
    company_slot,
    plan_account,
    route_name,
)

# Sent when the demo county is complete, with `created` (counts by name) to add to: an app built on
# heating (subsidy) adds its own demo data from a receiver, since heating imports none of them.
demo_seeded = Signal()


@dataclass
class SeedResult:
    accounts_requested: int
    created: dict[str, int]
    existing_accounts: int
    logins: list[tuple[str, str, str]]  # (username, role, organisation)


def _with_history(objs: list, model) -> list:
    """bulk_create, plus each row's 'created' history entry, copied over in SQL.

    simple_history's bulk_create_with_history builds a historical instance per row in Python,
    which costs more than the inserts themselves; the copy is one statement per chunk of ids.
    """
    if not objs:
        return objs
    model.objects.bulk_create(objs, batch_size=BATCH)
    if not getattr(settings, "SIMPLE_HISTORY_ENABLED", True):
        return objs
    ids = [obj.pk for obj in objs]
    if None in ids:
        raise RuntimeError(f"the database did not return the ids of the new {model.__name__} rows")
    quote = connection.ops.quote_name
    history = model.history.model
    columns = ", ".join(quote(f.column) for f in history.tracked_fields)
    meta = ("history_date", "history_change_reason", "history_type", "history_user_id")
    stamp = [connection.ops.adapt_datetimefield_value(timezone.now()), CHANGE_REASON, "+"]
    insert = (
        f"INSERT INTO {quote(history._meta.db_table)} ({columns}, {', '.join(map(quote, meta))}) "
        f"SELECT {columns}, %s, %s, %s, NULL FROM {quote(model._meta.db_table)} "
        f"WHERE {quote(model._meta.pk.column)} "
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(insert + "= ANY(%s)", [*stamp, ids])
        else:
            for chunk in chunks(ids, 500):
                cursor.execute(insert + f"IN ({', '.join(['%s'] * len(chunk))})", [*stamp, *chunk])
    return objs


def _ensure_organisations(created: dict[str, int]) -> dict[str, Organisation]:
    wanted = [(c.code, c.name, Organisation.Kind.COMPANY) for c in COMPANIES]
    wanted += [(code, name, Organisation.Kind.BUREAU) for code, name, _duties in BUREAUS]
    orgs = {o.code: o for o in Organisation.objects.filter(code__in=[code for code, _n, _k in wanted])}
    new = [Organisation(code=code, name=name, kind=kind) for code, name, kind in wanted if code not in orgs]
    Organisation.objects.bulk_create(new)
    orgs.update((o.code, o) for o in new)
    created["organisations"] = len(new)
    _ensure_payment_info(orgs, created)

    held = set(
        OrganisationDuty.objects.filter(organisation__in=orgs.values()).values_list("organisation_id", "duty")
    )
    duties = [
        OrganisationDuty(organisation=orgs[code], duty=duty)
        for code, _name, bureau_duties in BUREAUS
        for duty in bureau_duties
        if (orgs[code].id, duty) not in held
    ]
    OrganisationDuty.objects.bulk_create(duties)
    created["duties"] = len(duties)
    return orgs


def _ensure_payment_info(orgs: dict[str, Organisation], created: dict[str, int]) -> None:
    """The companies' bank details, counters and sandbox merchants, as bills use them; filled only where
    missing."""
    for info in COMPANIES:
        company = orgs[info.code]
        if not company.bank_account:
            company.bank_name, company.bank_account = info.bank_name, info.bank_account
            company.save(update_fields=["bank_name", "bank_account"])
    counted = ServiceCounter.objects.filter(organisation__in=orgs.values())
    have = set(counted.values_list("organisation_id", flat=True))
    counters = [
        ServiceCounter(organisation=orgs[info.code], name=name, address=address, hours=hours, phone=phone)
        for info in COMPANIES
        if orgs[info.code].id not in have
        for name, address, hours, phone in info.counters
    ]
    ServiceCounter.objects.bulk_create(counters)
    created["counters"] = len(counters)
    # The sandbox merchant, so that a resident can pay online on the demo (heating.payments.sandbox).
    configured = set(
        ProviderAccount.objects.filter(provider=sandbox.NAME, company__in=orgs.values()).values_list(
            "company_id", flat=True
        )
    )
    merchants = [
        sandbox.account_create(company=orgs[info.code])
        for info in COMPANIES
        if orgs[info.code].id not in configured
    ]
    created["merchants"] = len(merchants)


def _ensure_users(orgs: dict[str, Organisation], created: dict[str, int]) -> dict[str, object]:
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=[login.username for login in LOGINS])}
    missing = [login for login in LOGINS if login.username not in users]
    if missing:
        password = make_password(DEMO_PASSWORD)  # one hash for all: hashing is slow by design
        new = [
            User(
                username=login.username,
                last_name=login.last_name,
                first_name=login.first_name,
                password=password,
                is_staff=login.role == "superuser",
                is_superuser=login.role == "superuser",
            )
            for login in missing
        ]
        User.objects.bulk_create(new)
        users.update((u.username, u) for u in new)
    created["users"] = len(missing)

    held = set(Membership.objects.filter(user__in=users.values()).values_list("user_id", "organisation_id"))
    memberships = [
        Membership(user=users[login.username], organisation=orgs[login.organisation], role=login.role)
        for login in LOGINS
        if login.role in Role.values and (users[login.username].id, orgs[login.organisation].id) not in held
    ]
    Membership.objects.bulk_create(memberships)
    created["memberships"] = len(memberships)
    return users


def _ensure_seasons(created: dict[str, int]) -> None:
    have = set(Season.objects.filter(start_year__in=SEASONS).values_list("start_year", flat=True))
    new = [Season(start_year=year) for year in SEASONS if year not in have]
    Season.objects.bulk_create(new)
    created["seasons"] = len(new)


def _ensure_places(
    company: Organisation, info: CompanyInfo, plans: list[AccountPlan], created: dict[str, int]
) -> dict[str, Building]:
    """The routes and buildings the new accounts need, each found or created once."""
    routes = {r.code: r for r in Route.objects.filter(company=company)}
    buildings = {b.code: b for b in Building.objects.filter(company=company)}
    new_routes, new_buildings = {}, {}
    for plan in plans:
        wanted = plan.building
        if wanted.code in buildings or wanted.code in new_buildings:
            continue
        route_code = f"R{wanted.route + 1:03d}"
        route = routes.get(route_code) or new_routes.get(route_code)
        if route is None:
            route = new_routes[route_code] = Route(
                company=company, code=route_code, name=route_name(info, wanted.route)
            )
        new_buildings[wanted.code] = Building(
            company=company,
            code=wanted.code,
            name=wanted.name,
            address=wanted.address,
            route=route,
            route_order=wanted.route_order,
        )
    Route.objects.bulk_create(list(new_routes.values()), batch_size=BATCH)
    Building.objects.bulk_create(list(new_buildings.values()), batch_size=BATCH)
    created["routes"] = created.get("routes", 0) + len(new_routes)
    created["buildings"] = created.get("buildings", 0) + len(new_buildings)
    buildings.update(new_buildings)
    return buildings


def _decided_at(rng: random.Random, year: int, month: int) -> datetime.datetime:
    day = random_day(rng, datetime.date(year, month, 1), datetime.date(year, month, 28))
    return local_time(day, rng.randint(9, 16), rng.randint(0, 59))


@transaction.atomic
def demo_seed(*, accounts: int = 3000) -> SeedResult:
    """Create whatever of the demo county is missing; accounts 0..accounts-1 (see the module docstring)."""
    if accounts < 0:
        raise ValueError("accounts must be at least 0")
    policies = {year: policy_for_season(year) for year in SEASONS}
    terms = policies[SEASONS[0]].terms()
    created: dict[str, int] = {}
    _ensure_seasons(created)
    orgs = _ensure_organisations(created)
    users = _ensure_users(orgs, created)

    companies = {info.code: orgs[info.code] for info in COMPANIES}
    existing = {
        code: set(Account.objects.filter(company=org).values_list("number", flat=True))
        for code, org in companies.items()
    }
    plans: list[AccountPlan] = []
    for index in range(accounts):
        position, k = company_slot(index)
        info = COMPANIES[position]
        if account_number(info, k) not in existing[info.code]:
            plans.append(plan_account(index, terms))
    known = sum(len(numbers) for numbers in existing.values())

    buildings: dict[tuple[str, str], Building] = {}
    for info in COMPANIES:
        mine = [plan for plan in plans if plan.company is info]
        for code, building in _ensure_places(companies[info.code], info, mine, created).items():
            buildings[info.code, code] = building

    customers = _create_customers(plans, companies, users, created)
    premises, parts, new_accounts = [], [], []
    for plan in plans:
        company = companies[plan.company.code]
        place = Premises(
            company=company,
            building=buildings[plan.company.code, plan.building.code],
            unit=plan.unit,
            description=plan.description,
        )
        premises.append(place)
        parts += [
            HeatedPart(
                premises=place, kind=p.kind, area=p.area, from_year=p.from_year, until_year=p.until_year
            )
            for p in plan.parts
        ]
        new_accounts.append(
            Account(
                company=company,
                number=plan.number,
                customer=customers[plan.login or plan.index],
                premises=place,
                opened_on=plan.opened_on,
            )
        )
    Premises.objects.bulk_create(premises, batch_size=BATCH)
    created["premises"] = len(premises)
    created["parts"] = len(_with_history(parts, HeatedPart))
    created["accounts"] = len(_with_history(new_accounts, Account))
    _create_account_facts(plans, new_accounts, orgs, created)
    _create_meters(plans, new_accounts, companies, created)
    _create_payments(plans, new_accounts, policies, users, created)
    _settle_residents(companies, users, created)
    _file_complaints(users, created)
    _ensure_demo_draft(policies[SEASONS[-1]], created)
    demo_seeded.send(sender=SeedResult, created=created)
    logins = [
        (login.username, str(login.role), f"{code} {orgs[code].name}" if (code := login.organisation) else "")
        for login in LOGINS
    ]
    return SeedResult(accounts, created, known, logins)


def _ensure_demo_draft(base: PricePolicy, created: dict[str, int]) -> None:
    """The price-policy desk's demo draft: every figure of the 2019 notice, continued from the day it
    ends, so that a newcomer can edit and publish one at once (the `ndrc` login). Kept once made, even
    when published since."""
    if PricePolicy.objects.filter(code=DEMO_DRAFT_CODE).exists():
        created["policy_drafts"] = 0
        return
    draft = PricePolicy(
        code=DEMO_DRAFT_CODE,
        title=DEMO_DRAFT_TITLE,
        effective_from=DEMO_DRAFT_FROM,
        effective_until=DEMO_DRAFT_UNTIL,
        status=PricePolicy.Status.DRAFT,
        notice_date=DEMO_DRAFT_NOTICE_DATE,
        notice_text=DEMO_DRAFT_TEXT,
        **{name: getattr(base, name) for name in FIGURES},
    )
    draft.full_clean()
    draft._change_reason = CHANGE_REASON
    draft.save()
    created["policy_drafts"] = 1


def _settle_residents(companies: dict[str, Organisation], users, created: dict[str, int]) -> None:
    """The demo residents' homes settled for both seasons by the real settlement, so that 我的供暖 shows
    statements, refunds and amounts owed. A rerun finds them settled and issues nothing."""
    held = Account.objects.filter(customer__user__in=[users[RESIDENT], users[RESIDENT2]])
    issued = 0
    for company in companies.values():
        ids = list(held.filter(company=company).values_list("id", flat=True))
        for year in SEASONS if ids else ():
            issued += season_settle(company=company, start_year=year, account_ids=ids).issued
    created["statements"] = issued


def _file_complaints(users, created: dict[str, int]) -> None:
    """A cold flat and a bill question from the demo residents (the first assigned to the company's
    clerk), so that the company's complaints queue and the bureau's figures show work. Once only."""
    homes = list(
        Account.objects.filter(customer__user__in=[users[RESIDENT], users[RESIDENT2]])
        .select_related("company", "customer")
        .order_by("company__code", "number")
    )
    if not homes or Complaint.objects.filter(account__in=homes).exists():
        created["complaints"] = 0
        return
    first, last = homes[0], homes[-1]
    cold = complaint_file(
        user=first.customer.user,
        account_id=first.pk,
        category=Complaint.Category.COLD,
        description="主卧室和客厅暖气片上热下凉，室温只有 16 度左右，已经三天了。",
    )
    complaint_assign(
        user=users[CLERKS[first.company.code]],
        complaint_id=cold.pk,
        assignee_id=users[CLERKS[first.company.code]].pk,
    )
    complaint_file(
        user=last.customer.user,
        account_id=last.pk,
        category=Complaint.Category.BILL,
        description="账单上的计费面积比房产证多了 3 平方米，请核实。",
    )
    created["complaints"] = 2


def _create_customers(plans: list[AccountPlan], companies, users, created: dict[str, int]) -> dict:
    """Customers keyed by account index, or by username for a demo user's customer (shared by accounts)."""
    linked = {
        c.user.username: c
        for c in Customer.objects.filter(user__in=[users[RESIDENT], users[RESIDENT2]]).select_related("user")
    }
    customers: dict = {}
    new = []
    for plan in plans:
        key = plan.login or plan.index
        if key in customers:
            continue
        if plan.login in linked:
            customers[key] = linked[plan.login]
            continue
        customer = Customer(
            company=companies[plan.company.code],
            name=plan.customer_name,
            phone=plan.phone,
            user=users[plan.login] if plan.login else None,
        )
        if plan.id_number:
            customer.set_id_number(plan.id_number)
        customers[key] = customer
        new.append(customer)
    created["customers"] = len(_with_history(new, Customer))
    return customers


def _create_account_facts(
    plans: list[AccountPlan], accounts: list[Account], orgs: dict[str, Organisation], created: dict[str, int]
) -> None:
    terms, approvals, certificates, decisions = [], [], [], []
    for plan, account in zip(plans, accounts, strict=True):
        rng = random.Random(f"demo-{plan.index}-decisions")
        terms += [
            AccountTerms(account=account, from_year=year, price_class=price_class, exchangers=n, note=note)
            for year, price_class, n, note in plan.terms
        ]
        if plan.approval:
            category, status = plan.approval
            approved = status == Decision.APPROVED
            approvals.append(
                InstitutionApproval(
                    account=account,
                    category=category,
                    from_year=2019,
                    status=status,
                    decided_by=orgs[BUREAU_FOR[category]] if approved else None,
                    decided_duty=InstitutionApproval.DUTIES[category] if approved else None,
                    decided_at=_decided_at(rng, 2019, 10) if approved else None,
                    comment=APPROVAL_COMMENTS[category] if approved else "",
                )
            )
        if plan.certificate:
            kind, status = plan.certificate
            approved = status == Decision.APPROVED
            label = "低保" if kind == LowIncomeCertificate.Kind.DIBAO else "特困"
            certificates.append(
                LowIncomeCertificate(
                    account=account,
                    kind=kind,
                    number=f"源民{label}证〔2019〕{plan.company.number_prefix}{plan.k + 1:05d}号",
                    valid_from=datetime.date(2019, 1, 1) if approved else datetime.date(2020, 10, 1),
                    valid_until=datetime.date(2021, 12, 31),
                    status=status,
                    decided_by=orgs[CIVIL_AFFAIRS] if approved else None,
                    decided_duty=LowIncomeCertificate.DUTY if approved else None,
                    decided_at=_decided_at(rng, 2019, 3) if approved else None,
                    comment="经核查，符合城市低保、特困人员供暖费优惠条件。" if approved else "",
                )
            )
        if plan.decision:
            decided, reference, reason = plan.decision
            decisions.append(
                AreaDecision(
                    account=account,
                    from_year=2020,
                    area=decided,
                    decided_by=orgs[HOUSING],
                    decided_duty=AreaDecision.DUTY,
                    reference=reference,
                    reason=reason,
                    decided_at=_decided_at(rng, 2020, 10),
                )
            )
    created["terms"] = len(_with_history(terms, AccountTerms))
    created["institution_approvals"] = len(_with_history(approvals, InstitutionApproval))
    created["low_income_certificates"] = len(_with_history(certificates, LowIncomeCertificate))
    created["area_decisions"] = len(_with_history(decisions, AreaDecision))


def _create_meters(
    plans: list[AccountPlan], accounts: list[Account], companies: dict[str, Organisation], created
) -> None:
    meters, pending = [], []
    for plan, account in zip(plans, accounts, strict=True):
        company = companies[plan.company.code]
        for m in plan.meters:
            meter = Meter(
                company=company,
                account=account,
                serial=m.serial,
                installed_on=m.installed_on,
                removed_on=m.removed_on,
            )
            meters.append(meter)
            pending += [(meter, company, r) for r in m.readings]
    _with_history(meters, Meter)
    readings = [
        Reading(
            meter=meter,
            read_at=r.read_at,
            value_gj=r.value,
            kind=r.kind,
            status=Reading.Status.VALID,
            source=Reading.Source.IMPORT,
            company=company,
            note=r.note,
        )
        for meter, company, r in pending
    ]
    _with_history(readings, Reading)
    created["meters"] = len(meters)
    created["readings"] = len(readings)


def _create_payments(
    plans: list[AccountPlan], accounts: list[Account], policies: dict[int, object], users, created
) -> None:
    """Each season's prepayment as the engine computes it from the facts just stored: charged (the
    prepayment-due entry a notice asks for) and paid in full or in part."""
    by_id = {account.id: plan for plan, account in zip(plans, accounts, strict=True)}
    payments, charges = [], []
    for year, policy in policies.items():
        terms = policy.terms()
        for chunk in chunks(accounts, FACTS_CHUNK):
            for account_id, facts in facts_for_season(chunk, year).items():
                # The prepayment is by area whatever the method; the heat only matters at settlement.
                heat = Decimal(0) if facts.method == METERED else None
                prepayment = billing.bill(facts, terms, heat_gj=heat).prepayment
                plan = by_id[account_id]
                pay = next(p for p in plan.payments if p.season_year == year)
                amount = billing.money(prepayment * pay.percent / 100)
                clerk = users[CLERKS[plan.company.code]]
                if prepayment:
                    charges.append(
                        LedgerEntry(
                            account_id=account_id,
                            season_year=year,
                            kind=LedgerEntry.Kind.PREPAYMENT_DUE,
                            amount=billing.money(prepayment),
                            created_by=clerk,
                        )
                    )
                payments.append(
                    Payment(
                        account_id=account_id,
                        season_year=year,
                        amount=amount,
                        paid_on=pay.paid_on,
                        channel=pay.channel,
                        reference=pay.reference,
                        created_by=clerk,
                    )
                )
    created["payments"] = len(_with_history(payments, Payment))
    entries = LedgerEntry.objects.bulk_create(charges + payment_entries(payments), batch_size=BATCH)
    created["ledger_entries"] = len(entries)
