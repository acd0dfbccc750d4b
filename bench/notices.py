"""Prepayment notices per page: builds a building of N homes in a test database, times the notices
PDF of the building (codes issued, pages laid out and written), removes what it made.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/heating .venv/bin/python bench/notices.py --pages 500

Ends with `notices: N pages in T s, X ms/page`."""
import argparse
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=500)
    pages = parser.parse_args().pages
    import django

    django.setup()
    from django.db import transaction

    from heating.selectors.notices import notice_accounts
    from heating.services.notices import notices_pdf
    from tests.factories import BuildingFactory, CompanyFactory, make_account

    class Rollback(Exception):
        pass

    try:
        with transaction.atomic():
            company = CompanyFactory(code="BENCH-NOTICES", name="基准测试热力公司")
            building = BuildingFactory(company=company)
            for _ in range(pages):
                make_account(company=company, premises__building=building)
            notices_pdf(accounts=notice_accounts(company, building=building)[:1], start_year=2019)  # warm up
            started = time.perf_counter()
            pdf, made = notices_pdf(accounts=notice_accounts(company, building=building), start_year=2019)
            seconds = time.perf_counter() - started
            raise Rollback
    except Rollback:
        pass
    size = len(pdf) // 1024
    print(f"notices: {made} pages in {seconds:.1f} s, {seconds * 1000 / made:.0f} ms/page ({size} KiB)")


if __name__ == "__main__":
    main()
