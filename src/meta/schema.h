/*
 * schema.h — the table groups of the metastore (one schema_<group>.c each), listed
 * in migrate.c.  Append a declaration per new group.
 */
#ifndef BRICKS_META_SCHEMA_H
#define BRICKS_META_SCHEMA_H

#include "meta/meta.h"

extern const meta_schema_group meta_schema_identity; /* users, groups, members, tokens */
extern const meta_schema_group meta_schema_workspace; /* notebooks, files, directories */
extern const meta_schema_group meta_schema_permissions; /* access control lists of any object */
extern const meta_schema_group meta_schema_clusters; /* clusters, cluster_events */
extern const meta_schema_group meta_schema_secrets;  /* secret scopes, secrets, ACLs */
extern const meta_schema_group meta_schema_dbfs;     /* DBFS streaming handles */

#endif
