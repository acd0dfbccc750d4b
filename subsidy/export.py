"""The claim as a workbook: its §8 terms with how each follows, the cost items and adjustments, the
reviews and history, and the accounts' statements behind the figures. Every text cell neutralised
as in the portal's CSV exports (a leading formula character is quoted)."""

import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook

from heating.imports.files import csv_cell, csv_export


def _number(text) -> Decimal | None:
    return None if text in (None, "") else Decimal(text)


def claim_workbook(page, statements) -> bytes:
    """`page` from subsidy.selectors.claim_page; `statements` the version's (claim_accounts)."""
    book = Workbook()
    terms = book.active
    terms.title = _("补贴测算")
    terms.append([_("项目"), _("金额或面积"), _("计算")])
    for term in page.terms:
        value = page.claim.figures[term.name]
        terms.append([csv_cell(term.label), _number(value), csv_cell(term.how)])

    costs = book.create_sheet(_("成本明细"))
    costs.append(
        [
            _("成本项目"),
            _("申报（元）"),
            _("审核后（元）"),
            _("调整单位"),
            _("调整前（元）"),
            _("调整后（元）"),
            _("调整理由"),
        ]
    )
    for row in page.costs:
        costs.append([csv_cell(row.label), row.declared, row.current])
        for a in row.adjustments:
            costs.append(
                [
                    "",
                    None,
                    None,
                    csv_cell(a.organisation.name),
                    a.amount_before,
                    a.amount_after,
                    csv_cell(a.reason),
                ]
            )

    history = book.create_sheet(_("办理记录"))
    history.append([_("时间"), _("步骤"), _("单位"), _("经办人"), _("结论"), _("意见"), _("补贴金额（元）")])
    for event in page.history:
        history.append(
            [
                event.at.strftime("%Y-%m-%d %H:%M"),
                csv_cell(event.get_kind_display()),
                csv_cell(event.organisation.name),
                csv_cell(event.actor_name),
                csv_cell(event.get_decision_display() if event.decision else ""),
                csv_cell(event.comment),
                _number((event.figures_after or {}).get("claim")),
            ]
        )

    accounts = book.create_sheet(_("结算账户"))
    accounts.append(
        [_("户号"), _("结算单版本"), _("计费面积（m²）"), _("上限损失"), _("困难群体减免"), _("实际应缴")]
    )
    for statement in statements:
        accounts.append(
            [
                csv_cell(statement.account.number),
                statement.version,
                statement.billing_area,
                statement.cap_loss,
                statement.low_income_discount,
                statement.amount_due,
            ]
        )
    for sheet in book.worksheets:
        sheet.column_dimensions["A"].width = 18
        sheet.column_dimensions["C"].width = 18
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _decimal(text) -> Decimal:
    return Decimal(text)


def whatif_tables(result: dict) -> list[tuple[str, list, list[list]]]:
    """A what-if's tables as (title, header, rows), each row naming its policy (one or two)."""
    companies, bars, groups, homes = [], [], [], []
    for column in result.get("policies", []):
        code = column["policy"]["code"]
        for row in [*column["companies"], {**column["county"], "name": _("全县合计")}]:
            before, after = _decimal(row["revenue_before"]), _decimal(row["revenue_after"])
            claim_before, claim_after = _decimal(row["claim_before"]), _decimal(row["claim_after"])
            companies.append(
                [
                    code,
                    row["name"],
                    row["accounts"],
                    before,
                    after,
                    after - before,
                    claim_before,
                    claim_after,
                    claim_after - claim_before,
                ]
            )
        bars += [[code, bar["low"], bar["high"], bar["count"]] for bar in column["histogram"]]
        groups += [
            [code, g["price_class"], g["method"], g["more"], g["less"], g["same"]] for g in column["groups"]
        ]
        homes += [
            [
                code,
                h["company"],
                h["number"],
                h["name"],
                h["address"],
                _decimal(h["before"]),
                _decimal(h["after"]),
                _decimal(h["change"]),
            ]
            for h in column["top"]
        ]
    return [
        (
            _("各企业"),
            [
                _("测算政策"),
                _("企业"),
                _("账户数"),
                _("现行应收（元）"),
                _("测算应收（元）"),
                _("应收变化（元）"),
                _("现行补贴（元）"),
                _("测算补贴（元）"),
                _("补贴变化（元）"),
            ],
            companies,
        ),
        (_("变化分布"), [_("测算政策"), _("变化自（元）"), _("变化至（元，不含）"), _("户数")], bars),
        (
            _("按类别"),
            [_("测算政策"), _("价格类别"), _("计费方式"), _("多缴户数"), _("少缴户数"), _("不变户数")],
            groups,
        ),
        (
            _("变化最大的用户"),
            [
                _("测算政策"),
                _("企业"),
                _("户号"),
                _("姓名"),
                _("地址"),
                _("现行应收（元）"),
                _("测算应收（元）"),
                _("变化（元）"),
            ],
            homes,
        ),
    ]


def whatif_csv(result: dict) -> bytes:
    """The companies' table (revenue and claim before and after, and the county's totals)."""
    _title, header, rows = whatif_tables(result)[0]
    return csv_export(header, rows)


def whatif_workbook(result: dict) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, header, rows in whatif_tables(result):
        sheet = book.create_sheet(title)
        sheet.append(header)
        for row in rows:
            sheet.append([csv_cell(cell) if isinstance(cell, str) else cell for cell in row])
        sheet.column_dimensions["A"].width = 22
        sheet.column_dimensions["B"].width = 18
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
