"""政策公开 at /policy/: public, every loaded price policy in words and figures, the one in force today,
the notice's text with an anchor per section, and the calculator linked."""

import dataclasses
import datetime
import re
from decimal import Decimal

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from heating.billing import NOTICE_2019
from heating.models import PricePolicy
from heating.services.policy import policy_create

pytestmark = pytest.mark.django_db

URL = "/policy/"
CODE_2019 = "源政办字〔2019〕54号"
STEM = "yuanzhengbanzi-2019-54"


def text_of(response) -> str:
    """The page's text without tags, whitespace collapsed."""
    assert response.status_code == 200
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def a_policy_in_force_today(**figures):
    """A later notice with other figures, whose period holds today (whatever day the test runs)."""
    today = timezone.localdate()
    terms = {k: v for k, v in dataclasses.asdict(NOTICE_2019).items() if k != "code"} | figures
    return policy_create(
        code="源政办字〔2025〕7号",
        title="关于调整城区供暖价格的通知",
        effective_from=today - datetime.timedelta(days=30),
        effective_until=today + datetime.timedelta(days=700),
        **terms,
    )


def test_the_page_is_public_and_linked_from_the_home_page_the_navigation_and_the_footer(client):
    assert reverse("policy-public") == URL
    home = client.get("/").content.decode()

    assert home.count(f'href="{URL}"') == 3  # navigation, the home page's link, footer
    assert client.get(URL).status_code == 200


def test_the_2019_policy_in_words_and_figures(client):
    text = text_of(client.get(URL))

    assert CODE_2019 in text and "关于明确城区供暖价格和供暖补贴有关事项的通知" in text
    assert "执行期 2019-11-15 至 2021-11-14" in text
    assert "居民用户，按面积收费 每平方米 ¥21.00，按套内建筑面积计费" in text
    assert "每吉焦（GJ）¥45.00。基本热费为每平方米 ¥6.30（面积价格 ¥21.00 × 30%）" in text
    assert "结算上限为计费面积 × ¥21.00" in text
    assert "非居民用户，按面积收费 每平方米 ¥35.00，按建筑面积计费" in text
    assert "每吉焦（GJ）¥65.00。结算热费 = 计费面积 × ¥35.00 × 30%（每平方米 ¥10.50）" in text
    assert "+ 用热量 × ¥65.00 × 70%；不设结算上限。" in text
    assert "每个换热器每供暖季 ¥120.00" in text
    assert "按该层面积的 130% 计" in text and "按阁楼下层住房面积的 50% 计" in text
    assert "按实际取暖费的 75% 收取" in text
    assert "与居民用户一样按基本热费结算；设结算上限。" in text
    assert "按开户天数占供暖季天数的比例计收" in text


def test_the_notice_text_is_shown_whole_with_an_anchor_per_section(client):
    html = client.get(URL).content.decode()
    text = text_of(client.get(URL))

    for heading in ["一、城区供暖价格", "三、计费面积的确定", "八、认真落实供暖降价政策"]:
        assert heading in text
    for n in range(1, 9):
        assert html.count(f'id="{STEM}-s{n}"') == 1
    assert f'id="{STEM}-s1-4"' in html
    assert "各镇人民政府，各街道办事处，开发区管委会，县政府各部门，各有关单位：" in text
    assert "按单层面积的 130% 确定为计费面积" in text
    assert "本通知自 2019 年 11 月 15 日起执行，有效期至 2021 年 11 月 14 日。" in text
    # Each figure cites its section of the notice, by the anchor.
    assert f'href="{URL}#{STEM}-s1-1">（通知 §一.1）</a>' in html
    assert f'href="{URL}#{STEM}-s5">（通知 §五）</a>' in html
    assert '<article lang="zh-hans">' in html


def test_the_calculator_is_linked(client):
    assert 'class="button" href="/calculator/"' in client.get(URL).content.decode()


def test_with_no_policy_in_force_today_the_page_says_so_and_names_the_latest(client):
    text = text_of(client.get(URL))

    assert f"今天没有执行期内的价格政策：最近的一份是 {CODE_2019}，执行期至 2021-11-14。" in text
    assert '<span class="tag">' not in client.get(URL).content.decode()


def test_the_policy_in_force_today_comes_first_and_every_published_one_follows(client):
    later = a_policy_in_force_today(
        residential_area_price=Decimal("22.50"),
        low_income_rate=Decimal("0.70"),
        prorate_partial_seasons=False,
        institution_phased=False,
        institution_cap=False,
    )
    first = PricePolicy.objects.get(code=CODE_2019)
    html = client.get(URL).content.decode()
    text = text_of(client.get(URL))
    start, until = later.effective_from.isoformat(), later.effective_until.isoformat()

    assert f"今天执行的价格政策是 {later.code}（执行期 {start} 至 {until}）。" in text
    assert html.index(f'id="policy-{later.pk}"') < html.index(f'id="policy-{first.pk}"')
    assert "每平方米 ¥22.50，按套内建筑面积计费" in text and "每平方米 ¥21.00，按套内建筑面积计费" in text
    assert "基本热费为每平方米 ¥6.75（面积价格 ¥22.50 × 30%）" in text  # 6.75: 22.50 × 0.30
    assert "按实际取暖费的 70% 收取" in text and "按实际取暖费的 75% 收取" in text
    assert "按整个供暖季计收，不按开户天数分摊。" in text
    assert (
        "分户计量的，按两部制结算，不执行基本热费；不设结算上限。" in text
    )  # the later policy's institutions
    assert "分户计量的，与居民用户一样按基本热费结算；设结算上限。" in text  # the 2019 policy's
    assert "这份价格政策的通知原文未随门户发布。" in text  # the later notice's text is not shipped
    tagged = re.findall(r'<h2 id="(policy-\d+)-title">[^<]*<span class="tag">今天执行', html)
    assert tagged == [f"policy-{later.pk}"]


def test_the_page_in_english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(URL).content.decode()
    text = text_of(client.get(URL))

    assert '<html lang="en">' in html
    assert "Price policy" in text
    assert "Residential, billed by area ¥21.00 per m², on the floor area inside the unit" in text
    assert "basic fee of ¥6.30 per m² (area price ¥21.00 × 30%)" in text
    assert "¥120.00 per exchanger per season" in text
    assert "The notice exists in Chinese only; its text follows." in text
    assert "按实际取暖费的 75% 收取" in text  # the notice itself, in Chinese
    for chinese in ("政策公开", "居民用户，按面积收费", "今天没有执行期内的价格政策"):
        assert chinese not in html


def test_the_queries_do_not_grow_with_the_policies(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        client.get(URL)
    a_policy_in_force_today()
    with django_assert_num_queries(1):
        assert client.get(URL).status_code == 200


def test_a_bill_line_s_citation_links_to_its_section():
    template = Template("{% load portal %}{{ section|notice_section_url:code }}")

    assert template.render(Context({"section": "§三", "code": CODE_2019})) == f"{URL}#{STEM}-s3"
    assert template.render(Context({"section": "§一.4", "code": CODE_2019})) == f"{URL}#{STEM}-s1-4"
    assert template.render(Context({"section": "§三", "code": "源政办字〔2099〕1号"})) == ""
