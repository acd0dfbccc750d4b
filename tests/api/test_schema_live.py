"""The OpenAPI schema says what the API does: schemathesis draws requests from the schema the live
server serves, what it allows (positive) and what it forbids (negative), sends them with a valid
company token, and judges every answer with all its checks: no 5xx, a documented status, a body and
headers that match the schema, forbidden input refused, the token really required, and so on."""
import pytest
import schemathesis
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

# The schema cannot say everything the quote, the batch and the statements refuse: that a season
# needs a price policy in force, which kinds fit which price class, that heat_gj goes with the
# method, that 2020-02-30 is no day, that a season's second year follows its first. So a
# schema-valid request may be a 400 there (documented); everywhere else, what the schema allows
# must be accepted.
SCHEMA_CANNOT_SAY = [positive_data_acceptance]
OPERATIONS = [
    ("POST", "/api/v1/quote", SCHEMA_CANNOT_SAY),
    ("GET", "/api/v1/meters", []),
    ("GET", "/api/v1/statements", SCHEMA_CANNOT_SAY),
    ("POST", "/api/v1/readings/batch", SCHEMA_CANNOT_SAY),
]
# 4 operations x 2 modes: about 40 s in all on this machine's two cores.
EXAMPLES = 40


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=str)
@pytest.mark.parametrize(
    "method, path, excluded", OPERATIONS, ids=["quote", "meters", "statements", "readings-batch"]
)
def test_the_api_does_what_its_schema_says(live_server, live_key, method, path, excluded, mode):
    schema = schemathesis.openapi.from_url(f"{live_server.url}/api/schema/?format=json")
    # The token is ours to send (below), not schemathesis' to vary: a mangled one is a 401, tested
    # in test_api_schema.py, and would hide the body it was sent with.
    schema.config.generation.update(with_security_parameters=False)
    token = {"Authorization": f"Token {live_key}"}

    @given(case=schema[path][method].as_strategy(mode))
    @settings(
        max_examples=EXAMPLES, deadline=None, database=None, suppress_health_check=list(HealthCheck)
    )
    def check(case):
        cache.clear()  # else the quote's throttle answers most examples with a (documented) 429
        case.call_and_validate(base_url=live_server.url, headers=token, excluded_checks=excluded)

    check()
