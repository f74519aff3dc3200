from __future__ import annotations

import pytest

from analytics.metrics.load import LoadResult, activity_load, rpe_load_estimate

ALL = {"tss": 80.0, "rtss": 70.0, "hr_tss": 60.0, "trimp": 150.0, "srpe": 400.0}


def test_auto_prefers_power_tss() -> None:
    assert activity_load(model="auto", **ALL) == LoadResult(80.0, "tss")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"rtss": 70.0, "hr_tss": 60.0}, LoadResult(70.0, "rtss")),
        ({"hr_tss": 60.0, "rpe": 5.0, "duration_s": 3600.0}, LoadResult(60.0, "hr_tss")),
    ],
)
def test_auto_falls_back_to_rtss_then_hr_tss(given: dict[str, float], expected: LoadResult) -> None:
    assert activity_load(model="auto", **given) == expected


def test_auto_estimates_from_rpe_last_one_hour_at_rpe_7_scoring_100() -> None:
    result = activity_load(model="auto", rpe=7.0, duration_s=3600.0)
    assert result is not None
    assert (result.value, result.source) == (pytest.approx(100.0), "rpe")
    assert rpe_load_estimate(3.5, 7200.0) == pytest.approx(50.0)


def test_the_trimp_and_srpe_models_use_their_own_scale() -> None:
    assert activity_load(model="trimp", **ALL) == LoadResult(150.0, "trimp")
    assert activity_load(model="srpe", **ALL) == LoadResult(400.0, "srpe")


def test_the_srpe_model_computes_session_rpe_when_not_given() -> None:
    assert activity_load(model="srpe", rpe=6.0, duration_s=1800.0) == LoadResult(180.0, "srpe")


def test_no_load_when_nothing_can_be_computed() -> None:
    assert activity_load(model="auto", duration_s=3600.0) is None
    assert activity_load(model="trimp", tss=80.0) is None
    assert activity_load(model="srpe", tss=80.0, duration_s=3600.0) is None


def test_an_unknown_model_is_refused() -> None:
    with pytest.raises(ValueError, match="load model"):
        activity_load(model="banister", tss=80.0)
