"""Drives running sweeps: asks Optuna for trials, queues them as runs, feeds back epochs.

One driver per job manager, stepped by its scheduler thread. The study lives in an
Optuna journal file beside the run store (<workspace>/sweeps/<group>.journal), so a
restarted app picks a sweep up where it was. Each step, for every running sweep this
process drives: report the new epochs of trials in flight (pruning a poor one cancels
its run, which stops at its next batch and keeps its results), close the trials whose
runs ended, queue new trials up to the parallel limit and the budget, and write a
summary (trials, best, importance) into the group's settings for the pages.
"""

from __future__ import annotations

import logging
import math
from typing import Any

from models.groups import SWEEP, Group, list_groups, update_settings
from models.processes import ProcessId
from models.spec import RunSpec
from models.store import RunStore
from models.sweeps.create import CANCELLED, FINISHED, RUNNING, STOPPING
from models.sweeps.settings import SweepSettings

log = logging.getLogger(__name__)
STOPPED_EARLY = "stopped early"


class SweepDriver:
    def __init__(self, store: RunStore, identity: ProcessId) -> None:
        self.store, self.identity = store, identity
        self._studies: dict[str, Any] = {}

    def step(self) -> None:
        for group in list_groups(self.store, SWEEP):
            if group.settings.get("state") in (RUNNING, STOPPING) and self._claim(group):
                self.advance(group)

    def _claim(self, group: Group) -> bool:
        """Drive sweeps this app process started, or whose driving process is gone."""
        pid, started = group.settings.get("driver_pid"), group.settings.get("driver_started")
        if (pid, started) == (self.identity.pid, self.identity.started):
            return True
        if pid is not None and ProcessId(pid, started).is_alive():
            return False
        update_settings(
            self.store, group.id, driver_pid=self.identity.pid, driver_started=self.identity.started
        )
        return True

    def _study(self, group: Group, settings: SweepSettings):
        if group.id not in self._studies:
            import optuna
            from optuna.storages import JournalStorage
            from optuna.storages.journal import JournalFileBackend

            optuna.logging.set_verbosity(optuna.logging.WARNING)
            folder = self.store.workspace / "sweeps"
            folder.mkdir(exist_ok=True)
            storage = JournalStorage(JournalFileBackend(str(folder / f"{group.id}.journal")))
            self._studies[group.id] = optuna.create_study(
                storage=storage,
                study_name=group.id,
                direction=settings.direction,
                sampler=_sampler(settings),
                pruner=_pruner(settings),
                load_if_exists=True,
            )
        return self._studies[group.id]

    def advance(self, group: Group) -> None:
        from optuna.trial import TrialState

        settings = SweepSettings.from_dict(group.settings["sweep"])
        study = self._study(group, settings)
        for frozen in study.get_trials(deepcopy=False, states=(TrialState.RUNNING,)):
            self._follow(study, frozen, settings)
        state = group.settings.get("state")
        trials = study.get_trials(deepcopy=False)
        # A pruned trial still stopping is not waited for: the next one queues behind it.
        in_flight = sum(
            t.state == TrialState.RUNNING and not t.user_attrs.get("pruned") for t in trials
        )
        while state == RUNNING and in_flight < settings.parallel and len(trials) < settings.budget:
            self._queue_trial(study, group, settings)
            in_flight += 1
            trials = study.get_trials(deepcopy=False)
        running = any(t.state == TrialState.RUNNING for t in trials)
        if not running and (state == STOPPING or len(trials) >= settings.budget):
            state = CANCELLED if state == STOPPING else FINISHED
            self._studies.pop(group.id, None)
        update_settings(self.store, group.id, state=state, **summary(study, settings, state))

    def _queue_trial(self, study, group: Group, settings: SweepSettings) -> None:
        from optuna.distributions import CategoricalDistribution

        if settings.strategy == "grid":
            space = {r.name: CategoricalDistribution(r.grid()) for r in settings.ranges}
        else:
            space = {r.name: r.distribution() for r in settings.ranges}
        trial = study.ask(space)
        base = settings.base
        spec = RunSpec(**{**base, "params": {**base["params"], **trial.params}})
        run_id = self.store.create_run(
            spec,
            dataset_name=settings.dataset_name,
            name=f"{group.name} · trial {trial.number + 1}",
            tags=("sweep",),
            group=(group.id, trial.number),
        )
        trial.set_user_attr("run_id", run_id)

    def _follow(self, study, frozen, settings: SweepSettings) -> None:
        """Report a trial's new epochs (pruning it if poor); close it once its run ended."""
        from optuna.trial import Trial, TrialState

        run_id = frozen.user_attrs.get("run_id")
        run = self.store.get(run_id) if run_id else None
        if run is None:
            study.tell(frozen.number, state=TrialState.FAIL)
            return
        pruned = bool(frozen.user_attrs.get("pruned"))
        history = self.store.history(run_id) if settings.per_epoch else None
        if history is not None and not pruned and settings.metric in history:
            trial = Trial(study, frozen._trial_id)
            reported = set(frozen.intermediate_values)
            fresh = False
            for epoch, value in zip(history["epoch"], history[settings.metric], strict=True):
                if int(epoch) not in reported and _finite(value):
                    trial.report(float(value), int(epoch))
                    fresh = True
            if fresh and run.active and trial.should_prune():
                trial.set_user_attr("pruned", True)
                self.store.request_cancel(run_id)
                pruned = True
        if run.active:
            return
        if pruned and run.status == "cancelled":
            self.store.label_run(run_id, run.name, (*run.tags, STOPPED_EARLY))
            study.tell(frozen.number, state=TrialState.PRUNED)
            return
        # A trial asked to stop that finished first counts as finished: it was not cut short.
        value = objective(run, history, settings)
        if run.status == "succeeded" and value is not None:
            study.tell(frozen.number, value)
        else:
            study.tell(frozen.number, state=TrialState.FAIL)


def _finite(value: Any) -> bool:
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False


def objective(run, history, settings: SweepSettings) -> float | None:
    """The trial's score: its best epoch on a per-epoch metric, else the final metric."""
    if settings.per_epoch:
        if history is None or settings.metric not in history:
            return None
        values = [float(v) for v in history[settings.metric] if _finite(v)]
        if not values:
            return None
        return min(values) if settings.direction == "minimize" else max(values)
    value = run.final_metrics.get(settings.metric)
    return float(value) if _finite(value) else None


def _sampler(settings: SweepSettings):
    import optuna

    if settings.strategy == "grid":
        return optuna.samplers.GridSampler(
            {r.name: r.grid() for r in settings.ranges}, seed=settings.seed
        )
    if settings.strategy == "random":
        return optuna.samplers.RandomSampler(seed=settings.seed)
    startup = max(2, min(10, settings.budget // 3))
    return optuna.samplers.TPESampler(seed=settings.seed, n_startup_trials=startup)


def _pruner(settings: SweepSettings):
    import optuna

    # The first epochs say little (a slow starter may end best): judging starts after a
    # quarter of them. Pruning on epoch 1 of 10 once cut the trial that would have won.
    epochs = int(settings.base.get("params", {}).get("epochs", 0) or 0)
    warmup = max(1, epochs // 4)
    if settings.pruner == "median":
        return optuna.pruners.MedianPruner(n_startup_trials=3, n_warmup_steps=warmup)
    if settings.pruner == "halving":
        return optuna.pruners.SuccessiveHalvingPruner(min_resource=warmup, reduction_factor=3)
    return optuna.pruners.NopPruner()


def summary(study, settings: SweepSettings, state: str) -> dict[str, Any]:
    """What the pages show, written into the group's settings so they never load Optuna."""
    from optuna.trial import TrialState

    words = {
        TrialState.RUNNING: "running",
        TrialState.COMPLETE: "finished",
        TrialState.PRUNED: STOPPED_EARLY,
        TrialState.FAIL: "failed",
    }
    trials = [
        {
            "number": t.number + 1,
            "run_id": t.user_attrs.get("run_id"),
            "params": t.params,
            "state": words.get(t.state, t.state.name.lower()),
            "value": t.value if t.value is not None else _last(t.intermediate_values),
            "epochs": len(t.intermediate_values),
        }
        for t in study.get_trials(deepcopy=False)
    ]
    complete = [t for t in study.get_trials(deepcopy=False) if t.state == TrialState.COMPLETE]
    out: dict[str, Any] = {"trials": trials, "best": None}
    if complete:
        best = study.best_trial
        out["best"] = {
            "number": best.number + 1,
            "run_id": best.user_attrs.get("run_id"),
            "value": best.value,
            "params": best.params,
        }
    if state in (FINISHED, CANCELLED) and len(complete) >= 3 and len(settings.ranges) >= 1:
        out["importance"] = importance(study)
    return out


def _last(values: dict[int, float]) -> float | None:
    return values[max(values)] if values else None


def importance(study) -> dict[str, float]:
    """Each parameter's share of the score's variation (Optuna's fANOVA), 0..1."""
    import optuna

    try:
        found = optuna.importance.get_param_importances(study)
    except (RuntimeError, ValueError) as error:  # e.g. a parameter that never varied
        log.info("no parameter importance: %s", error)
        return {}
    return {name: float(value) for name, value in found.items()}
