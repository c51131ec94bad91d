/*
 * apis.h — the route tables of the API files; router.c searches them in this order.
 * Add one line per new server/api_<service>.c (and its entry in router.c).
 */
#ifndef BRICKS_SERVER_APIS_H
#define BRICKS_SERVER_APIS_H

#include "server/router.h"

extern const srv_route_table srv_api_health; /* api_health.c: /health, config probe */
extern const srv_route_table srv_api_scim;   /* api_scim.c: Me, Users, Groups */
extern const srv_route_table srv_api_tokens; /* api_tokens.c: token, token-management */
extern const srv_route_table srv_api_workspace; /* api_workspace.c: /api/2.0/workspace/... */
extern const srv_route_table srv_api_permissions; /* api_permissions.c: /api/2.0/permissions/... */
extern const srv_route_table srv_api_clusters; /* api_clusters.c: /api/2.0 and 2.1 clusters */
extern const srv_route_table srv_api_secrets; /* api_secrets.c: scopes, secrets, ACLs */
extern const srv_route_table srv_api_dbfs;   /* api_dbfs.c: /api/2.0/dbfs/… */
extern const srv_route_table srv_api_files;  /* api_files.c: /api/2.0/fs/… */

#endif
