"""Issue 6 item 21: one helper cuts sequences into chunks, `heating.batching.chunks`."""
import ast
from pathlib import Path

import heating


def test_only_heating_batching_defines_a_chunks_helper():
    root = Path(heating.__file__).parent
    defining = sorted(
        str(path.relative_to(root.parent))
        for path in root.rglob("*.py")
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef) and node.name.lstrip("_") == "chunks"
    )
    assert defining == ["heating/batching.py"]
