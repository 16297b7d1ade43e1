"""The draft's text split into its articles (条), so a comment can be on one of them (the way
CONSUL's legislation module lets people comment on a passage)."""

from __future__ import annotations

import re
from dataclasses import dataclass

_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_UNITS = {"十": 10, "百": 100, "千": 1000}
# An article heading at the start of a line: 第一条, 第十二条, 第105条.
_HEADING = re.compile(r"^[ \t\u3000]*第([零〇一二两三四五六七八九十百千\d]+)条", re.MULTILINE)


def chinese_number(text: str) -> int:
    """第X条's X as a number: 一 → 1, 十二 → 12, 二十 → 20, 一百零五 → 105, 7 → 7."""
    if text.isdigit():
        return int(text)
    total, digit = 0, 0
    for char in text:
        if char in _DIGITS:
            digit = _DIGITS[char]
        else:
            total += (digit or 1) * _UNITS[char]
            digit = 0
    return total + digit


@dataclass(frozen=True)
class Article:
    number: int
    heading: str  # 第X条, as the draft writes it
    text: str


def split_articles(text: str) -> list[Article]:
    """The articles of ``text`` in order; text before the first article (title, chapter headings)
    belongs to none. A number met twice (a quoted heading) keeps its first article."""
    matches = list(_HEADING.finditer(text or ""))
    articles: dict[int, Article] = {}
    for index, match in enumerate(matches):
        end = matches[index + 1].start() if index + 1 < len(matches) else len(text)
        number = chinese_number(match.group(1))
        if number not in articles:
            heading = match.group(0).strip(" \t\u3000")
            articles[number] = Article(number, heading, text[match.start() : end].strip())
    return list(articles.values())
