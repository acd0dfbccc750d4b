"""The price-policy desk: a drafted notice's date, text and PDF, who published it, the duty of drafting
and publishing, and a trigger (PostgreSQL and SQLite) that refuses any writer's change to what a
published policy bills or says (heating.models.policy.FROZEN_COLUMNS, copied here as it stands now)."""

import django.db.models.deletion
import heating.models.policy
from django.conf import settings
from django.db import migrations, models


FROZEN = (
    "status", "code", "effective_from", "residential_area_price", "residential_heat_price",
    "non_residential_area_price", "non_residential_heat_price", "basic_share", "heat_share",
    "exchanger_fee", "low_income_rate", "duplex_single_floor_share", "attic_without_certificate_share",
    "institution_phased", "institution_cap", "prorate_partial_seasons", "notice_date", "notice_text",
)
TRIGGER = "price_policy_published_frozen"
MESSAGE = "price_policy_published_frozen: a published price policy cannot be changed"


def _trigger(apps, schema_editor):
    table = schema_editor.quote_name(apps.get_model("heating", "PricePolicy")._meta.db_table)
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        changed = " OR ".join(f"NEW.{c} IS DISTINCT FROM OLD.{c}" for c in FROZEN)
        schema_editor.execute(
            f"CREATE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
            f"IF OLD.status = 'published' AND ({changed}) THEN "
            f"RAISE EXCEPTION '{MESSAGE}' USING ERRCODE = 'integrity_constraint_violation'; END IF; "
            f"RETURN NEW; END $$"
        )
        schema_editor.execute(
            f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE ON {table} FOR EACH ROW EXECUTE FUNCTION {TRIGGER}()"
        )
    elif vendor == "sqlite":
        changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in FROZEN)
        schema_editor.execute(
            f"CREATE TRIGGER {TRIGGER} BEFORE UPDATE ON {table} "
            f"WHEN OLD.status = 'published' AND ({changed}) "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
        )


def _drop_trigger(apps, schema_editor):
    table = schema_editor.quote_name(apps.get_model("heating", "PricePolicy")._meta.db_table)
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER} ON {table}")
        schema_editor.execute(f"DROP FUNCTION IF EXISTS {TRIGGER}()")
    elif vendor == "sqlite":
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {TRIGGER}")


class Migration(migrations.Migration):

    dependencies = [
        ('heating', '0037_complaints'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='historicalpricepolicy',
            name='notice_date',
            field=models.DateField(blank=True, null=True, verbose_name='发文日期'),
        ),
        migrations.AddField(
            model_name='historicalpricepolicy',
            name='notice_text',
            field=models.TextField(blank=True, help_text='标题一段，其后每段之间空一行；“一、”开头的段落开始一节，“1. ”开头的段落是其中一项。', verbose_name='通知原文'),
        ),
        migrations.AddField(
            model_name='historicalpricepolicy',
            name='published_by',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='发布人'),
        ),
        migrations.AddField(
            model_name='pricepolicy',
            name='notice_date',
            field=models.DateField(blank=True, null=True, verbose_name='发文日期'),
        ),
        migrations.AddField(
            model_name='pricepolicy',
            name='notice_text',
            field=models.TextField(blank=True, help_text='标题一段，其后每段之间空一行；“一、”开头的段落开始一节，“1. ”开头的段落是其中一项。', verbose_name='通知原文'),
        ),
        migrations.AddField(
            model_name='pricepolicy',
            name='published_by',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='发布人'),
        ),
        migrations.AlterField(
            model_name='areadecision',
            name='decided_duty',
            field=models.CharField(blank=True, choices=[('subsidy_lead', '补贴审核牵头'), ('subsidy_review', '补贴审核参与'), ('subsidy_approve', '补贴审批与拨付'), ('fund_audit', '资金使用监督'), ('refund_oversight', '热价与退费督导'), ('area_decision', '计费面积争议认定'), ('eligibility_education', '学校、幼儿园资格审定'), ('eligibility_hr', '职业（技工）学校资格审定'), ('eligibility_civil_affairs', '低保特困及敬老院等资格审定'), ('price_explanation', '价格政策解释'), ('price_policy', '价格政策制定与发布'), ('price_supervision', '价格执行监督')], editable=False, max_length=40, null=True, verbose_name='审定职责'),
        ),
        migrations.AlterField(
            model_name='historicalareadecision',
            name='decided_duty',
            field=models.CharField(blank=True, choices=[('subsidy_lead', '补贴审核牵头'), ('subsidy_review', '补贴审核参与'), ('subsidy_approve', '补贴审批与拨付'), ('fund_audit', '资金使用监督'), ('refund_oversight', '热价与退费督导'), ('area_decision', '计费面积争议认定'), ('eligibility_education', '学校、幼儿园资格审定'), ('eligibility_hr', '职业（技工）学校资格审定'), ('eligibility_civil_affairs', '低保特困及敬老院等资格审定'), ('price_explanation', '价格政策解释'), ('price_policy', '价格政策制定与发布'), ('price_supervision', '价格执行监督')], editable=False, max_length=40, null=True, verbose_name='审定职责'),
        ),
        migrations.AlterField(
            model_name='historicalinstitutionapproval',
            name='decided_duty',
            field=models.CharField(blank=True, choices=[('subsidy_lead', '补贴审核牵头'), ('subsidy_review', '补贴审核参与'), ('subsidy_approve', '补贴审批与拨付'), ('fund_audit', '资金使用监督'), ('refund_oversight', '热价与退费督导'), ('area_decision', '计费面积争议认定'), ('eligibility_education', '学校、幼儿园资格审定'), ('eligibility_hr', '职业（技工）学校资格审定'), ('eligibility_civil_affairs', '低保特困及敬老院等资格审定'), ('price_explanation', '价格政策解释'), ('price_policy', '价格政策制定与发布'), ('price_supervision', '价格执行监督')], editable=False, max_length=40, null=True, verbose_name='审定职责'),
        ),
        migrations.AlterField(
            model_name='historicallowincomecertificate',
            name='decided_duty',
            field=models.CharField(blank=True, choices=[('subsidy_lead', '补贴审核牵头'), ('subsidy_review', '补贴审核参与'), ('subsidy_approve', '补贴审批与拨付'), ('fund_audit', '资金使用监督'), ('refund_oversight', '热价与退费督导'), ('area_decision', '计费面积争议认定'), ('eligibility_education', '学校、幼儿园资格审定'), ('eligibility_hr', '职业（技工）学校资格审定'), ('eligibility_civil_affairs', '低保特困及敬老院等资格审定'), ('price_explanation', '价格政策解释'), ('price_policy', '价格政策制定与发布'), ('price_supervision', '价格执行监督')], editable=False, max_length=40, null=True, verbose_name='审定职责'),
        ),
        migrations.AlterField(
            model_name='institutionapproval',
            name='decided_duty',
            field=models.CharField(blank=True, choices=[('subsidy_lead', '补贴审核牵头'), ('subsidy_review', '补贴审核参与'), ('subsidy_approve', '补贴审批与拨付'), ('fund_audit', '资金使用监督'), ('refund_oversight', '热价与退费督导'), ('area_decision', '计费面积争议认定'), ('eligibility_education', '学校、幼儿园资格审定'), ('eligibility_hr', '职业（技工）学校资格审定'), ('eligibility_civil_affairs', '低保特困及敬老院等资格审定'), ('price_explanation', '价格政策解释'), ('price_policy', '价格政策制定与发布'), ('price_supervision', '价格执行监督')], editable=False, max_length=40, null=True, verbose_name='审定职责'),
        ),
        migrations.AlterField(
            model_name='lowincomecertificate',
            name='decided_duty',
            field=models.CharField(blank=True, choices=[('subsidy_lead', '补贴审核牵头'), ('subsidy_review', '补贴审核参与'), ('subsidy_approve', '补贴审批与拨付'), ('fund_audit', '资金使用监督'), ('refund_oversight', '热价与退费督导'), ('area_decision', '计费面积争议认定'), ('eligibility_education', '学校、幼儿园资格审定'), ('eligibility_hr', '职业（技工）学校资格审定'), ('eligibility_civil_affairs', '低保特困及敬老院等资格审定'), ('price_explanation', '价格政策解释'), ('price_policy', '价格政策制定与发布'), ('price_supervision', '价格执行监督')], editable=False, max_length=40, null=True, verbose_name='审定职责'),
        ),
        migrations.AlterField(
            model_name='organisationduty',
            name='duty',
            field=models.CharField(choices=[('subsidy_lead', '补贴审核牵头'), ('subsidy_review', '补贴审核参与'), ('subsidy_approve', '补贴审批与拨付'), ('fund_audit', '资金使用监督'), ('refund_oversight', '热价与退费督导'), ('area_decision', '计费面积争议认定'), ('eligibility_education', '学校、幼儿园资格审定'), ('eligibility_hr', '职业（技工）学校资格审定'), ('eligibility_civil_affairs', '低保特困及敬老院等资格审定'), ('price_explanation', '价格政策解释'), ('price_policy', '价格政策制定与发布'), ('price_supervision', '价格执行监督')], max_length=40, verbose_name='职责'),
        ),
        migrations.CreateModel(
            name='PolicyNoticePdf',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('name', models.CharField(max_length=200, verbose_name='文件名')),
                ('content_type', models.CharField(max_length=100, verbose_name='文件类型')),
                ('size', models.PositiveIntegerField(verbose_name='大小（字节）')),
                ('sha256', models.CharField(max_length=64, verbose_name='文件摘要')),
                ('uploaded_at', models.DateTimeField(auto_now_add=True, verbose_name='上传时间')),
                ('file', models.FileField(max_length=200, upload_to=heating.models.policy.notice_pdf_path, verbose_name='文件')),
                ('policy', models.OneToOneField(on_delete=django.db.models.deletion.CASCADE, related_name='notice_pdf', to='heating.pricepolicy', verbose_name='价格政策')),
            ],
            options={
                'verbose_name': '通知文件',
                'verbose_name_plural': '通知文件',
            },
        ),
        migrations.RunPython(_trigger, _drop_trigger),
    ]
