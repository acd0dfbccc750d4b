"""The claim as a workbook: its §8 terms with how each follows, the cost items and adjustments, the
reviews and history, and the accounts' statements behind the figures. Every text cell neutralised
as in the portal's CSV exports (a leading formula character is quoted)."""

import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook

from heating.imports.files import csv_cell


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
