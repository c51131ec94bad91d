/*
 * schema_clusters.c — tables of the clusters group: cluster specs and states, and
 * their event log (services/svc_clusters.c).
 *
 *   clusters        one row per cluster until permanent-delete.  The spec columns
 *                   are what create/edit sent (maps as JSON objects of strings;
 *                   `extra` holds the spec fields Bricks keeps without acting on
 *                   them, verbatim).  `state` is a State name (PENDING, RUNNING, …);
 *                   owner_* is the creator until change-owner.  Times are epoch ms,
 *                   NULL when the event has not happened.  term_* is the last
 *                   termination_reason (params a JSON object).
 *   cluster_events  append-only; seq orders events with equal timestamps; details
 *                   is the EventDetails JSON object.  Deleted with the cluster.
 */
#include "meta/schema.h"

static const meta_migration steps[] = {
    {1, "CREATE TABLE clusters("
        "  cluster_id TEXT PRIMARY KEY,"
        "  cluster_name TEXT NOT NULL DEFAULT '',"
        "  spark_version TEXT NOT NULL,"
        "  node_type_id TEXT NOT NULL,"
        "  driver_node_type_id TEXT NOT NULL,"
        "  num_workers INTEGER NOT NULL DEFAULT 0,"
        "  autoscale_min INTEGER,"
        "  autoscale_max INTEGER,"
        "  autotermination_minutes INTEGER NOT NULL DEFAULT 0,"
        "  spark_conf TEXT,"
        "  custom_tags TEXT,"
        "  spark_env_vars TEXT,"
        "  data_security_mode TEXT,"
        "  single_user_name TEXT,"
        "  extra TEXT,"
        "  cluster_source TEXT NOT NULL DEFAULT 'API',"
        "  owner_id INTEGER NOT NULL,"
        "  owner_name TEXT NOT NULL,"
        "  state TEXT NOT NULL,"
        "  state_message TEXT NOT NULL DEFAULT '',"
        "  is_pinned INTEGER NOT NULL DEFAULT 0,"
        "  created_ms INTEGER NOT NULL,"
        "  start_time INTEGER,"
        "  terminated_time INTEGER,"
        "  last_restarted_time INTEGER,"
        "  last_state_loss_time INTEGER,"
        "  spark_context_id INTEGER,"
        "  term_code TEXT,"
        "  term_type TEXT,"
        "  term_params TEXT);"
        "CREATE INDEX clusters_by_owner ON clusters(owner_id);"
        "CREATE TABLE cluster_events("
        "  seq INTEGER PRIMARY KEY AUTOINCREMENT,"
        "  cluster_id TEXT NOT NULL REFERENCES clusters(cluster_id) ON DELETE CASCADE,"
        "  ts INTEGER NOT NULL,"
        "  type TEXT NOT NULL,"
        "  details TEXT);"
        "CREATE INDEX cluster_events_by_cluster ON cluster_events(cluster_id, ts, seq)"},
};

const meta_schema_group meta_schema_clusters = {"clusters", steps, BK_ARRAY_LEN(steps)};
