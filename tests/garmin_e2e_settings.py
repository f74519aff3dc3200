"""Settings of the Celery workers of the Garmin end-to-end tests: those of tests/e2e_settings.py,
no pause between Garmin calls, the connection lease of PACELINE_CONNECTION_LEASE_S and the
broker's visibility timeout of PACELINE_BROKER_VISIBILITY_S if given (how soon Redis hands an
unacknowledged message of a killed worker to another one: an hour in production), and every
*.garmin.com request sent to the loopback fake Garmin at PACELINE_FAKE_GARMIN_URL
(tests/integrations/garmin/forwarder.py)."""

from __future__ import annotations

import os

from tests.e2e_settings import *  # noqa: F403

PACELINE_GARMIN_SPACING_S = 0.0
if os.environ.get("PACELINE_CONNECTION_LEASE_S"):
    PACELINE_CONNECTION_LEASE_S = float(os.environ["PACELINE_CONNECTION_LEASE_S"])
if os.environ.get("PACELINE_BROKER_VISIBILITY_S"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        **CELERY_BROKER_TRANSPORT_OPTIONS,  # noqa: F405
        "visibility_timeout": float(os.environ["PACELINE_BROKER_VISIBILITY_S"]),
        "unacked_restore_interval": 1,
        "unacked_restore_throttle": 1,
    }

if os.environ.get("PACELINE_FAKE_GARMIN_URL"):
    from tests.integrations.garmin.forwarder import install

    install(os.environ["PACELINE_FAKE_GARMIN_URL"])
