"""Loading a price notice as data (POLICY.md §1): a new notice is a new row, checked before it is kept.
The price-policy desk drafts one (a copy of the policy in force), edits it, and publishes it; a
published policy is never changed again (heating.models.policy)."""
import datetime
import hashlib
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from heating.attachments import upload_check
from heating.models import PolicyNoticePdf, PricePolicy
from heating.models.policy import PolicyPublished

# Every figure and flag of POLICY.md a notice sets, in the order the desk's form shows them.
FIGURES = (
    "residential_area_price",
    "residential_heat_price",
    "non_residential_area_price",
    "non_residential_heat_price",
    "basic_share",
    "heat_share",
    "exchanger_fee",
    "low_income_rate",
    "duplex_single_floor_share",
    "attic_without_certificate_share",
    "institution_phased",
    "institution_cap",
    "prorate_partial_seasons",
)
DRAFT_FIELDS = ("code", "title", "effective_from", "effective_until", *FIGURES, "notice_date", "notice_text")
# The bounds beyond which a figure is a typing mistake, not a price (both ends allowed).
LIMITS = {
    "residential_area_price": (Decimal("0"), Decimal("1000")),
    "residential_heat_price": (Decimal("0"), Decimal("1000")),
    "non_residential_area_price": (Decimal("0"), Decimal("1000")),
    "non_residential_heat_price": (Decimal("0"), Decimal("1000")),
    "basic_share": (Decimal("0"), Decimal("1")),
    "heat_share": (Decimal("0"), Decimal("1")),
    "exchanger_fee": (Decimal("0"), Decimal("10000")),
    "low_income_rate": (Decimal("0"), Decimal("1")),
    "duplex_single_floor_share": (Decimal("0"), Decimal("3")),
    "attic_without_certificate_share": (Decimal("0"), Decimal("1")),
}
NOTICE_PDF_MAX_BYTES = 10 * 1024 * 1024
# A new draft's period when nothing says otherwise: two years from the day after the policy it copies.
DRAFT_YEARS = 2


@transaction.atomic
def policy_create(
    *, code: str, title: str, effective_from: datetime.date, effective_until: datetime.date, **figures
) -> PricePolicy:
    """A new price policy with its figures (the PricePolicy fields); ValidationError when any is wrong or
    its period overlaps another policy's, naming that policy."""
    policy = PricePolicy(
        code=code, title=title, effective_from=effective_from, effective_until=effective_until, **figures
    )
    policy.full_clean()
    try:
        with transaction.atomic():
            policy.save()
    except IntegrityError:
        # A concurrent writer's overlapping policy reached PostgreSQL's exclusion constraint first:
        # the same check again now names it.
        policy.full_clean()
        raise
    return policy


def figure_problems(values: dict) -> dict[str, str]:
    """Per field, what is wrong with a draft's figures and period in words (empty: nothing)."""
    problems = {}
    for name, (low, high) in LIMITS.items():
        value = values.get(name)
        if value is not None and not low <= value <= high:
            problems[name] = _("应在 %(low)s 到 %(high)s 之间。") % {"low": low, "high": high}
    start, until = values.get("effective_from"), values.get("effective_until")
    if start and until and until < start:
        problems["effective_until"] = _("有效期至不能早于执行日期。")
    return problems


def _base_policy(today: datetime.date) -> PricePolicy | None:
    """What a new draft copies: the published policy in force today, else the latest published one."""
    published = PricePolicy.objects.published()
    return (
        published.filter(effective_from__lte=today, effective_until__gte=today).first()
        or published.order_by("-effective_from").first()
    )


def _years_later(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def _free_code(wanted: str) -> str:
    taken = set(PricePolicy.objects.filter(code__startswith=wanted).values_list("code", flat=True))
    n = 1
    code = wanted
    while code in taken:
        n += 1
        code = f"{wanted}（{n}）"
    return code


@transaction.atomic
def policy_draft_new(*, user, today: datetime.date) -> PricePolicy:
    """A draft copying every figure and flag of the policy in force (or the latest published), in force
    from the day after that one ends for two years; ValidationError when nothing is published to copy."""
    base = _base_policy(today)
    if base is None:
        raise ValidationError(_("还没有已发布的价格政策可以复制。"), code="nothing_to_copy")
    start = base.effective_until + datetime.timedelta(days=1)
    draft = PricePolicy(
        code=_free_code(_("价格政策草稿〔%(year)s〕") % {"year": start.year}),
        title=base.title,
        effective_from=start,
        effective_until=_years_later(start, DRAFT_YEARS) - datetime.timedelta(days=1),
        status=PricePolicy.Status.DRAFT,
        **{name: getattr(base, name) for name in FIGURES},
    )
    draft.full_clean()
    draft._history_user = user
    draft.save()
    return draft


def _locked_draft(policy_id: int) -> PricePolicy:
    policy = PricePolicy.objects.select_for_update().get(pk=policy_id)
    if policy.is_published:
        raise PolicyPublished(
            _("价格政策“%(code)s”已发布，不能修改。"), code="published", params={"code": policy.code}
        )
    return policy


def _notice_pdf_replace(policy: PricePolicy, upload) -> None:
    upload_check(
        upload, allowed=frozenset({"pdf"}), max_bytes=NOTICE_PDF_MAX_BYTES,
        wrong_kind=_("通知 PDF：只能上传 PDF 文件。"),
    )
    data = upload.read()
    old = PolicyNoticePdf.objects.filter(policy=policy).first()
    if old is not None:
        old.file.delete(save=False)
        old.delete()
    pdf = PolicyNoticePdf(
        policy=policy,
        name=upload.name,
        content_type="application/pdf",
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    pdf.file.save(pdf.sha256, ContentFile(data), save=False)
    pdf.save()


@transaction.atomic
def policy_draft_update(*, user, policy_id: int, values: dict, notice_pdf=None) -> PricePolicy:
    """A draft's fields (DRAFT_FIELDS) replaced by `values`, and its notice PDF by `notice_pdf` when
    given; ValidationError per field in words, PolicyPublished for a published policy."""
    policy = _locked_draft(policy_id)
    for name in DRAFT_FIELDS:
        if name in values:
            setattr(policy, name, values[name])
    problems = figure_problems({name: getattr(policy, name) for name in DRAFT_FIELDS})
    if problems:
        raise ValidationError(problems)
    policy.full_clean()
    if notice_pdf is not None:
        _notice_pdf_replace(policy, notice_pdf)
    policy._history_user = user
    policy.save()
    return policy


@transaction.atomic
def policy_draft_delete(*, user, policy_id: int) -> None:
    policy = _locked_draft(policy_id)
    pdf = PolicyNoticePdf.objects.filter(policy=policy).first()
    if pdf is not None:
        pdf.file.delete(save=False)
    policy._history_user = user
    policy.delete()


@transaction.atomic
def policy_publish(*, user, policy_id: int, now: datetime.datetime | None = None) -> PricePolicy:
    """The draft published: from now on it bills the seasons its period holds, and shows on 政策公开.
    Checked again under the row's lock; ValidationError in words when its period overlaps a published
    policy (naming it; PostgreSQL's exclusion constraint holds the same against a concurrent publisher)
    or when it has no notice text or date to show."""
    policy = _locked_draft(policy_id)
    missing = {}
    if not policy.notice_text.strip():
        missing["notice_text"] = _("发布前请填写通知原文：政策公开页面向居民展示它。")
    if policy.notice_date is None:
        missing["notice_date"] = _("发布前请填写发文日期。")
    problems = {**figure_problems({name: getattr(policy, name) for name in DRAFT_FIELDS}), **missing}
    if problems:
        raise ValidationError(problems)
    policy.status = PricePolicy.Status.PUBLISHED
    policy.published_at = now or timezone.now()
    policy.published_by = user
    policy.full_clean()
    policy._history_user = user
    policy._change_reason = "published"
    try:
        with transaction.atomic():
            policy.save()
    except IntegrityError:
        policy.full_clean()  # a concurrent publisher's overlapping policy came first: name it
        raise
    return policy
