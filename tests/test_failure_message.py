"""What a failed run says: words, never an exception's class name."""

from __future__ import annotations

from data.dataset import DatasetError
from models.failure import OUT_OF_MEMORY, failure_message


def test_bad_input_is_shown_as_its_own_message():
    assert failure_message(DatasetError("Target 'x' has a single class.")) == (
        "Target 'x' has a single class."
    )
    assert failure_message(ValueError("conv_blocks must be at least 1")) == (
        "conv_blocks must be at least 1"
    )


def test_our_own_faults_say_so_without_a_class_name():
    message = failure_message(KeyError("hidden_3"))
    assert "KeyError" not in message and "hidden_3" in message and "fault in Glassbox" in message
    assert "ZeroDivisionError" not in failure_message(ZeroDivisionError())
    assert failure_message(MemoryError()) == OUT_OF_MEMORY
