/*
 * svc_permissions.h — the generic Permissions API: access control lists on any
 * kind of object (directories, notebooks, files, clusters; jobs … later), with
 * inheritance, as /api/2.0/permissions/{request_object_type}/{id} serves them.
 *
 * Model.  An object type (svc_perm_type) has an ordered list of levels, weakest
 * first (CAN_READ < CAN_RUN < CAN_EDIT < CAN_MANAGE for workspace objects), and a
 * lookup function that resolves an id to a svc_perm_object: its ACL family and id
 * (the key of its rows in acl_entries), its owner, and the object it inherits from.
 * A caller's effective level on an object is the strongest of
 *   - CAN_MANAGE (the last level) when the caller is an admin (or the system) or
 *     the owner of the object or of an ancestor;
 *   - every direct grant to the caller, or to a group the caller belongs to
 *     (transitively), on the object and on each ancestor.
 * Levels are therefore monotone down a tree: what a user may do to a directory
 * they may do to everything under it.
 *
 * Adding an object type is one table entry in svc_permissions.c (types[]) plus a
 * lookup function in the owning service (see src/services/README.md).
 *
 * Reporting (get/set/update) follows Databricks: one entry per principal with
 * all_permissions = its direct grant (inherited false) and every inherited grant
 * (inherited true, inherited_from_object ["/directories/<id>"]); the owner shows as
 * a direct CAN_MANAGE and the group "admins" as CAN_MANAGE inherited from the type's
 * root ("/directories/", "/clusters/" …).
 */
#ifndef BRICKS_SERVICES_SVC_PERMISSIONS_H
#define BRICKS_SERVICES_SVC_PERMISSIONS_H

#include "services/svc.h"

/* What a lookup resolves an object id to (strings in ctx->arena or static). */
typedef struct svc_perm_object {
    const char *acl_type;    /* family of its rows in acl_entries ("workspace", "clusters") */
    const char *acl_id;      /* its id there */
    const char *object_ref;  /* how responses name it: "/notebooks/123" */
    const char *object_type; /* the response's object_type: "notebook" */
    const char *display;     /* for messages: a path, a cluster name */
    int64_t owner_id;        /* 0: none */
    const char *parent_type; /* request type of the object it inherits from; NULL: none */
    const char *parent_id;
} svc_perm_object;

typedef struct svc_perm_type {
    const char *request_type;        /* the URL segment: "directories" */
    const char *root_ref;            /* what admins inherit CAN_MANAGE from: "/directories/" */
    const char *const *levels;       /* weakest first; the last is CAN_MANAGE */
    const char *const *descriptions; /* one per level */
    size_t n_levels;
    /* Resolve `id`: BK_NOT_FOUND when no object of this type has it. */
    bk_status (*lookup)(svc_ctx *ctx, const char *id, svc_perm_object *out, bk_error *err);
} svc_perm_type;

/* The type for a request_object_type; NULL when Bricks has none by that name. */
const svc_perm_type *svc_perm_type_find(const char *request_type);

/*
 * Check a request_object_type: BK_OK with *out; BK_UNSUPPORTED for a type that
 * Databricks has and Bricks does not implement yet (jobs, warehouses …);
 * BK_INVALID_ARGUMENT for a name Databricks does not know either.
 */
bk_status svc_perm_type_get(const char *request_type, const svc_perm_type **out, bk_error *err);

/* Rank of `level` in `t` (1 = weakest … n_levels = CAN_MANAGE); 0 when unknown. */
int svc_perm_rank(const svc_perm_type *t, const char *level);

/*
 * The caller's effective rank (0 = none, n_levels = CAN_MANAGE) on `obj` of type
 * `t`, walking its ancestors through the types' lookups.
 */
bk_status svc_perm_effective(svc_ctx *ctx, const svc_perm_type *t, const svc_perm_object *obj,
                             int *rank, bk_error *err);

/*
 * BK_PERMISSION_DENIED unless the caller's level on `obj` is at least `level`
 * (a level name of `t`).  The message names the user, the level and obj->display.
 */
bk_status svc_perm_require(svc_ctx *ctx, const svc_perm_type *t, const svc_perm_object *obj,
                           const char *level, bk_error *err);

/* One grant in a request: exactly one of user_name, group_name, sp_name is set. */
typedef struct svc_perm_grant {
    const char *user_name, *group_name, *sp_name;
    const char *level;
} svc_perm_grant;

/* One permission of a principal in a response. */
typedef struct svc_perm_level_of {
    const char *level;
    bool inherited;
    const char *inherited_from; /* object_ref of the source, or the type's root */
} svc_perm_level_of;

/* One principal's entry of a response. */
typedef struct svc_perm_entry {
    const char *user_name;  /* a user … */
    const char *group_name; /* … or a group */
    const char *display_name;
    svc_perm_level_of *perms;
    size_t n_perms;
} svc_perm_entry;

typedef struct svc_perm_acl {
    const char *object_id;   /* "/notebooks/123" */
    const char *object_type; /* "notebook" */
    svc_perm_entry *entries;
    size_t n_entries;
} svc_perm_acl;

/* The ACL of object `id` of `request_type`; the caller needs the weakest level on it. */
bk_status svc_perm_get(svc_ctx *ctx, const char *request_type, const char *id,
                       svc_perm_acl *out, bk_error *err);
/*
 * Replace (`replace`: PUT) or merge into (PATCH) the direct grants of the object,
 * then return its ACL.  The caller needs CAN_MANAGE.  BK_INVALID_ARGUMENT for an
 * unknown level or principal, or an entry without exactly one principal.
 */
bk_status svc_perm_set(svc_ctx *ctx, const char *request_type, const char *id,
                       const svc_perm_grant *grants, size_t n, bool replace, svc_perm_acl *out,
                       bk_error *err);
/* The levels of the type (the object must exist and be visible to the caller). */
bk_status svc_perm_levels(svc_ctx *ctx, const char *request_type, const char *id,
                          const svc_perm_type **out, bk_error *err);

/* Delete every direct grant on (acl_type, acl_id), e.g. when the object is deleted. */
bk_status svc_perm_forget(svc_ctx *ctx, const char *acl_type, const char *acl_id, bk_error *err);

#endif
