"""The province benchmark's server: the production settings as they are, with two bare endpoints
added (bench.urls) to measure the floor under every page in the same run."""

from config.settings.production import *  # noqa: F403

ROOT_URLCONF = "bench.urls"
