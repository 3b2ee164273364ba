"""Exceptions the emulators raise at the test author, never at the app under test."""

from __future__ import annotations


class EmulatorUsageError(AssertionError):
    """Signal that a test asked the emulator for something a real user could not do."""


class EmulatorTimeout(EmulatorUsageError, TimeoutError):
    """Signal that an awaited call or request never arrived."""


class ButtonNotFound(EmulatorUsageError, LookupError):
    """Signal that a click targeted a button the message does not show."""
