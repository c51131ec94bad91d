/*
 * svc_clusters_int.h — what svc_clusters.c (the API side) and svc_cluster_mgr.c
 * (the manager and its pools) share.  Private to those two files.
 */
#ifndef BRICKS_SERVICES_SVC_CLUSTERS_INT_H
#define BRICKS_SERVICES_SVC_CLUSTERS_INT_H

#include <jansson.h>

#include "services/svc_clusters.h"

#define SVC_CLUSTER_MINUTE_MS 60000

/*
 * Append an event to the cluster's log at `ts`.  Takes ownership of `details` (a
 * JSON object, or NULL for {}).  Runs in the caller's transaction, if any.
 */
bk_status svc_cl_event(svc_ctx *ctx, const char *cluster_id, int64_t ts, const char *type,
                       json_t *details, bk_error *err);

/* `v` as compact JSON text in the arena (NULL on OOM). */
char *svc_cl_json_dump(bk_arena *a, const json_t *v);

/* A string map as a JSON object (new reference; NULL on OOM). */
json_t *svc_cl_kvs_json(const svc_kvs *m);

/* The length of one autotermination minute for a cluster with this spark_conf. */
int64_t svc_cl_minute_ms(const svc_kvs *spark_conf);

/* Worker threads of the cluster's running pool (0 without one or without a manager). */
int svc_cl_live_workers(svc_env *env, const char *cluster_id);

/* The number of workers a spec runs (autoscale: min_workers). */
int svc_cl_target_workers(const svc_cluster_spec *spec);

#endif
