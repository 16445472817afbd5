"""Settings for bench/bench_api.py: the app's own settings, with a URLconf that adds the bare comparison views."""

from factcheck.settings import *  # noqa: F403

ROOT_URLCONF = "bench.api_urls"
# The benchmark measures the API, not the throttle's refusals.
API_THROTTLE_RATE = "100000000/second"
