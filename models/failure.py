"""What a failed run tells a person: what went wrong in words, never an exception's class name.

Bad input (data.dataset.DatasetError, and the ValueErrors models raise for impossible
settings) already says what is wrong and how to fix it, so its message is shown as it
is. Anything else is a fault of ours: the message says so, and the traceback (beside a run's message on
the Runs page, in the log for other work) shows where.
"""

from __future__ import annotations

OUT_OF_MEMORY = (
    "Training ran out of memory. Try fewer rows, a smaller batch size or a smaller model, "
    "or train fewer runs at once."
)


def failure_message(error: BaseException, doing: str = "Training") -> str:
    """`doing` names the work that stopped ("Training", "Computing the map")."""
    text = str(error).strip()
    if isinstance(error, MemoryError):
        return OUT_OF_MEMORY.replace("Training", doing, 1)
    if isinstance(error, ValueError) and text:  # DatasetError is a ValueError
        return text
    detail = f" ({text})" if text else ""
    return (
        f"{doing} stopped on an unexpected error{detail}. This is a fault in Glassbox, not "
        "in your data."
    )
