"""Settings for `make bench`: the production settings, with static files collected into the
benchmark's own temporary folder instead of var/static."""

import os

from config.settings import *  # noqa: F403

STATIC_ROOT = os.environ["BENCH_STATIC_ROOT"]
