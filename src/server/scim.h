/*
 * scim.h — SCIM 2.0 protocol pieces shared by the SCIM endpoints (api_scim.c):
 * filters (scim_filter.c), list responses with filter/sort/paging/attribute
 * projection (scim_list.c) and PATCH operations (scim_patch.c).  They all work on
 * a resource's JSON form (jansson), so Users, Groups and later ServicePrincipals
 * share them.
 */
#ifndef BRICKS_SERVER_SCIM_H
#define BRICKS_SERVER_SCIM_H

#include <jansson.h>

#include "server/request.h"

#define SCIM_LIST_SCHEMA "urn:ietf:params:scim:api:messages:2.0:ListResponse"
#define SCIM_PATCH_SCHEMA "urn:ietf:params:scim:api:messages:2.0:PatchOp"

typedef struct scim_filter scim_filter;

/* Parse a filter (the grammar is in scim_filter.c).  BK_INVALID_ARGUMENT on bad syntax. */
bk_status scim_filter_parse(bk_arena *a, const char *text, scim_filter **out, bk_error *err);
bool scim_filter_match(const scim_filter *f, json_t *resource);
/* The member `name[0..len)` of object `obj`, compared case-insensitively; NULL if none. */
json_t *scim_attr(json_t *obj, const char *name, size_t len);

/*
 * Answer a list request from `resources` (each a JSON object; the array is
 * consumed: references are stolen): apply the query's filter, sortBy/sortOrder,
 * startIndex (1-based) and count, then attributes/excludedAttributes, and write
 * the ListResponse.  `default_sort` orders results when sortBy is absent.
 */
bk_status scim_list_respond(srv_request *req, srv_response *res, json_t *resources,
                            bk_error *err);

/*
 * Write one resource as the response, honouring the attributes/excludedAttributes
 * query parameters ("id" and "schemas" are always kept).
 */
bk_status scim_resource_respond(srv_request *req, srv_response *res, json_t *resource,
                                bk_error *err);

/*
 * Apply a PatchOp body ({"schemas": [...], "Operations": [{op, path, value}]}) to
 * `resource` in place.  Supported: add / replace / remove, with no path (value is
 * an object of attributes), a path "attr" or "attr.sub", or a value filter
 * "attr[value eq \"x\"]" (remove / replace matching elements).  Array attributes
 * grow on add (without duplicating an element with the same "value").
 * BK_INVALID_ARGUMENT for anything malformed.
 */
bk_status scim_patch_apply(bk_arena *a, json_t *resource, json_t *body, bk_error *err);

#endif
