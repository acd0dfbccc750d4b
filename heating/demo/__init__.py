"""The demo county behind `manage.py seed_demo`: `county` is the fixed part (companies, bureaus, logins),
`plan` the plan of one account from its index alone, `seed` the writing."""
from .county import BUREAUS, DEMO_PASSWORD, LOGINS
from .plan import plan_account
from .seed import SeedResult, demo_seed, demo_seeded

__all__ = ["BUREAUS", "DEMO_PASSWORD", "LOGINS", "SeedResult", "demo_seed", "demo_seeded", "plan_account"]
