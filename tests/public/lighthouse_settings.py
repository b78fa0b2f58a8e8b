"""Settings for the production-like server that tests/public/test_lighthouse.py starts: the real
settings (DEBUG off, WhiteNoise serving compressed, hashed static files), with the static files
collected into the test's own folder instead of var/static."""

import os
from pathlib import Path

from config.settings import *  # noqa: F403

STATIC_ROOT = Path(os.environ["LIGHTHOUSE_STATIC_ROOT"])
