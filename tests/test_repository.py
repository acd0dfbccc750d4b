"""The repository stands on its own: its docs link nothing outside it, and the notice ships as data."""
import importlib
import re
from pathlib import Path

from django.apps import apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
DOCS = [ROOT / "README.md", *ROOT.glob("docs/*.md")]
NOTICE = ROOT / "heating" / "notices" / "yuanzhengbanzi-2019-54.txt"


def test_readme_and_docs_link_nothing_outside_the_repository():
    texts = {path.name: path.read_text(encoding="utf-8") for path in DOCS}
    outside = {name: re.findall(r"\.\./[\w./-]+", text) for name, text in texts.items()}

    assert len(texts) >= 3
    assert {path: links for path, links in outside.items() if links} == {}


def test_docs_links_resolve():
    for path in DOCS:
        for target in re.findall(r"\]\(([^)#:]+)\)", path.read_text(encoding="utf-8")):
            assert (path.parent / target).exists(), f"{path.name} links {target}, not in the repository"


def test_the_notice_text_ships_with_the_figures_of_the_2019_policy(db):
    importlib.import_module("heating.migrations.0002_policy_2019").load(apps, None)
    policy = apps.get_model("heating", "PricePolicy").objects.get(code="源政办字〔2019〕54号")
    text = re.sub(r"\s+", "", NOTICE.read_text(encoding="utf-8"))

    assert policy.code in text
    assert f"套内建筑面积{policy.residential_area_price:.0f}元/平方米" in text
    assert f"执行{policy.residential_heat_price:.0f}元/吉焦" in text
    assert f"建筑面积{policy.non_residential_area_price:.0f}元/平方米" in text
    assert f"执行{policy.non_residential_heat_price:.0f}元/吉焦" in text
    assert f"每个换热器每供暖季收取{policy.exchanger_fee:.0f}元" in text
    assert f"按实际取暖费的{policy.low_income_rate * 100:.0f}%收取" in text
    assert f"按单层面积的{policy.duplex_single_floor_share * 100:.0f}%" in text
    assert f"按阁楼下层住房面积的{policy.attic_without_certificate_share * 100:.0f}%" in text
    assert f"×{policy.basic_share * 100:.0f}%+计量热量×计量热价×{policy.heat_share * 100:.0f}%" in text
    start, until = policy.effective_from, policy.effective_until
    assert f"自{start.year}年{start.month}月{start.day}日起" in text
    assert f"有效期至{until.year}年{until.month}月{until.day}日" in text
