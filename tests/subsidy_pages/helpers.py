"""Reading the claim pages back: which claims a queue lists, and a page's parts by id."""

import re

CLAIM_LINK = re.compile(r'href="/subsidy/claims/(\d+)/"')


def _ids(html: str, section: str) -> list[int]:
    match = re.search(rf'<ul class="list" id="{section}">(.*?)</ul>', html, re.S)
    return [int(pk) for pk in CLAIM_LINK.findall(match.group(1))] if match else []


def queue_sections(response) -> tuple[list[int], list[int]]:
    """(claims awaiting the user, every claim listed) on the queue page."""
    assert response.status_code == 200
    html = response.content.decode()
    return _ids(html, "waiting"), _ids(html, "claims")
