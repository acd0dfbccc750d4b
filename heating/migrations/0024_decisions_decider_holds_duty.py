"""Only the right organisation decides (POLICY.md §2, §5; issue 11).

Each decision names the duty it was decided under (`decided_duty`), and the database refuses a row
whose organisation does not hold that duty, or a decided row with no organisation: a trigger on
PostgreSQL and on SQLite, checked when the row is written (a duty moving later does not undo past
decisions). Rows recorded before are judged once here: a decider holding the duty gets its
`decided_duty`; any other decided row is marked `needs_review`, which the bills ignore and the admin
lists. On PostgreSQL an exclusion constraint keeps one certificate (kind and number) to one home at a
time; SQLite has a trigger for the same rule (heating.services.decisions checks it first on both).

SQLite drops a table's triggers when Django rebuilds the table: a later migration that alters these
three tables on SQLite must create them again (tests/decisions/test_database.py fails otherwise).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models
from django.db.models import Exists, OuterRef

DECIDED = ("approved", "rejected", "revoked")
EFFECTIVE = "('approved', 'revoked')"
# (model, the columns whose change is a new decision, the duty by category or one duty for all)
TABLES = (
    ("AreaDecision", ("decided_by_id", "decided_duty"), "area_decision"),
    ("InstitutionApproval", ("decided_by_id", "decided_duty", "status"), None),
    ("LowIncomeCertificate", ("decided_by_id", "decided_duty", "status"), "eligibility_civil_affairs"),
)
CATEGORY_DUTIES = {
    "school": "eligibility_education",
    "kindergarten": "eligibility_education",
    "vocational": "eligibility_hr",
    "welfare": "eligibility_civil_affairs",
}
ONE_HOME = "certificate_one_home_at_a_time"


def judge_recorded_decisions(apps, schema_editor):
    """decided_duty for the rows whose decider holds the duty; needs_review for other decided rows."""
    OrganisationDuty = apps.get_model("heating", "OrganisationDuty")
    for name, columns, duty in TABLES:
        model = apps.get_model("heating", name)
        decided = model.objects.all() if "status" not in columns else model.objects.filter(status__in=DECIDED)
        by_duty = {None: duty} if duty else {category: d for category, d in CATEGORY_DUTIES.items()}
        for category, each in by_duty.items():
            rows = decided if category is None else decided.filter(category=category)
            holding = OrganisationDuty.objects.filter(organisation_id=OuterRef("decided_by_id"), duty=each)
            rows.filter(Exists(holding)).update(decided_duty=each)
        decided.filter(decided_duty__isnull=True).update(needs_review=True)


def _refused(columns) -> str:
    """SQLite: the row's decider does not hold its duty, or a decided row has none."""
    wrong = (
        "(NEW.decided_by_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM heating_organisationduty d"
        " WHERE d.organisation_id = NEW.decided_by_id AND d.duty = NEW.decided_duty))"
    )
    if "status" in columns:
        wrong += " OR (NEW.decided_by_id IS NULL AND NEW.status <> 'pending')"
    return f"({wrong})"


def _exclusive_end(row: str) -> str:
    return (
        f"MIN(COALESCE(date({row}.valid_until, '+1 day'), '9999-12-31'),"
        f" COALESCE({row}.revoked_from, '9999-12-31'))"
    )


def _second_home() -> str:
    """SQLite: an effective certificate whose kind and number serve another home in an overlapping period."""
    return (
        f"NEW.status IN {EFFECTIVE} AND NEW.decided_duty IS NOT NULL AND EXISTS ("
        "SELECT 1 FROM heating_lowincomecertificate o WHERE o.kind = NEW.kind AND o.number = NEW.number"
        f" AND o.account_id <> NEW.account_id AND o.status IN {EFFECTIVE} AND o.decided_duty IS NOT NULL"
        f" AND o.valid_from < {_exclusive_end('NEW')} AND NEW.valid_from < {_exclusive_end('o')})"
    )


def _sqlite(apps, schema_editor):
    for name, columns, _ in TABLES:
        table = apps.get_model("heating", name)._meta.db_table
        changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)
        refused = _refused(columns)
        for event, when in (("INSERT", refused), ("UPDATE", f"({changed}) AND {refused}")):
            schema_editor.execute(
                f"CREATE TRIGGER {table}_decider_{event.lower()} BEFORE {event} ON {table} FOR EACH ROW"
                f" WHEN {when} BEGIN SELECT RAISE(ABORT, 'the decider does not hold the duty'); END"
            )
    for event in ("INSERT", "UPDATE"):
        schema_editor.execute(
            f"CREATE TRIGGER {ONE_HOME}_{event.lower()} BEFORE {event} ON heating_lowincomecertificate"
            f" FOR EACH ROW WHEN {_second_home()}"
            " BEGIN SELECT RAISE(ABORT, 'the certificate serves another home in that period'); END"
        )


PG_FUNCTION = """
CREATE FUNCTION heating_decider_holds_duty() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.decided_by_id IS NULL THEN
        IF COALESCE(to_jsonb(NEW) ->> 'status', 'pending') <> 'pending' THEN
            RAISE EXCEPTION 'a decided row names its decider' USING ERRCODE = 'check_violation';
        END IF;
    ELSIF NOT EXISTS (SELECT 1 FROM heating_organisationduty d
                      WHERE d.organisation_id = NEW.decided_by_id AND d.duty = NEW.decided_duty) THEN
        RAISE EXCEPTION 'organisation % does not hold the duty %', NEW.decided_by_id, NEW.decided_duty
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END $$
"""


def _postgresql(apps, schema_editor):
    schema_editor.execute(PG_FUNCTION, None)  # its % are plpgsql's, not parameters
    for name, columns, _ in TABLES:
        table = apps.get_model("heating", name)._meta.db_table
        changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in columns)
        for event, when in (("INSERT", ""), ("UPDATE", f" WHEN ({changed})")):
            schema_editor.execute(
                f"CREATE TRIGGER {table}_decider_{event.lower()} BEFORE {event} ON {table} FOR EACH ROW"
                f"{when} EXECUTE FUNCTION heating_decider_holds_duty()"
            )
    schema_editor.execute(
        f"ALTER TABLE heating_lowincomecertificate ADD CONSTRAINT {ONE_HOME} EXCLUDE USING gist ("
        "kind WITH =, number WITH =, account_id WITH <>,"
        " daterange(valid_from, LEAST(valid_until + 1, revoked_from), '[)') WITH &&)"
        f" WHERE (status IN {EFFECTIVE} AND decided_duty IS NOT NULL)"
    )


def add_database_rules(apps, schema_editor):
    {"sqlite": _sqlite, "postgresql": _postgresql}[schema_editor.connection.vendor](apps, schema_editor)


def drop_database_rules(apps, schema_editor):
    postgresql = schema_editor.connection.vendor == "postgresql"
    for name, _, _ in TABLES:
        table = apps.get_model("heating", name)._meta.db_table
        for event in ("insert", "update"):
            on = f" ON {table}" if postgresql else ""
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_decider_{event}{on}")
    if postgresql:
        schema_editor.execute(f"ALTER TABLE heating_lowincomecertificate DROP CONSTRAINT IF EXISTS {ONE_HOME}")
        schema_editor.execute("DROP FUNCTION IF EXISTS heating_decider_holds_duty()")
    else:
        for event in ("insert", "update"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {ONE_HOME}_{event}")


class Migration(migrations.Migration):

    dependencies = [
        ('heating', '0023_payment_info'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='areadecision',
            name='decided_by_user',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='审定人'),
        ),
        migrations.AddField(
            model_name='areadecision',
            name='decided_duty',
            field=models.CharField(blank=True, choices=[('subsidy_lead', '补贴审核牵头'), ('subsidy_review', '补贴审核参与'), ('subsidy_approve', '补贴审批与拨付'), ('fund_audit', '资金使用监督'), ('refund_oversight', '热价与退费督导'), ('area_decision', '计费面积争议认定'), ('eligibility_education', '学校、幼儿园资格审定'), ('eligibility_hr', '职业（技工）学校资格审定'), ('eligibility_civil_affairs', '低保特困及敬老院等资格审定'), ('price_explanation', '价格政策解释'), ('price_supervision', '价格执行监督')], editable=False, max_length=40, null=True, verbose_name='审定职责'),
        ),
        migrations.AddField(
            model_name='areadecision',
            name='needs_review',
            field=models.BooleanField(default=False, editable=False, verbose_name='待复核'),
        ),
        migrations.AddField(
            model_name='historicalareadecision',
            name='decided_by_user',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='审定人'),
        ),
        migrations.AddField(
            model_name='historicalareadecision',
            name='decided_duty',
            field=models.CharField(blank=True, choices=[('subsidy_lead', '补贴审核牵头'), ('subsidy_review', '补贴审核参与'), ('subsidy_approve', '补贴审批与拨付'), ('fund_audit', '资金使用监督'), ('refund_oversight', '热价与退费督导'), ('area_decision', '计费面积争议认定'), ('eligibility_education', '学校、幼儿园资格审定'), ('eligibility_hr', '职业（技工）学校资格审定'), ('eligibility_civil_affairs', '低保特困及敬老院等资格审定'), ('price_explanation', '价格政策解释'), ('price_supervision', '价格执行监督')], editable=False, max_length=40, null=True, verbose_name='审定职责'),
        ),
        migrations.AddField(
            model_name='historicalareadecision',
            name='needs_review',
            field=models.BooleanField(default=False, editable=False, verbose_name='待复核'),
        ),
        migrations.AddField(
            model_name='historicalinstitutionapproval',
            name='decided_by_user',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='审定人'),
        ),
        migrations.AddField(
            model_name='historicalinstitutionapproval',
            name='decided_duty',
            field=models.CharField(blank=True, choices=[('subsidy_lead', '补贴审核牵头'), ('subsidy_review', '补贴审核参与'), ('subsidy_approve', '补贴审批与拨付'), ('fund_audit', '资金使用监督'), ('refund_oversight', '热价与退费督导'), ('area_decision', '计费面积争议认定'), ('eligibility_education', '学校、幼儿园资格审定'), ('eligibility_hr', '职业（技工）学校资格审定'), ('eligibility_civil_affairs', '低保特困及敬老院等资格审定'), ('price_explanation', '价格政策解释'), ('price_supervision', '价格执行监督')], editable=False, max_length=40, null=True, verbose_name='审定职责'),
        ),
        migrations.AddField(
            model_name='historicalinstitutionapproval',
            name='needs_review',
            field=models.BooleanField(default=False, editable=False, verbose_name='待复核'),
        ),
        migrations.AddField(
            model_name='historicallowincomecertificate',
            name='decided_by_user',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='审定人'),
        ),
        migrations.AddField(
            model_name='historicallowincomecertificate',
            name='decided_duty',
            field=models.CharField(blank=True, choices=[('subsidy_lead', '补贴审核牵头'), ('subsidy_review', '补贴审核参与'), ('subsidy_approve', '补贴审批与拨付'), ('fund_audit', '资金使用监督'), ('refund_oversight', '热价与退费督导'), ('area_decision', '计费面积争议认定'), ('eligibility_education', '学校、幼儿园资格审定'), ('eligibility_hr', '职业（技工）学校资格审定'), ('eligibility_civil_affairs', '低保特困及敬老院等资格审定'), ('price_explanation', '价格政策解释'), ('price_supervision', '价格执行监督')], editable=False, max_length=40, null=True, verbose_name='审定职责'),
        ),
        migrations.AddField(
            model_name='historicallowincomecertificate',
            name='needs_review',
            field=models.BooleanField(default=False, editable=False, verbose_name='待复核'),
        ),
        migrations.AddField(
            model_name='historicallowincomecertificate',
            name='revoked_from',
            field=models.DateField(blank=True, null=True, verbose_name='撤销生效日期'),
        ),
        migrations.AddField(
            model_name='institutionapproval',
            name='decided_by_user',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='审定人'),
        ),
        migrations.AddField(
            model_name='institutionapproval',
            name='decided_duty',
            field=models.CharField(blank=True, choices=[('subsidy_lead', '补贴审核牵头'), ('subsidy_review', '补贴审核参与'), ('subsidy_approve', '补贴审批与拨付'), ('fund_audit', '资金使用监督'), ('refund_oversight', '热价与退费督导'), ('area_decision', '计费面积争议认定'), ('eligibility_education', '学校、幼儿园资格审定'), ('eligibility_hr', '职业（技工）学校资格审定'), ('eligibility_civil_affairs', '低保特困及敬老院等资格审定'), ('price_explanation', '价格政策解释'), ('price_supervision', '价格执行监督')], editable=False, max_length=40, null=True, verbose_name='审定职责'),
        ),
        migrations.AddField(
            model_name='institutionapproval',
            name='needs_review',
            field=models.BooleanField(default=False, editable=False, verbose_name='待复核'),
        ),
        migrations.AddField(
            model_name='lowincomecertificate',
            name='decided_by_user',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='审定人'),
        ),
        migrations.AddField(
            model_name='lowincomecertificate',
            name='decided_duty',
            field=models.CharField(blank=True, choices=[('subsidy_lead', '补贴审核牵头'), ('subsidy_review', '补贴审核参与'), ('subsidy_approve', '补贴审批与拨付'), ('fund_audit', '资金使用监督'), ('refund_oversight', '热价与退费督导'), ('area_decision', '计费面积争议认定'), ('eligibility_education', '学校、幼儿园资格审定'), ('eligibility_hr', '职业（技工）学校资格审定'), ('eligibility_civil_affairs', '低保特困及敬老院等资格审定'), ('price_explanation', '价格政策解释'), ('price_supervision', '价格执行监督')], editable=False, max_length=40, null=True, verbose_name='审定职责'),
        ),
        migrations.AddField(
            model_name='lowincomecertificate',
            name='needs_review',
            field=models.BooleanField(default=False, editable=False, verbose_name='待复核'),
        ),
        migrations.AddField(
            model_name='lowincomecertificate',
            name='revoked_from',
            field=models.DateField(blank=True, null=True, verbose_name='撤销生效日期'),
        ),
        migrations.AlterField(
            model_name='historicalinstitutionapproval',
            name='status',
            field=models.CharField(choices=[('pending', '待审定'), ('approved', '已批准'), ('rejected', '未批准'), ('revoked', '已撤销')], default='pending', max_length=10, verbose_name='状态'),
        ),
        migrations.AlterField(
            model_name='historicallowincomecertificate',
            name='status',
            field=models.CharField(choices=[('pending', '待审定'), ('approved', '已批准'), ('rejected', '未批准'), ('revoked', '已撤销')], default='pending', max_length=10, verbose_name='状态'),
        ),
        migrations.AlterField(
            model_name='institutionapproval',
            name='status',
            field=models.CharField(choices=[('pending', '待审定'), ('approved', '已批准'), ('rejected', '未批准'), ('revoked', '已撤销')], default='pending', max_length=10, verbose_name='状态'),
        ),
        migrations.AlterField(
            model_name='lowincomecertificate',
            name='status',
            field=models.CharField(choices=[('pending', '待审定'), ('approved', '已批准'), ('rejected', '未批准'), ('revoked', '已撤销')], default='pending', max_length=10, verbose_name='状态'),
        ),
        migrations.AddConstraint(
            model_name='areadecision',
            constraint=models.CheckConstraint(condition=models.Q(('decided_duty__isnull', True), ('decided_duty', 'area_decision'), _connector='OR'), name='area_decided_under_its_duty'),
        ),
        migrations.AddConstraint(
            model_name='institutionapproval',
            constraint=models.CheckConstraint(condition=models.Q(('decided_duty__isnull', True), models.Q(('category', 'school'), ('decided_duty', 'eligibility_education')), models.Q(('category', 'kindergarten'), ('decided_duty', 'eligibility_education')), models.Q(('category', 'vocational'), ('decided_duty', 'eligibility_hr')), models.Q(('category', 'welfare'), ('decided_duty', 'eligibility_civil_affairs')), _connector='OR'), name='institution_decided_under_its_duty'),
        ),
        migrations.AddConstraint(
            model_name='lowincomecertificate',
            constraint=models.CheckConstraint(condition=models.Q(('decided_duty__isnull', True), ('decided_duty', 'eligibility_civil_affairs'), _connector='OR'), name='certificate_decided_under_its_duty'),
        ),
        migrations.AddConstraint(
            model_name='lowincomecertificate',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('revoked_from__gte', models.F('valid_from')), ('status', 'revoked')), models.Q(models.Q(('status', 'revoked'), _negated=True), ('revoked_from__isnull', True)), _connector='OR'), name='certificate_revocation_dated'),
        ),
        migrations.RunPython(judge_recorded_decisions, migrations.RunPython.noop),
        migrations.RunPython(add_database_rules, drop_database_rules),
    ]
