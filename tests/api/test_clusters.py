"""The Clusters API through the SDK's own methods (w.clusters.*): the state machine
and its waiters, the local worker pools behind RUNNING, events, list filters and
paging, pin/unpin, change-owner, the catalogue helpers, errors, access for a
second user, autotermination and a server restart."""

import datetime
import signal
import time

import pytest
from databricks.sdk.errors import (InvalidParameterValue, InvalidState, NotFound,
                                   OperationFailed, PermissionDenied,
                                   ResourceDoesNotExist)
from databricks.sdk.service.compute import (AutoScale, EventType, GetEventsOrder,
                                            ListClustersFilterBy,
                                            ListClustersSortBy,
                                            ListClustersSortByDirection,
                                            ListClustersSortByField, State,
                                            TerminationReasonCode)

from conftest import raw

SPARK = "16.4.x-scala2.12"
MINUTE_MS = "spark.bricks.autotermination.minute_ms"


def event_types(w, cluster_id, **kw):
    return [e.type for e in w.clusters.events(cluster_id, order=GetEventsOrder.ASC, **kw)]


def test_catalogue_and_selectors(w):
    versions = {v.key: v.name for v in w.clusters.spark_versions().versions}
    assert "15.4.x-scala2.12" in versions and "16.4.x-scala2.13" in versions
    assert all("Bricks runtime" in name for name in versions.values())
    assert w.clusters.select_spark_version() == "16.4.x-scala2.12"
    assert w.clusters.select_spark_version(long_term_support=True) == "16.4.x-scala2.12"
    assert w.clusters.select_spark_version(scala="2.13") == "17.3.x-scala2.13"
    with pytest.raises(ValueError):
        w.clusters.select_spark_version(ml=True)

    types = w.clusters.list_node_types().node_types
    ids = [t.node_type_id for t in types]
    assert ids[0] == "bricks.local-1c"
    cores = [t.num_cores for t in types]
    assert cores == sorted(cores) and cores[0] == 1
    for t in types:
        assert t.memory_mb > 0 and t.num_gpus == 0 and t.is_deprecated is False
        assert t.node_instance_type.local_disks == 1
        assert t.description.startswith("Bricks local worker")
    assert w.clusters.select_node_type(local_disk=True) == "bricks.local-1c"
    assert w.clusters.select_node_type(min_cores=cores[-1]) == ids[-1]
    with pytest.raises(ValueError):
        w.clusters.select_node_type(min_gpus=1)
    zones = w.clusters.list_zones()
    assert zones.zones == ["local"] and zones.default_zone == "local"


def test_lifecycle_with_waiters(w, unique):
    name = unique("life")
    c = w.clusters.create_and_wait(
        cluster_name=name, spark_version=SPARK, num_workers=2,
        spark_conf={"spark.sql.shuffle.partitions": "4"}, custom_tags={"team": "data"},
        spark_env_vars={"A": "1"}, autotermination_minutes=0,
        timeout=datetime.timedelta(seconds=60))
    assert c.state == State.RUNNING
    assert c.cluster_name == name
    assert c.creator_user_name == "admin@bricks.local"
    assert c.cluster_source.value == "API"
    assert c.node_type_id == "bricks.local-1c" == c.driver_node_type_id
    assert c.spark_conf == {"spark.sql.shuffle.partitions": "4"}
    assert c.custom_tags == {"team": "data"} and c.spark_env_vars == {"A": "1"}
    assert c.default_tags["ClusterId"] == c.cluster_id
    assert c.default_tags["Creator"] == "admin@bricks.local"
    assert len(c.executors) == 2 and c.driver.node_id.endswith("-driver")
    assert c.start_time > 0 and c.spark_context_id > 0
    cid = c.cluster_id
    assert len(cid) == 20 and cid[4] == "-" and cid[11] == "-"

    got = w.clusters.restart_and_wait(cid)
    assert got.state == State.RUNNING and got.last_restarted_time >= got.start_time
    assert got.spark_context_id != c.spark_context_id

    edited = w.clusters.edit_and_wait(cid, spark_version=SPARK, cluster_name=name + "-b",
                                      num_workers=1)
    assert edited.state == State.RUNNING and edited.cluster_name == name + "-b"
    assert len(edited.executors) == 1

    stopped = w.clusters.delete_and_wait(cid)
    assert stopped.state == State.TERMINATED
    assert stopped.terminated_time >= stopped.start_time
    assert stopped.termination_reason.code == TerminationReasonCode.USER_REQUEST
    assert stopped.termination_reason.parameters == {"username": "admin@bricks.local"}
    assert not stopped.executors and stopped.driver is None

    # ensure_cluster_is_running starts a terminated cluster and waits for it.
    w.clusters.ensure_cluster_is_running(cid)
    again = w.clusters.get(cid)
    assert again.state == State.RUNNING and again.termination_reason is None
    w.clusters.ensure_cluster_is_running(cid)  # already running: nothing to do

    assert event_types(w, cid) == [
        EventType.CREATING, EventType.RUNNING, EventType.RESTARTING, EventType.RUNNING,
        EventType.EDITED, EventType.RESTARTING, EventType.RUNNING, EventType.TERMINATING,
        EventType.STARTING, EventType.RUNNING]
    edited_event = [e for e in w.clusters.events(cid, event_types=[EventType.EDITED])][0]
    assert edited_event.details.user == "admin@bricks.local"
    assert edited_event.details.previous_attributes.cluster_name == name
    assert edited_event.details.attributes.cluster_name == name + "-b"
    w.clusters.delete(cid)


def test_edit_terminated_cluster_stays_terminated(w, unique):
    cid = w.clusters.create(cluster_name=unique("et"), spark_version=SPARK,
                            num_workers=0).cluster_id
    w.clusters.delete_and_wait(cid)
    # edit() of a TERMINATED cluster keeps it TERMINATED, so the running-waiter fails.
    with pytest.raises(OperationFailed, match="TERMINATED"):
        w.clusters.edit_and_wait(cid, spark_version="15.4.x-scala2.12",
                                 autoscale=AutoScale(min_workers=1, max_workers=3))
    c = w.clusters.get(cid)
    assert c.state == State.TERMINATED and c.spark_version == "15.4.x-scala2.12"
    assert c.autoscale.min_workers == 1 and c.autoscale.max_workers == 3
    started = w.clusters.start_and_wait(cid)
    assert len(started.executors) == 1  # autoscale runs min_workers
    w.clusters.delete(cid)


def test_invalid_state_errors(w, unique):
    cid = w.clusters.create_and_wait(cluster_name=unique("st"), spark_version=SPARK,
                                     num_workers=0).cluster_id
    with pytest.raises(InvalidState, match="is in unexpected state Running") as e:
        w.clusters.start(cid)
    assert e.value.error_code == "INVALID_STATE"
    with pytest.raises(InvalidState):
        w.clusters.change_owner(cid, "admin@bricks.local")
    w.clusters.delete_and_wait(cid)
    with pytest.raises(InvalidState, match="Terminated"):
        w.clusters.restart(cid)
    w.clusters.delete(cid)  # already terminated: a no-op
    assert w.clusters.get(cid).state == State.TERMINATED


def test_not_found(w):
    # tests/integration/test_clusters.py::test_error_unmarshall in the SDK repo.
    with pytest.raises(ResourceDoesNotExist) as e:
        w.clusters.get("123__non_existing__")
    assert e.value.error_code == "INVALID_PARAMETER_VALUE"
    assert "Cluster 123__non_existing__ does not exist" in str(e.value)
    for call in (w.clusters.start, w.clusters.restart, w.clusters.delete,
                 w.clusters.permanent_delete, w.clusters.pin, w.clusters.unpin):
        with pytest.raises(InvalidParameterValue, match="does not exist"):
            call("nope")
    with pytest.raises(InvalidParameterValue):
        list(w.clusters.events("nope"))


def test_invalid_values(server, w):
    cases = [
        (dict(spark_version="9.9.x-scala2.12"), "Invalid spark version 9.9.x-scala2.12"),
        (dict(spark_version=SPARK, node_type_id="i3.xlarge"), "i3.xlarge is not supported"),
        (dict(spark_version=SPARK, num_workers=-1), "num_workers must be 0 or more"),
        (dict(spark_version=SPARK, num_workers=100000), "too large"),
        (dict(spark_version=SPARK, autotermination_minutes=5), "between 10 and 10000"),
        (dict(spark_version=SPARK, autoscale=AutoScale(min_workers=4, max_workers=2)),
         "min_workers 4, max_workers 2"),
        (dict(spark_version=SPARK, spark_conf={MINUTE_MS: "-3"}), "positive number"),
    ]
    for kwargs, message in cases:
        with pytest.raises(InvalidParameterValue, match=message):
            w.clusters.create(cluster_name="bad", **kwargs)
    # Wrong JSON types and a missing spark_version, below the SDK's typing.
    for body, message in [({"spark_version": SPARK, "num_workers": "two"}, "num_workers"),
                          ({"spark_version": SPARK, "spark_conf": {"a": 1}}, "spark_conf.a"),
                          ({"cluster_name": "x"}, "spark_version")]:
        r = raw(server, "POST", "/api/2.1/clusters/create", token=server.token, json=body)
        assert r.status_code == 400, r.text
        assert r.json()["error_code"] == "INVALID_PARAMETER_VALUE"
        assert message in r.json()["message"]
    assert not [c for c in w.clusters.list() if c.cluster_name == "bad"]


def test_unmodeled_spec_fields_round_trip(w, unique):
    cid = w.clusters.create(cluster_name=unique("x"), spark_version=SPARK, num_workers=0,
                            ssh_public_keys=["ssh-ed25519 AAAA test"],
                            enable_elastic_disk=True).cluster_id
    c = w.clusters.get(cid)
    assert c.ssh_public_keys == ["ssh-ed25519 AAAA test"] and c.enable_elastic_disk is True
    w.clusters.permanent_delete(cid)


def test_list_filters_sorting_and_paging(server, w, unique):
    prefix = unique("ls")
    ids = {}
    for suffix in ("c", "a", "b"):
        ids[suffix] = w.clusters.create(cluster_name=f"{prefix}-{suffix}", spark_version=SPARK,
                                        num_workers=0).cluster_id
    for cid in ids.values():
        w.clusters.wait_get_cluster_running(cid)
    w.clusters.delete_and_wait(ids["b"])
    w.clusters.pin(ids["c"])

    def mine(**kw):
        return [c.cluster_name[len(prefix) + 1:] for c in w.clusters.list(**kw)
                if c.cluster_name.startswith(prefix)]

    # DEFAULT: running before terminated, pinned first, then by name.
    assert mine() == ["c", "a", "b"]
    assert mine(page_size=1) == ["c", "a", "b"]  # the SDK follows next_page_token
    by_name = ListClustersSortBy(field=ListClustersSortByField.CLUSTER_NAME,
                                 direction=ListClustersSortByDirection.DESC)
    assert mine(sort_by=by_name, page_size=2) == ["c", "b", "a"]
    assert mine(filter_by=ListClustersFilterBy(is_pinned=True)) == ["c"]
    assert mine(filter_by=ListClustersFilterBy(cluster_states=[State.TERMINATED])) == ["b"]
    assert mine(filter_by=ListClustersFilterBy(cluster_states=[State.RUNNING,
                                                               State.PENDING])) == ["c", "a"]
    assert mine(filter_by=ListClustersFilterBy(policy_id="none-such")) == []

    r = raw(server, "GET", "/api/2.1/clusters/list", token=server.token,
            params={"page_size": 1})
    body = r.json()
    assert len(body["clusters"]) == 1 and body["next_page_token"]
    assert "prev_page_token" not in body
    r2 = raw(server, "GET", "/api/2.1/clusters/list", token=server.token,
             params={"page_size": 1, "page_token": body["next_page_token"]})
    assert r2.json()["prev_page_token"] and r2.json()["clusters"] != body["clusters"]
    bad = raw(server, "GET", "/api/2.1/clusters/list", token=server.token,
              params={"page_token": "garbage"})
    assert bad.status_code == 400 and bad.json()["error_code"] == "INVALID_PARAMETER_VALUE"

    w.clusters.unpin(ids["c"])
    w.clusters.unpin(ids["c"])  # unpinning an unpinned cluster changes nothing
    assert mine(filter_by=ListClustersFilterBy(is_pinned=True)) == []
    assert event_types(w, ids["c"]) == [EventType.CREATING, EventType.RUNNING,
                                        EventType.PINNED, EventType.UNPINNED]
    for cid in ids.values():
        w.clusters.permanent_delete(cid)
    assert mine() == []


def test_events_paging_and_filters(server, w, unique):
    cid = w.clusters.create_and_wait(cluster_name=unique("ev"), spark_version=SPARK,
                                     num_workers=0).cluster_id
    w.clusters.pin(cid)
    w.clusters.unpin(cid)
    w.clusters.pin(cid)
    everything = event_types(w, cid)
    assert everything == [EventType.CREATING, EventType.RUNNING, EventType.PINNED,
                          EventType.UNPINNED, EventType.PINNED]
    # offset/limit pages: the SDK re-posts next_page until there is none.
    assert event_types(w, cid, limit=2) == everything
    # page_size/page_token pages.
    assert event_types(w, cid, page_size=1) == everything
    newest_first = [e.type for e in w.clusters.events(cid)]
    assert newest_first == everything[::-1]
    assert event_types(w, cid, event_types=[EventType.PINNED]) == [EventType.PINNED] * 2
    stamps = [e.timestamp for e in w.clusters.events(cid, order=GetEventsOrder.ASC)]
    assert stamps == sorted(stamps)
    assert event_types(w, cid, start_time=stamps[-1] + 1) == []
    first_ms = [t for t, ts in zip(everything, stamps) if ts == stamps[0]]
    assert first_ms[0] == EventType.CREATING and len(first_ms) < len(everything)
    assert event_types(w, cid, end_time=stamps[0]) == first_ms

    r = raw(server, "POST", "/api/2.1/clusters/events", token=server.token,
            json={"cluster_id": cid, "limit": 2, "order": "ASC"})
    body = r.json()
    assert body["total_count"] == 5 and len(body["events"]) == 2
    assert body["next_page"] == {"cluster_id": cid, "limit": 2, "order": "ASC", "offset": 2}
    bad = raw(server, "POST", "/api/2.1/clusters/events", token=server.token,
              json={"cluster_id": cid, "limit": 501})
    assert bad.status_code == 400
    w.clusters.permanent_delete(cid)


def test_permanent_delete(w, unique):
    name = unique("pd")
    cid = w.clusters.create_and_wait(cluster_name=name, spark_version=SPARK,
                                     num_workers=1).cluster_id
    w.clusters.permanent_delete(cid)
    with pytest.raises(ResourceDoesNotExist):
        w.clusters.get(cid)
    assert name not in [c.cluster_name for c in w.clusters.list()]
    with pytest.raises(InvalidParameterValue):
        w.clusters.permanent_delete(cid)


def test_change_owner(w, make_user, unique):
    user, uw = make_user("owner")
    cid = w.clusters.create(cluster_name=unique("co"), spark_version=SPARK,
                            num_workers=0).cluster_id
    w.clusters.delete_and_wait(cid)
    with pytest.raises(NotFound, match="nobody@example.com"):
        w.clusters.change_owner(cid, "nobody@example.com")
    with pytest.raises(PermissionDenied):
        uw.clusters.get(cid)
    w.clusters.change_owner(cid, user.user_name)
    got = uw.clusters.get(cid)
    assert got.creator_user_name == user.user_name
    assert cid in [c.cluster_id for c in uw.clusters.list()]
    # The new owner manages it; a non-admin may not give it away.
    with pytest.raises(PermissionDenied, match="admin"):
        uw.clusters.change_owner(cid, "admin@bricks.local")
    assert uw.clusters.start_and_wait(cid).state == State.RUNNING
    uw.clusters.permanent_delete(cid)


def test_second_user_gets_403(w, user_client, unique):
    user, uw = user_client
    cid = w.clusters.create_and_wait(cluster_name=unique("adm"), spark_version=SPARK,
                                     num_workers=0).cluster_id
    calls = [
        lambda: uw.clusters.get(cid),
        lambda: uw.clusters.start(cid),
        lambda: uw.clusters.restart(cid),
        lambda: uw.clusters.delete(cid),
        lambda: uw.clusters.permanent_delete(cid),
        lambda: uw.clusters.edit(cid, spark_version=SPARK, num_workers=2),
        lambda: uw.clusters.pin(cid),
        lambda: uw.clusters.unpin(cid),
        lambda: uw.clusters.change_owner(cid, user.user_name),
        lambda: list(uw.clusters.events(cid)),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied) as e:
            call()
        assert e.value.error_code == "PERMISSION_DENIED"
    assert w.clusters.get(cid).state == State.RUNNING  # nothing changed
    assert cid not in [c.cluster_id for c in uw.clusters.list()]
    # Users create and manage their own clusters.
    own = uw.clusters.create(cluster_name=unique("own"), spark_version=SPARK,
                             num_workers=0).cluster_id
    assert [c.cluster_id for c in uw.clusters.list()] == [own]
    assert uw.clusters.delete_and_wait(own).state == State.TERMINATED
    assert own in [c.cluster_id for c in w.clusters.list()]  # admins see all
    w.clusters.permanent_delete(cid)
    uw.clusters.permanent_delete(own)


def test_unauthenticated_is_401(server):
    for method, path in [("GET", "/api/2.1/clusters/list"), ("POST", "/api/2.1/clusters/create"),
                         ("GET", "/api/2.0/clusters/spark-versions")]:
        r = raw(server, method, path)
        assert r.status_code == 401, (path, r.text)
        assert r.json()["error_code"] == "UNAUTHENTICATED"


def test_api_2_0_paths(server, w, unique):
    cid = w.clusters.create(cluster_name=unique("v20"), spark_version=SPARK,
                            num_workers=0).cluster_id
    r = raw(server, "GET", "/api/2.0/clusters/get", token=server.token,
            params={"cluster_id": cid})
    assert r.status_code == 200 and r.json()["cluster_id"] == cid
    r = raw(server, "POST", "/api/2.0/clusters/permanent-delete", token=server.token,
            json={"cluster_id": cid})
    assert r.status_code == 200 and r.json() == {}


def test_autotermination(w, unique):
    # One "minute" of 50 ms: autotermination_minutes=10 means 500 ms idle.  (The SDK's
    # create_and_wait sleeps ~1.5 s between polls, longer than the cluster lives.)
    c = w.clusters.create(cluster_name=unique("auto"), spark_version=SPARK, num_workers=1,
                          autotermination_minutes=10, spark_conf={MINUTE_MS: "50"})
    states = []
    for _ in range(200):
        states.append(w.clusters.get(c.cluster_id).state)
        if states[-1] == State.TERMINATED:
            break
        time.sleep(0.02)
    assert State.RUNNING in states
    assert states.index(State.RUNNING) < states.index(State.TERMINATED)
    done = w.clusters.wait_get_cluster_terminated(c.cluster_id)
    assert done.termination_reason.code == TerminationReasonCode.INACTIVITY
    assert done.termination_reason.parameters == {"inactivity_duration_min": "10"}
    assert done.state_message == "Inactive cluster terminated (inactive for 10 minutes)."
    terminating = [e for e in w.clusters.events(c.cluster_id,
                                                event_types=[EventType.TERMINATING])]
    assert terminating[0].details.reason.code == TerminationReasonCode.INACTIVITY
    # Without the knob the same setting keeps the cluster running for real minutes.
    slow = w.clusters.create_and_wait(cluster_name=unique("slow"), spark_version=SPARK,
                                      num_workers=0, autotermination_minutes=10)
    time.sleep(0.5)
    assert w.clusters.get(slow.cluster_id).state == State.RUNNING
    w.clusters.permanent_delete(slow.cluster_id)
    w.clusters.permanent_delete(c.cluster_id)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL])
def test_server_restart_brings_running_clusters_back(server, w, unique, sig):
    running = w.clusters.create_and_wait(cluster_name=unique("rr"), spark_version=SPARK,
                                         num_workers=2)
    stopped = w.clusters.create(cluster_name=unique("rs"), spark_version=SPARK,
                                num_workers=0).cluster_id
    w.clusters.delete_and_wait(stopped)
    t0 = int(time.time() * 1000)
    server.restart(sig)
    back = w.clusters.get(running.cluster_id)
    assert back.state == State.RUNNING and len(back.executors) == 2
    assert back.last_state_loss_time >= t0
    assert back.spark_context_id != running.spark_context_id
    types = event_types(w, running.cluster_id)
    assert types[-2:] == [EventType.STARTING, EventType.RUNNING]
    recovery = [e for e in w.clusters.events(running.cluster_id,
                                             event_types=[EventType.STARTING])][0]
    assert recovery.details.cause.value == "AUTORECOVERY"
    still = w.clusters.get(stopped)
    assert still.state == State.TERMINATED and still.last_state_loss_time is None
    assert still.termination_reason.code == TerminationReasonCode.USER_REQUEST
    w.clusters.permanent_delete(running.cluster_id)
    w.clusters.permanent_delete(stopped)
