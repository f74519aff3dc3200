"""The loopback fake Garmin and the forwarder the e2e workers load
(tests/integrations/garmin/fake_server.py, forwarder.py): the real library signs in through
them, MFA included, and lists activities with the tokens it got."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests
from curl_cffi import requests as cffi_requests
from garminconnect.client import sso

from integrations.garmin import client
from tests.integrations.garmin.fake import CODE, EMAIL, PASSWORD, FakeGarmin, recorded_account
from tests.integrations.garmin.fake_server import FakeGarminServer, serving
from tests.integrations.garmin.forwarder import install


@pytest.fixture
def garmin(corpus: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeGarminServer]:
    activities, files = recorded_account(corpus)
    # Saved first, so that the forwarder's patches are undone after the test.
    adapter = requests.adapters.HTTPAdapter
    monkeypatch.setattr(adapter, "send", adapter.send)
    monkeypatch.setattr(cffi_requests.Session, "request", cffi_requests.Session.request)
    monkeypatch.setattr(sso, "time", sso.time)
    with serving(FakeGarmin(corpus, activities=activities, files=files)) as server:
        install(server.url)
        yield server


def test_the_library_signs_in_with_mfa_and_lists_through_the_loopback_fake(
    garmin: FakeGarminServer,
) -> None:
    garmin.fake.mfa = True
    started = client.sign_in(EMAIL, PASSWORD)
    assert started.result == client.Result.NEEDS_CODE
    signed = client.finish_sign_in(started.mfa_state, CODE)
    assert signed.result == client.Result.SIGNED_IN, signed
    api = client.session(signed.tokens, spacing_s=0)
    listed = api.activities_between(dt.date(2023, 9, 1), dt.date(2023, 9, 30))
    assert [a["activityId"] for a in listed] == [11998957007]
    assert api.original_file("11998957007") == garmin.fake.files["11998957007"]
    assert {call.host.split(".")[0] for call in garmin.calls()} >= {"sso", "diauth", "connectapi"}
    assert len(garmin.pids()) == 1  # this process
