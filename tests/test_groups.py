"""Groups of runs: cross-validation folds and sweep trials share one table and one life cycle."""

from __future__ import annotations

from models import groups
from models.spec import RunSpec
from models.store import RunStore


def spec() -> RunSpec:
    return RunSpec(dataset="builtin:iris", model="logreg", params={})


def test_members_come_back_in_group_order_and_are_ordinary_runs(tmp_path):
    store = RunStore(tmp_path)
    gid = groups.create_group(store, groups.CROSSVAL, "iris 3-fold", {"k": 3})
    ids = [store.create_run(spec(), group=(gid, i)) for i in (2, 0, 1)]
    solo = store.create_run(spec())
    members = groups.members(store, gid)
    assert [m.group_index for m in members] == [0, 1, 2]
    assert [m.id for m in members] == [ids[1], ids[2], ids[0]]
    assert store.get(solo).group_id is None
    assert {r.id for r in store.list_runs()} == {*ids, solo}
    assert groups.get_group(store, gid).settings == {"k": 3}


def test_settings_merge_and_status_summarises_members(tmp_path):
    store = RunStore(tmp_path)
    gid = groups.create_group(store, groups.SWEEP, "s", {"budget": 8})
    groups.update_settings(store, gid, best="r1")
    assert groups.get_group(store, gid).settings == {"budget": 8, "best": "r1"}
    a = store.create_run(spec(), group=(gid, 0))
    assert groups.group_status(groups.members(store, gid)) == "queued"
    store.request_cancel(a)
    assert groups.group_status(groups.members(store, gid)) == "cancelled"
    assert [g.id for g in groups.list_groups(store, groups.SWEEP)] == [gid]
    assert groups.list_groups(store, groups.CROSSVAL) == []


def test_cancel_and_delete_reach_every_member_and_nothing_else(tmp_path):
    store = RunStore(tmp_path)
    gid = groups.create_group(store, groups.CROSSVAL, "g", {})
    ids = [store.create_run(spec(), group=(gid, i)) for i in range(3)]
    other = store.create_run(spec())
    groups.cancel_group(store, gid)
    assert {store.get(i).status for i in ids} == {"cancelled"}
    assert store.get(other).status == "queued"
    groups.delete_group(store, gid)
    assert [r.id for r in store.list_runs()] == [other]
    assert groups.get_group(store, gid) is None
    assert not store.run_dir(ids[0]).exists()
