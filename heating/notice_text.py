"""The text of a price notice read into its numbered sections, so that a page can show it and cite a
section (§三) by an anchor: shipped as data in heating/notices/ for the notices loaded by migration, kept
on the PricePolicy row for those the price-policy desk drafts and publishes. Pure: no database."""

import functools
import re
from dataclasses import dataclass
from pathlib import Path

NOTICES_DIR = Path(__file__).resolve().parent / "notices"

# The notices whose text ships with the code, by the policy code they carry.
NOTICE_FILES = {"源政办字〔2019〕54号": "yuanzhengbanzi-2019-54"}

NUMERALS = "一二三四五六七八九十"
_HEADING = re.compile(rf"^([{NUMERALS}]+)、(.+)$")
_ITEM = re.compile(r"^(\d+)\. ")
# A bill's citation: §三, §一.4 (item 4 of §一), §二、§四 (the first is linked).
_MARK = re.compile(rf"§([{NUMERALS}]+)(?:\.(\d+))?")


@dataclass(frozen=True)
class Paragraph:
    anchor: str | None  # a numbered item's: yuanzhengbanzi-2019-54-s1-4 for §一.4
    text: str


@dataclass(frozen=True)
class Section:
    mark: str  # §三, as bills cite it
    anchor: str  # yuanzhengbanzi-2019-54-s3
    heading: str  # 三、计费面积的确定
    paragraphs: tuple[Paragraph, ...]


@dataclass(frozen=True)
class NoticeText:
    title: str
    preamble: tuple[str, ...]  # the document number, the addressees, the opening paragraph
    sections: tuple[Section, ...]


def section_anchor(stem: str, mark: str) -> str:
    """The anchor a citation points at: §三 → yuanzhengbanzi-2019-54-s3, §一.4 → …-s1-4, §二、§四 → …-s2."""
    found = _MARK.match(mark)
    if found is None or len(found.group(1)) > 1:
        raise ValueError(f"not a section mark: {mark!r}")
    anchor = f"{stem}-s{NUMERALS.index(found.group(1)) + 1}"
    return f"{anchor}-{found.group(2)}" if found.group(2) else anchor


def parse(text: str, stem: str) -> NoticeText:
    """Paragraphs are separated by blank lines; a paragraph like 三、… opens a section."""
    blocks = [" ".join(b.split()) for b in re.split(r"\n\s*\n", text.strip()) if b.strip()]
    title, preamble, sections = blocks[0], [], []
    for block in blocks[1:]:
        heading = _HEADING.match(block)
        if heading:
            mark = "§" + heading.group(1)
            sections.append(Section(mark, section_anchor(stem, mark), block, ()))
        elif sections:
            last = sections[-1]
            item = _ITEM.match(block)
            paragraph = Paragraph(f"{last.anchor}-{item.group(1)}" if item else None, block)
            sections[-1] = Section(last.mark, last.anchor, last.heading, (*last.paragraphs, paragraph))
        else:
            preamble.append(block)
    return NoticeText(title, tuple(preamble), tuple(sections))


@functools.cache
def notice_text(code: str) -> NoticeText | None:
    """The shipped text of the notice with this policy code, or None when its text does not ship."""
    stem = NOTICE_FILES.get(code)
    if stem is None:
        return None
    return parse((NOTICES_DIR / f"{stem}.txt").read_text(encoding="utf-8"), stem)


def drafted_stem(pk: int) -> str:
    """The anchors' prefix of a notice whose text is kept on its policy row."""
    return f"notice-{pk}"


def policy_notice(policy) -> NoticeText | None:
    """The text of a PricePolicy's notice: the one shipped for its code, else the one kept on the row
    (a drafted notice), or None when there is neither."""
    shipped = notice_text(policy.code)
    if shipped is not None or not policy.notice_text.strip():
        return shipped
    return parse(policy.notice_text, drafted_stem(policy.pk))
