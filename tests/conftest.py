"""Put the reference solutions on sys.path and summarise the Keras comparisons."""

import sys
from pathlib import Path

SOLUTIONS = Path(__file__).resolve().parents[1] / "solutions"
if str(SOLUTIONS) not in sys.path:
    sys.path.insert(0, str(SOLUTIONS))

_keras_tests_run = []


def pytest_runtest_logreport(report):
    if report.when == "call" and "keras" in report.keywords:
        _keras_tests_run.append(report.nodeid)


def pytest_terminal_summary(terminalreporter):
    import helpers

    if not _keras_tests_run or not helpers.COMPARISONS:
        return

    terminalreporter.section("Keras comparisons")
    terminalreporter.write_line(f"Keras comparisons: {sum(helpers.COMPARISONS.values())}")
    for name in sorted(helpers.MAX_ERRORS):
        terminalreporter.write_line(
            f"  {name:<20} {helpers.COMPARISONS[name]:>5} calls, "
            f"largest |error| {helpers.MAX_ERRORS[name]:.3g}"
        )
