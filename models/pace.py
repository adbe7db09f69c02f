"""How fast a run trains, and how long it has left, from the times its epochs ended.

Worked out from the store alone (when fitting began, when each epoch ended, how many
rows an epoch trains on), so the Runs and Train pages show it for a run started by
any tab or by the command line.
"""

from __future__ import annotations

from dataclasses import dataclass

RECENT_EPOCHS = 3  # the estimate follows the last few epochs, not the slow first one
# Within the first epoch, an estimate from its share done so far, once it is this far in:
# a single epoch over a big table takes minutes, and the person should not wait it out
# to learn how long it takes.
FIRST_EPOCH_SHARE = 0.05


@dataclass(frozen=True)
class Pace:
    seconds_per_epoch: float
    seconds_left: float
    rows_per_s: float | None  # None when the run did not say how many rows an epoch sees

    def describe(self, may_stop_early: bool = False) -> str:
        """'2.1 s per epoch · about 40 s left · 1,250 rows/s'."""
        left = "at most" if may_stop_early else "about"
        parts = [f"{duration(self.seconds_per_epoch)} per epoch"]
        if self.seconds_left > 0:
            parts.append(f"{left} {duration(self.seconds_left)} left")
        if self.rows_per_s:
            parts.append(f"{self.rows_per_s:,.0f} rows/s")
        return " · ".join(parts)


def duration(seconds: float) -> str:
    """'0.4 s', '12 s', '3 min 05 s', '1 h 02 min'."""
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, secs = divmod(round(seconds), 60)
    if minutes < 60:
        return f"{minutes} min {secs:02d} s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def training_pace(
    fit_started: float | None,
    epoch_ends: list[float],
    epochs_planned: int,
    epochs_done: float,
    rows_per_epoch: int = 0,
    now: float | None = None,
) -> Pace | None:
    """None before there is anything to measure: before the first epoch ended, or, given
    the time `now`, before FIRST_EPOCH_SHARE of it is done.

    `epochs_done` may be fractional (the run's progress within its current epoch), so
    the time left shrinks during an epoch rather than in steps.
    """
    if fit_started is None:
        return None
    if not epoch_ends:
        if now is None or epochs_done < FIRST_EPOCH_SHARE:
            return None
        per_epoch = max((now - fit_started) / epochs_done, 1e-9)
        left = max(epochs_planned - epochs_done, 0.0) * per_epoch
        return Pace(per_epoch, left, rows_per_epoch / per_epoch if rows_per_epoch else None)
    starts = [fit_started, *epoch_ends[:-1]]
    durations = [end - start for start, end in zip(starts, epoch_ends, strict=True)]
    # The first epoch also builds the model's graph; later ones show the real pace.
    steady = durations[1:] or durations
    per_epoch = max(sum(steady[-RECENT_EPOCHS:]) / len(steady[-RECENT_EPOCHS:]), 1e-9)
    left = max(epochs_planned - epochs_done, 0.0) * per_epoch
    rows_per_s = rows_per_epoch / per_epoch if rows_per_epoch else None
    return Pace(per_epoch, left, rows_per_s)
