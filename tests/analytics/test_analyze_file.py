"""The analyze_file command (DESIGN §7): our numbers for a file as JSON, without a database."""

from __future__ import annotations

import csv
import json
import os
import random
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings

FITS = (
    "sportslib__runs_6782987395.fit",
    "fitparse__garmin-fenix-5-run.fit",
    "fitparse__garmin-edge-820-bike.fit",
)
ENTRY_KEYS = [
    "sport",
    "sub_sport",
    "started_at",
    "elapsed_s",
    "moving_s",
    "distance_m",
    "ascent_m",
    "descent_m",
    "avg_hr_bpm",
    "max_hr_bpm",
    "avg_power_w",
    "max_power_w",
    "np_w",
    "intensity_factor",
    "tss",
    "trimp",
    "hr_tss",
    "rtss",
    "avg_speed_mps",
    "avg_cadence_spm",
    "dist_eq_km",
    "decoupling_pct",
    "efficiency_factor",
    "laps",
    "samples",
    "time_in_zone_s",
    "mean_max",
    "best_efforts_s",
    "device",
]


def analyze(*args: str, var_dir: Path) -> subprocess.CompletedProcess[str]:
    """Run analyze_file in a fresh process with its own, empty var folder."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env |= {"DJANGO_SETTINGS_MODULE": "config.settings.base", "PACELINE_VAR_DIR": str(var_dir)}
    return subprocess.run(
        [sys.executable, "manage.py", "analyze_file", *args],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.corpus
def test_analyze_file_prints_the_design_json_without_a_database(
    corpus: Path, tmp_path: Path
) -> None:
    path = corpus / "fit" / FITS[0]

    result = analyze(str(path), "--json", "--sex", "F", "--ftp", "250", var_dir=tmp_path / "no")

    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["file"] == str(path)
    [entry] = document["activities"]
    assert list(entry) == ENTRY_KEYS
    assert entry["sport"] == "run"
    assert entry["started_at"].startswith("2019-06-15T09:42")
    assert entry["samples"] > 1000
    assert entry["laps"] >= 1
    assert entry["distance_m"] == pytest.approx(14004.85, rel=0.02)
    assert entry["device"]["distance_m"] == pytest.approx(14004.85, abs=0.01)
    # Our ascent from the altitude records beside the device's own (docs/ascent.md).
    assert entry["device"]["ascent_m"] == 347
    assert entry["ascent_m"] == pytest.approx(347, rel=0.05)
    assert entry["ascent_m"] != entry["device"]["ascent_m"]
    # A run with HR but no power and no threshold speed: HR zones only.
    assert entry["time_in_zone_s"]["power"] is None
    assert entry["time_in_zone_s"]["pace"] is None
    assert not (tmp_path / "no" / "paceline.sqlite3").exists()


def test_analyze_file_exits_2_with_one_line_for_an_unreadable_file(tmp_path: Path) -> None:
    junk = tmp_path / "junk.fit"
    junk.write_bytes(random.Random(5).randbytes(3000))

    result = analyze(str(junk), "--json", var_dir=tmp_path / "no")

    assert result.returncode == 2
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith(f"cannot read {junk}: ")
    assert len(line) > len(f"cannot read {junk}: ")


EDGE_810 = "fitparse__Edge810-Vector-2013-08-16-15-35-10.fit"  # device: NP 301 W, TSS 118.7
RIDE_7386 = "sportslib__rides_7386755164.fit"  # carries FTP 228 W, HR max 201, rest 49


def analyze_json(path: Path, *args: str, var_dir: Path) -> dict[str, Any]:
    result = analyze(str(path), "--json", *args, var_dir=var_dir)
    assert result.returncode == 0, result.stderr
    [activity] = json.loads(result.stdout)["activities"]
    assert list(activity) == ENTRY_KEYS
    return dict(activity)


def device_row(corpus: Path, name: str) -> dict[str, str]:
    with (corpus / "reference" / "fit_device_session_values.csv").open(newline="") as handle:
        [row] = [row for row in csv.DictReader(handle) if row["file"] == f"fit/{name}"]
    return row


@pytest.mark.corpus
def test_analyze_file_np_and_tss_of_a_ride_match_the_device_at_its_ftp(
    corpus: Path, tmp_path: Path
) -> None:
    row = device_row(corpus, EDGE_810)
    ftp = row["threshold_power"]

    entry = analyze_json(corpus / "fit" / EDGE_810, "--ftp", ftp, var_dir=tmp_path / "no")

    assert entry["np_w"] == pytest.approx(float(row["normalized_power"]), rel=0.01)
    assert entry["tss"] == pytest.approx(float(row["training_stress_score"]), rel=0.02)
    assert entry["intensity_factor"] == pytest.approx(float(row["intensity_factor"]), rel=0.01)
    assert entry["rtss"] is None
    assert entry["best_efforts_s"] is None
    zones = entry["time_in_zone_s"]
    assert len(zones["power"]) == 7  # Coggan's levels from the FTP
    assert zones["pace"] is None
    power_curve = entry["mean_max"]["power_w"]
    assert power_curve["1"] == entry["max_power_w"]
    assert list(power_curve)[:3] == ["1", "2", "3"]
    assert entry["device"]["distance_m"] == pytest.approx(float(row["total_distance"]))
    assert not (tmp_path / "no" / "paceline.sqlite3").exists()


@pytest.mark.corpus
def test_analyze_file_falls_back_to_the_files_thresholds_and_options_override_them(
    corpus: Path, tmp_path: Path
) -> None:
    path = corpus / "fit" / RIDE_7386

    from_file = analyze_json(path, var_dir=tmp_path / "no")
    same_as_file = analyze_json(
        path, "--ftp", "228", "--hr-max", "201", "--hr-rest", "49", var_dir=tmp_path / "no"
    )
    overridden = analyze_json(
        path, "--ftp", "250", "--hr-max", "190", "--hr-rest", "60", var_dir=tmp_path / "no"
    )

    assert from_file["intensity_factor"] == pytest.approx(from_file["np_w"] / 228)
    assert overridden["intensity_factor"] == pytest.approx(overridden["np_w"] / 250)
    assert same_as_file["trimp"] == pytest.approx(from_file["trimp"])
    assert overridden["trimp"] != pytest.approx(from_file["trimp"], rel=0.01)
    assert overridden["tss"] < from_file["tss"]


@pytest.mark.corpus
def test_analyze_file_gives_a_run_with_heart_rate_its_trimp_hr_tss_and_hr_zones(
    corpus: Path, tmp_path: Path
) -> None:
    path = corpus / "fit" / FITS[0]  # a 14 km run with HR, no power

    entry = analyze_json(
        path, "--hr-max", "185", "--lthr", "165", "--threshold-speed", "3.2", var_dir=tmp_path
    )

    assert entry["np_w"] is None and entry["tss"] is None
    assert entry["trimp"] > 50
    assert entry["hr_tss"] > 30
    assert entry["rtss"] > 30
    assert entry["dist_eq_km"] >= entry["distance_m"] / 1000
    hr_zones = entry["time_in_zone_s"]["hr"]
    assert len(hr_zones) == 7  # Friel's zones from LTHR
    assert sum(hr_zones) == pytest.approx(entry["elapsed_s"], rel=0.03)
    assert len(entry["time_in_zone_s"]["pace"]) == 6
    assert entry["time_in_zone_s"]["power"] is None
    efforts = entry["best_efforts_s"]
    assert list(efforts) == ["400", "800", "1000", "1609", "5000", "10000", "21097", "42195"]
    assert efforts["400"] < efforts["1000"] < efforts["5000"] < efforts["10000"]
    assert efforts["21097"] is None


@pytest.mark.corpus
def test_analyze_file_defaults_take_the_lthr_the_file_carries_and_no_rtss(
    corpus: Path, tmp_path: Path
) -> None:
    """No options: the run file's time in zone carries its LTHR (169 bpm), used as is; no
    threshold speed."""
    path = corpus / "fit" / FITS[0]

    default = analyze_json(path, var_dir=tmp_path)
    explicit = analyze_json(
        path, "--sex", "M", "--hr-rest", "60", "--lthr", "169", var_dir=tmp_path
    )

    assert default["rtss"] is None
    assert default["time_in_zone_s"]["pace"] is None
    assert default["hr_tss"] == pytest.approx(explicit["hr_tss"])
    assert default["time_in_zone_s"]["hr"] == explicit["time_in_zone_s"]["hr"]
