"""Every term of a claim's figures (POLICY.md §8, notice §七) in the order the policy gives them, each
with how it follows from the ones above, in words and with the claim's own numbers. Pure: no database."""

from collections.abc import Mapping
from dataclasses import dataclass, fields
from decimal import Decimal

from django.utils.translation import gettext as _

from subsidy.formula import ClaimFigures
from subsidy.models.costs import COST_CATEGORIES

NOTICE_CODE = "源政办字〔2019〕54号"  # the notice whose §七 grants the subsidy
NOTICE_SECTION = "§七"
# Every term of POLICY.md §8, in its order: claim_terms explains them in this order.
TERMS = tuple(field.name for field in fields(ClaimFigures) if field.name != "exceptions")


@dataclass(frozen=True)
class Term:
    name: str
    label: str
    value: str  # as shown: ¥1234.00, or 800.00 m² for an area
    how: str


def cost_category_label(category: str) -> str:
    """The category's label as the cost declaration names it; an unknown one as stored."""
    return str(dict(COST_CATEGORIES).get(category, category))


def _yuan(text: str) -> str:
    value = Decimal(text)
    return f"−¥{-value:.2f}" if value < 0 else f"¥{value:.2f}"


def _area(text: str) -> str:
    return _("%(area)s 平方米") % {"area": f"{Decimal(text):.2f}"}


def claim_terms(figures: Mapping[str, str], *, adjusted: bool = False) -> list[Term]:
    """`figures` as the contract's two-decimal strings; `adjusted` when reviewers changed the cost."""
    f = {
        name: (_area(v) if name in ("area", "res_area") else _yuan(v))
        for name, v in figures.items()
        if name != "exceptions"
    }
    cost_how = (
        _("企业申报的本季运营成本，经审核部门调整（调整及理由见下）。")
        if adjusted
        else _("企业申报的本季运营成本（明细见下）。")
    )
    rows = [
        ("revenue", _("供暖收入"), _("本季全部账户结算单的应收热费之和；尚未结算的例外账户按预交额计。")),
        ("hardship", _("困难群体优惠"), _("各账户低保特困优惠之和。")),
        ("cap", _("结算上限损失"), _("各账户因结算上限少收的热费之和。")),
        ("cost", _("供暖成本"), cost_how),
        ("area", _("计费面积"), _("全部账户计费面积之和。")),
        ("res_area", _("居民价格面积"), _("执行居民价格的账户（居民和学校等机构）计费面积之和。")),
        (
            "res_revenue",
            _("居民价格收入"),
            _("这些账户的应收热费加低保优惠和上限损失：按政府定价、不设上限、不享优惠时应收的热费。"),
        ),
        (
            "res_cost",
            _("居民供暖成本"),
            _(
                "按计费面积分摊的成本：供暖成本 %(cost)s × 居民价格面积 %(res_area)s"
                " ÷ 计费面积 %(area)s，四舍五入到分。"
            )
            % f,
        ),
        (
            "inversion",
            _("价格倒挂亏损"),
            _("居民供暖成本 %(res_cost)s 减居民价格收入 %(res_revenue)s，不足零按零计。") % f,
        ),
        (
            "eligible",
            _("可补贴亏损"),
            _("困难群体优惠 %(hardship)s + 结算上限损失 %(cap)s + 价格倒挂亏损 %(inversion)s。") % f,
        ),
        ("actual_loss", _("实际亏损"), _("供暖成本 %(cost)s 减供暖收入 %(revenue)s，不足零按零计。") % f),
        ("connection_fees", _("返还供热配套费"), _("县财政返还企业、由财政局记入本季的供热配套费。")),
        ("offset", _("配套费抵减"), _("返还供热配套费 %(connection_fees)s 的 50%%，四舍五入到分。") % f),
        (
            "claim",
            _("补贴金额"),
            _(
                "可补贴亏损 %(eligible)s 与实际亏损 %(actual_loss)s 中较小者，"
                "减配套费抵减 %(offset)s，不足零按零计。"
            )
            % f,
        ),
    ]
    return [Term(name, label, f[name], how) for name, label, how in rows]
