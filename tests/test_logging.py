"""The logging configuration: every line once, on stderr."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOG_ONCE = """
import django, logging
django.setup()
logging.getLogger("django.utils.autoreload").info("Watching for file changes with StatReloader")
logging.getLogger("django.request").warning("Not Found: /nowhere")
logging.getLogger("paceline.anything").info("our own line")
logging.getLogger("django.server").info('"GET / HTTP/1.1" 200 1', extra={"status_code": 200})
"""


def test_runserver_lines_are_printed_once_with_debug_on() -> None:
    env = {**os.environ, "DEBUG": "1", "DJANGO_SETTINGS_MODULE": "config.settings.base"}

    result = subprocess.run(
        [sys.executable, "-c", LOG_ONCE], cwd=ROOT, env=env, capture_output=True, text=True
    )

    lines = result.stderr.splitlines()
    assert lines.count("Watching for file changes with StatReloader") == 1, result.stderr
    assert lines.count("Not Found: /nowhere") == 1
    assert lines.count("our own line") == 1
    requests = [line for line in lines if line.endswith('"GET / HTTP/1.1" 200 1')]
    assert len(requests) == 1
    assert requests[0].startswith("[")  # runserver's own format: [time] request
