"""Online payment providers: one interface (providers.py), one module per provider (sandbox.py)."""
