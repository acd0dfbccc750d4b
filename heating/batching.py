"""Fixed-size slices of a sequence, for set-based work in bounded statements."""
from collections.abc import Iterator, Sequence


def chunks(items: Sequence, size: int) -> Iterator[Sequence]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
