"""The shipped notice read into sections with anchors a bill's citation can point at: no database."""

import pytest

from heating.notice_text import NOTICE_FILES, notice_text, parse, section_anchor

CODE_2019 = "源政办字〔2019〕54号"
STEM = NOTICE_FILES[CODE_2019]


@pytest.mark.parametrize(
    ("mark", "anchor"),
    [
        ("§一", "yuanzhengbanzi-2019-54-s1"),
        ("§三", "yuanzhengbanzi-2019-54-s3"),
        ("§八", "yuanzhengbanzi-2019-54-s8"),
        ("§一.4", "yuanzhengbanzi-2019-54-s1-4"),
        ("§二、§四", "yuanzhengbanzi-2019-54-s2"),  # the engine's citation of partial seasons
    ],
)
def test_a_citation_becomes_the_anchor_of_its_section(mark, anchor):
    assert section_anchor(STEM, mark) == anchor


@pytest.mark.parametrize("mark", ["", "三", "§", "§3", "§十一", "§甲"])
def test_anything_else_is_not_a_citation(mark):
    with pytest.raises(ValueError, match="not a section mark"):
        section_anchor(STEM, mark)


def test_the_2019_notice_has_its_eight_sections_in_order():
    notice = notice_text(CODE_2019)

    assert notice.title.endswith("关于明确城区供暖价格和供暖补贴有关事项的通知")
    assert notice.preamble[0] == CODE_2019
    assert [s.mark for s in notice.sections] == ["§一", "§二", "§三", "§四", "§五", "§六", "§七", "§八"]
    assert notice.sections[2].heading == "三、计费面积的确定"
    assert notice.sections[6].heading == "七、对供暖企业实行财政补贴机制"
    assert [p.anchor for p in notice.sections[0].paragraphs] == [f"{STEM}-s1-{n}" for n in range(1, 5)]
    assert notice.sections[0].paragraphs[3].text.startswith("4. 按面积收费的居民家庭安装小型换热设备的")


def test_every_paragraph_of_the_notice_is_whole():
    """The text came from a paginated document: a paragraph cut at a page break would end mid-word."""
    notice = notice_text(CODE_2019)
    paragraphs = [p.text for s in notice.sections for p in s.paragraphs] + list(notice.preamble[2:])

    assert len(paragraphs) == 17
    assert [p for p in paragraphs if not p.endswith(("。", "：", "）"))] == []
    assert "（仅限公办幼儿园、普惠性民办幼儿园）" in notice.sections[0].paragraphs[1].text


def test_a_notice_without_shipped_text_has_none():
    assert notice_text("源政办字〔2099〕1号") is None


def test_parse_joins_the_lines_of_a_paragraph_and_keeps_a_preamble():
    notice = parse("通知\n\n文号\n\n一、价格\n\n1. 每平方米\n21元。\n\n说明。\n\n二、时间\n\n冬季。\n", "x")

    assert notice.title == "通知" and notice.preamble == ("文号",)
    assert [(s.anchor, [(p.anchor, p.text) for p in s.paragraphs]) for s in notice.sections] == [
        ("x-s1", [("x-s1-1", "1. 每平方米 21元。"), (None, "说明。")]),
        ("x-s2", [(None, "冬季。")]),
    ]
