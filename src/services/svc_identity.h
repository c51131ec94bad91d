/*
 * svc_identity.h — users and groups (the SCIM model) in the metastore.
 *
 * Users and groups share one id space (the `principals` table), so a group's
 * member list can hold either.  Multi-valued SCIM attributes that carry no meaning
 * for Bricks beyond being stored and returned (emails, roles) are kept as the JSON
 * array text the client sent; entitlements too (checked with
 * svc_principal_has_entitlement).  Names: a userName is unique among users ignoring
 * case; a group displayName is unique among groups.
 *
 * Service principals are users with an applicationId (a UUID, also their userName):
 * they join groups and hold tokens like users, but are listed separately
 * (svc_user_list's `service_principals`) and have no e-mail or name.
 *
 * Every user belongs to the group "users"; admins are the members of "admins".
 * Mutations require an admin caller (BK_PERMISSION_DENIED otherwise); reads are open
 * to every authenticated user, as in Databricks.  The last member of "admins" can be
 * neither removed from it nor deleted.
 */
#ifndef BRICKS_SERVICES_SVC_IDENTITY_H
#define BRICKS_SERVICES_SVC_IDENTITY_H

#include "services/svc.h"

/* A reference to a principal: a group member or a group a principal belongs to. */
typedef struct svc_ref {
    int64_t id;
    const char *display; /* userName of a user, displayName of a group */
    bool is_group;
} svc_ref;

typedef struct svc_user {
    int64_t id;
    const char *user_name;      /* required (for a service principal: its application_id) */
    const char *application_id; /* non-NULL: a service principal (immutable after create) */
    const char *display_name; /* NULL when not set */
    const char *given_name, *family_name, *external_id;
    bool active;
    const char *emails;       /* JSON array text, or NULL */
    const char *entitlements; /* JSON array text, or NULL */
    const char *roles;        /* JSON array text, or NULL */
    svc_ref *groups;          /* groups the user is a direct member of */
    size_t n_groups;
    int64_t created_ms, updated_ms;
    const char *created_by, *updated_by;
} svc_user;

typedef struct svc_group {
    int64_t id;
    const char *display_name; /* required */
    const char *external_id;
    const char *entitlements, *roles; /* JSON array text, or NULL */
    svc_ref *members;                 /* direct members: users and groups */
    size_t n_members;
    svc_ref *groups; /* groups this group is a direct member of */
    size_t n_groups;
    int64_t created_ms, updated_ms;
    const char *created_by, *updated_by;
} svc_group;

/*
 * Create a user from `in` (id, audit fields ignored; in->groups[i].id are groups to
 * join, besides "users").  *out (may be NULL) receives the stored user, in the arena.
 * BK_ALREADY_EXISTS for a taken userName, BK_INVALID_ARGUMENT for an empty or
 * malformed one (not an e-mail-like name) or an unknown group id.
 */
bk_status svc_user_create(svc_ctx *ctx, const svc_user *in, svc_user **out, bk_error *err);
/* The user with `id`; BK_NOT_FOUND when there is none. */
bk_status svc_user_get(svc_ctx *ctx, int64_t id, svc_user **out, bk_error *err);
/* Every user (or every service principal), ordered by id, with their groups. */
bk_status svc_user_list(svc_ctx *ctx, bool service_principals, svc_user **out, size_t *n,
                        bk_error *err);
/*
 * Replace every attribute of user `id` with `in` (SCIM PUT semantics: what `in`
 * leaves NULL is cleared; group membership becomes in->groups plus "users").
 * BK_NOT_FOUND, BK_ALREADY_EXISTS (userName taken), BK_INVALID_ARGUMENT as for create.
 */
bk_status svc_user_replace(svc_ctx *ctx, int64_t id, const svc_user *in, bk_error *err);
/* Delete user `id` with their tokens and memberships.  BK_NOT_FOUND. */
bk_status svc_user_delete(svc_ctx *ctx, int64_t id, bk_error *err);

bk_status svc_group_create(svc_ctx *ctx, const svc_group *in, svc_group **out, bk_error *err);
bk_status svc_group_get(svc_ctx *ctx, int64_t id, svc_group **out, bk_error *err);
bk_status svc_group_list(svc_ctx *ctx, svc_group **out, size_t *n, bk_error *err);
/*
 * Replace group `id` (displayName, externalId, entitlements, roles, members; in->groups
 * is ignored).  Renaming or emptying "admins"/"users" is refused with
 * BK_INVALID_ARGUMENT; a member id that does not exist is BK_INVALID_ARGUMENT.
 */
bk_status svc_group_replace(svc_ctx *ctx, int64_t id, const svc_group *in, bk_error *err);
/* Delete group `id`; the built-in "admins" and "users" cannot be deleted. */
bk_status svc_group_delete(svc_ctx *ctx, int64_t id, bk_error *err);

/* Whether user `user_id` is a direct member of group `group_id`. */
bk_status svc_is_member(svc_ctx *ctx, int64_t group_id, int64_t user_id, bool *out,
                        bk_error *err);
/* Find a user by userName (case-insensitive); BK_NOT_FOUND when there is none. */
bk_status svc_user_find(svc_ctx *ctx, const char *user_name, int64_t *id, bk_error *err);

/* Find a group by displayName (exact); BK_NOT_FOUND when there is none. */
bk_status svc_group_find(svc_ctx *ctx, const char *display_name, int64_t *id, bk_error *err);

/*
 * Every group principal `id` belongs to, directly or through nested groups ("users"
 * included for a user), in the arena, ascending.  For ACL checks: a grant to any of
 * these groups applies to the principal.
 */
bk_status svc_principal_groups(svc_ctx *ctx, int64_t id, int64_t **out, size_t *n,
                               bk_error *err);

/*
 * Whether user `user_id` has entitlement `name` ("allow-cluster-create",
 * "databricks-sql-access", "workspace-access", …): admins have every entitlement;
 * otherwise the user's own entitlements or those of any group it belongs to
 * (transitively) count.
 */
bk_status svc_user_has_entitlement(svc_ctx *ctx, int64_t user_id, const char *name, bool *out,
                                   bk_error *err);

#endif
