"""Which values of CI make a missing PostgreSQL a failure instead of a skip."""

from __future__ import annotations

import pytest

from tests.conftest import running_in_ci


@pytest.mark.parametrize("value", ["true", "1", "True", "TRUE", "yes", "github"])
def test_any_set_ci_value_counts_as_ci(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CI", value)
    assert running_in_ci()


@pytest.mark.parametrize("value", ["", "false", "False", "0"])
def test_empty_false_or_zero_ci_is_not_ci(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CI", value)
    assert not running_in_ci()


def test_unset_ci_is_not_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    assert not running_in_ci()
