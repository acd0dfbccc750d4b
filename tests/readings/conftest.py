import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def staff_language():
    """Staff read Chinese, the default language, whatever an earlier test in this process left active
    (a request with Accept-Language: en leaves English active in the thread)."""
    with translation.override("zh-hans"):
        yield
