"""Bill explanation lines in words: Simplified Chinese (the default) and English."""

from .areas import (
    AREA,
    ATTIC_WITH_CERTIFICATE,
    ATTIC_WITHOUT_CERTIFICATE,
    BASEMENT,
    BUILDING,
    DUPLEX_BOTH_FLOORS_HEATED,
    DUPLEX_SINGLE_FLOOR_HEATED,
    FLAT,
    GARAGE,
    INSTITUTION,
    METERED,
    NON_RESIDENTIAL,
    RESIDENTIAL,
    STORAGE,
)
from .engine import Line

ZH_HANS = "zh-hans"
EN = "en"
LANGUAGES = (ZH_HANS, EN)

PART_KIND_LABELS = {
    ZH_HANS: {
        FLAT: "住宅套内建筑面积",
        DUPLEX_SINGLE_FLOOR_HEATED: "复式住宅单层采暖（采暖层面积）",
        DUPLEX_BOTH_FLOORS_HEATED: "复式住宅双层采暖（全部面积）",
        ATTIC_WITH_CERTIFICATE: "阁楼有房产证（房产证注明面积）",
        ATTIC_WITHOUT_CERTIFICATE: "阁楼无房产证（按下层住房面积）",
        BASEMENT: "地下室",
        STORAGE: "杂物间",
        GARAGE: "车库",
        BUILDING: "采暖建筑的建筑面积",
    },
    EN: {
        FLAT: "Flat (套内建筑面积, floor area inside the unit)",
        DUPLEX_SINGLE_FLOOR_HEATED: "Duplex heated on one floor (area of the heated floor)",
        DUPLEX_BOTH_FLOORS_HEATED: "Duplex heated on both floors (whole area)",
        ATTIC_WITH_CERTIFICATE: "Attic with a property certificate (area on the certificate)",
        ATTIC_WITHOUT_CERTIFICATE: "Attic without a property certificate (area of the floor below)",
        BASEMENT: "Basement",
        STORAGE: "Storage room",
        GARAGE: "Garage",
        BUILDING: "Building (建筑面积, gross floor area)",
    },
}

PRICE_CLASS_LABELS = {
    ZH_HANS: {
        RESIDENTIAL: "居民用户",
        INSTITUTION: "执行居民价格的单位",
        NON_RESIDENTIAL: "非居民用户",
    },
    EN: {
        RESIDENTIAL: "Residential household",
        INSTITUTION: "Institution at the residential price",
        NON_RESIDENTIAL: "Non-residential",
    },
}

METHOD_LABELS = {
    ZH_HANS: {AREA: "按面积收费", METERED: "分户计量（两部制）"},
    EN: {AREA: "Billed by area", METERED: "Metered (two-part price)"},
}

_TEMPLATES = {
    ZH_HANS: {
        "part": "{kind}：{area} m²，全部计入计费面积",
        "part_scaled": "{kind}：{area} m² × {share}，计入计费面积 {counted} m²",
        "billing_area": "计费面积：各部分合计 {area} m²，相加后四舍五入至 0.01 m²",
        "area_decision": "计费面积经房产管理部门确定为 {decided} m²，取代按各部分计算的 {computed} m²",
        "price_class": "价格类别：{price_class}，面积价格 {area_price} 元/m²，计量热价 {heat_price} 元/GJ",
        "partial_season": "本供暖季共 {season_days} 天，本户开户 {days_open} 天：面积热费、基本热费、结算上限"
        "和预交金额按 {days_open}/{season_days} 计收，计量热费按开户期间的用热量，小型换热设备费不分摊",
        "area_fee": "按面积收费：计费面积 {area} m² × {area_price} 元/m²",
        "area_fee_partial": "按面积收费：计费面积 {area} m² × {area_price} 元/m² "
        "× {days_open}/{season_days} 天",
        "basic_fee": "基本热费：计费面积 {area} m² × {area_price} 元/m² × {basic_share}",
        "basic_fee_partial": "基本热费：计费面积 {area} m² × {area_price} 元/m² × {basic_share} "
        "× {days_open}/{season_days} 天",
        "metered_fee": "采暖热费：用热量 {heat_gj} GJ × {heat_price} 元/GJ",
        "metered_fee_two_part": "计量热费：用热量 {heat_gj} GJ × {heat_price} 元/GJ × {heat_share}",
        "cap": "结算上限：计费面积 {area} m² × {area_price} 元/m²",
        "cap_partial": "结算上限：计费面积 {area} m² × {area_price} 元/m² "
        "× {days_open}/{season_days} 天",
        "no_cap": "不设结算上限",
        "heating_fee_basic": "采暖热费 {metered} 元小于等于基本热费，按基本热费 {basic} 元结算",
        "heating_fee_metered": "采暖热费高于基本热费，按实际金额 {metered} 元结算",
        "heating_fee_two_part": "结算热费：基本热费 {basic} 元 + 计量热费 {metered} 元",
        "heating_fee_cap": "结算费用 {uncapped} 元高于结算上限，按结算上限 {cap} 元结算",
        "cap_loss": "超出结算上限、不向用户收取的金额：{uncapped} 元 − {cap} 元",
        "exchangers": "小型换热设备：{count} 个 × {unit_fee} 元/个·供暖季",
        "gross_fee": "供暖费合计：热费 {heating_fee} 元 + 小型换热设备 {exchanger_fee} 元",
        "low_income": "城市低保/特困按实际取暖费的 {rate} 收取：{gross} 元 × {rate} = {due} 元，优惠",
        "amount_due": "应收供暖费",
        "prepayment": "预交金额：计费面积 {area} m² × {area_price} 元/m²",
        "prepayment_partial": "预交金额：计费面积 {area} m² × {area_price} 元/m² "
        "× {days_open}/{season_days} 天",
        "prepayment_exchangers": "预交金额：计费面积 {area} m² × {area_price} 元/m² "
        "+ 小型换热设备 {exchanger_fee} 元",
        "prepayment_exchangers_partial": "预交金额：计费面积 {area} m² × {area_price} 元/m² "
        "× {days_open}/{season_days} 天 + 小型换热设备 {exchanger_fee} 元",
        "prepayment_low_income": "城市低保/特困按 {rate} 预交：预交金额 {full} 元 × {rate}",
        "prepaid": "已交金额",
        "prepaid_assumed": "已交金额（按预交金额计）",
        "refund": "退费：已交 {prepaid} 元 − 应收 {due} 元",
        "balance_due": "补缴：应收 {due} 元 − 已交 {prepaid} 元",
        "settled": "已交金额等于应收金额，无需退费或补缴",
    },
    EN: {
        "part": "{kind}: {area} m², counted in full",
        "part_scaled": "{kind}: {area} m² × {share}, counted as {counted} m²",
        "billing_area": "Billing area: the parts added, {area} m², rounded to 0.01 m² after adding",
        "area_decision": "Billing area set by the property-management authority at {decided} m², "
        "replacing the computed {computed} m²",
        "price_class": "Price class: {price_class}, area price ¥{area_price}/m², heat price ¥{heat_price}/GJ",
        "partial_season": "Open {days_open} of the season's {season_days} days: the area fee, basic fee, "
        "cap and prepayment are charged for {days_open}/{season_days} of the season, the heat fee for the "
        "heat used while open; the small heat exchanger fee is not split",
        "area_fee": "Area fee: billing area {area} m² × ¥{area_price}/m²",
        "area_fee_partial": "Area fee: billing area {area} m² × ¥{area_price}/m² "
        "× {days_open}/{season_days} days",
        "basic_fee": "Basic fee: billing area {area} m² × ¥{area_price}/m² × {basic_share}",
        "basic_fee_partial": "Basic fee: billing area {area} m² × ¥{area_price}/m² × {basic_share} "
        "× {days_open}/{season_days} days",
        "metered_fee": "Heat fee: heat used {heat_gj} GJ × ¥{heat_price}/GJ",
        "metered_fee_two_part": "Metered fee: heat used {heat_gj} GJ × ¥{heat_price}/GJ × {heat_share}",
        "cap": "Settlement cap: billing area {area} m² × ¥{area_price}/m²",
        "cap_partial": "Settlement cap: billing area {area} m² × ¥{area_price}/m² "
        "× {days_open}/{season_days} days",
        "no_cap": "No settlement cap",
        "heating_fee_basic": "Heat fee ¥{metered} is not above the basic fee: settled at the basic fee "
        "¥{basic}",
        "heating_fee_metered": "Heat fee above the basic fee: settled at the actual ¥{metered}",
        "heating_fee_two_part": "Settled fee: basic fee ¥{basic} + metered fee ¥{metered}",
        "heating_fee_cap": "Fee ¥{uncapped} is above the settlement cap: settled at the cap ¥{cap}",
        "cap_loss": "Not charged because of the cap: ¥{uncapped} − ¥{cap}",
        "exchangers": "Small heat exchangers: {count} × ¥{unit_fee} per season",
        "gross_fee": "Total fee: heating ¥{heating_fee} + small heat exchangers ¥{exchanger_fee}",
        "low_income": "Low-income household (城市低保/特困) pays {rate}: ¥{gross} × {rate} = ¥{due}; "
        "discount",
        "amount_due": "Amount due",
        "prepayment": "Prepayment: billing area {area} m² × ¥{area_price}/m²",
        "prepayment_partial": "Prepayment: billing area {area} m² × ¥{area_price}/m² "
        "× {days_open}/{season_days} days",
        "prepayment_exchangers": "Prepayment: billing area {area} m² × ¥{area_price}/m² "
        "+ small heat exchangers ¥{exchanger_fee}",
        "prepayment_exchangers_partial": "Prepayment: billing area {area} m² × ¥{area_price}/m² "
        "× {days_open}/{season_days} days + small heat exchangers ¥{exchanger_fee}",
        "prepayment_low_income": "Low-income household (城市低保/特困) prepays {rate}: ¥{full} × {rate}",
        "prepaid": "Paid",
        "prepaid_assumed": "Paid (taken to be the prepayment)",
        "refund": "Refund: paid ¥{prepaid} − due ¥{due}",
        "balance_due": "Balance due: due ¥{due} − paid ¥{prepaid}",
        "settled": "Paid exactly the amount due: no refund, nothing more to pay",
    },
}

_CITATIONS = {ZH_HANS: "（{policy} {section}）", EN: " (notice {section})"}


def language(lang: str) -> str:
    """The supported language for a language code: "en", "en-US" → "en"; anything else → "zh-hans"."""
    return EN if lang.lower().split("-")[0] == EN else ZH_HANS


def render(line: Line, lang: str = ZH_HANS) -> str:
    """The line's label in `lang`, ending with the notice section it cites; the amount is not included."""
    lang = language(lang)
    params = dict(line.params)
    if "kind" in params:
        params["kind"] = PART_KIND_LABELS[lang][params["kind"]]
    if "price_class" in params:
        params["price_class"] = PRICE_CLASS_LABELS[lang][params["price_class"]]
    citation = _CITATIONS[lang].format(section=line.section, **params)
    return _TEMPLATES[lang][line.key].format(**params) + citation
