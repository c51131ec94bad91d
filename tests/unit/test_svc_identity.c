/*
 * test_svc_identity.c — unit tests for the identity and token services
 * (src/services): bootstrap of a data directory, users and groups, admin-only
 * mutations, the last-admin rule, tokens (create, authenticate, expire, revoke,
 * visibility).
 */
#include "services/svc_identity.h"

#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "services/svc_tokens.h"
#include "test.h"

static bk_error *errp(bk_error *e) { return e; }

typedef struct fixture {
    svc_env *env;
    bk_arena *arena;
    svc_ctx ctx;
    char token[SVC_TOKEN_TEXT_MAX];
    bk_error err;
} fixture;

/* A fresh data directory opened, with a system context (caller NULL). */
static bool setup(fixture *f) {
    memset(f, 0, sizeof *f);
    char dir[600];
    snprintf(dir, sizeof dir, "%s/data", bk_test_tmpdir());
    if (svc_env_open(dir, &f->env, f->token, &f->err) != BK_OK) return false;
    f->arena = bk_arena_new(NULL, "test", 0);
    return svc_ctx_begin(&f->ctx, f->env, f->arena, NULL, &f->err) == BK_OK;
}

static void teardown(fixture *f) {
    svc_ctx_end(&f->ctx);
    bk_arena_free(f->arena);
    svc_env_close(f->env);
}

BK_TEST(svc_env_bootstraps_once) {
    fixture f;
    ASSERT_TRUE(setup(&f));
    ASSERT_EQ(strncmp(f.token, "dapi", 4), 0);
    ASSERT_EQ(strlen(f.token), 4 + 64);
    svc_principal who;
    ASSERT_OK(svc_token_authenticate(&f.ctx, f.token, strlen(f.token), &who, &f.err),
              errp(&f.err));
    ASSERT_STR_EQ(who.user_name, SVC_ADMIN_USER);
    ASSERT_TRUE(who.is_admin);
    char dir[700];
    snprintf(dir, sizeof dir, "%s", f.env->data_dir);
    int64_t ws = f.env->workspace_id;
    char key_path[800];
    snprintf(key_path, sizeof key_path, "%s/secret.key", dir);
    struct stat st;
    ASSERT_EQ(stat(key_path, &st), 0);
    ASSERT_EQ(st.st_mode & 0777, 0600);
    ASSERT_EQ(st.st_size, SVC_KEY_BYTES);
    teardown(&f);
    /* Reopen: no new token, same workspace id, the old token still works. */
    svc_env *env = NULL;
    char again[SVC_TOKEN_TEXT_MAX];
    bk_error err;
    bk_error_clear(&err);
    ASSERT_OK(svc_env_open(dir, &env, again, &err), errp(&err));
    ASSERT_STR_EQ(again, "");
    ASSERT_EQ(env->workspace_id, ws);
    svc_env_close(env);
}

BK_TEST(svc_users_create_get_list_replace_delete) {
    fixture f;
    ASSERT_TRUE(setup(&f));
    svc_user in = {.user_name = "Ann@Example.com", .display_name = "Ann", .active = true};
    svc_user *u = NULL;
    ASSERT_OK(svc_user_create(&f.ctx, &in, &u, &f.err), errp(&f.err));
    ASSERT_STR_EQ(u->user_name, "Ann@Example.com");
    ASSERT_STR_EQ(u->created_by, "system");
    ASSERT_TRUE(u->id >= INT64_C(1000000000000000));
    /* Every user is in "users". */
    ASSERT_EQ(u->n_groups, 1);
    ASSERT_EQ(u->groups[0].id, f.env->users_group_id);
    /* userName is unique ignoring case. */
    svc_user dup = {.user_name = "ann@example.COM", .active = true};
    bk_error_clear(&f.err);
    ASSERT_FAILS(svc_user_create(&f.ctx, &dup, NULL, &f.err), BK_ALREADY_EXISTS);
    ASSERT_CONTAINS(f.err.msg, "already exists");
    svc_user bad = {.user_name = "has space", .active = true};
    bk_error_clear(&f.err);
    ASSERT_FAILS(svc_user_create(&f.ctx, &bad, NULL, &f.err), BK_INVALID_ARGUMENT);
    svc_user empty = {.user_name = "", .active = true};
    ASSERT_FAILS(svc_user_create(&f.ctx, &empty, NULL, &f.err), BK_INVALID_ARGUMENT);

    int64_t found = 0;
    ASSERT_OK(svc_user_find(&f.ctx, "ANN@example.com", &found, &f.err), errp(&f.err));
    ASSERT_EQ(found, u->id);

    svc_user *all = NULL;
    size_t n = 0;
    ASSERT_OK(svc_user_list(&f.ctx, false, &all, &n, &f.err), errp(&f.err));
    ASSERT_EQ(n, 2); /* the admin and Ann */

    svc_ref admins = {.id = f.env->admins_group_id, .is_group = true};
    svc_user repl = {.user_name = "ann2@example.com", .active = false, .groups = &admins,
                     .n_groups = 1};
    ASSERT_OK(svc_user_replace(&f.ctx, u->id, &repl, &f.err), errp(&f.err));
    svc_user *got = NULL;
    ASSERT_OK(svc_user_get(&f.ctx, u->id, &got, &f.err), errp(&f.err));
    ASSERT_STR_EQ(got->user_name, "ann2@example.com");
    ASSERT_TRUE(!got->active);
    ASSERT_TRUE(got->display_name == NULL); /* PUT clears what it leaves out */
    ASSERT_EQ(got->n_groups, 2);

    ASSERT_OK(svc_user_delete(&f.ctx, u->id, &f.err), errp(&f.err));
    bk_error_clear(&f.err);
    ASSERT_FAILS(svc_user_get(&f.ctx, u->id, &got, &f.err), BK_NOT_FOUND);
    ASSERT_FAILS(svc_user_delete(&f.ctx, u->id, &f.err), BK_NOT_FOUND);
    teardown(&f);
}

BK_TEST(svc_non_admin_cannot_mutate) {
    fixture f;
    ASSERT_TRUE(setup(&f));
    svc_user in = {.user_name = "bob@example.com", .active = true};
    svc_user *bob = NULL;
    ASSERT_OK(svc_user_create(&f.ctx, &in, &bob, &f.err), errp(&f.err));
    svc_principal as_bob = {.user_id = bob->id, .user_name = bob->user_name};
    f.ctx.caller = &as_bob;
    svc_user other = {.user_name = "eve@example.com", .active = true};
    bk_error_clear(&f.err);
    ASSERT_FAILS(svc_user_create(&f.ctx, &other, NULL, &f.err), BK_PERMISSION_DENIED);
    ASSERT_CONTAINS(f.err.msg, "bob@example.com");
    svc_group g = {.display_name = "bobs"};
    ASSERT_FAILS(svc_group_create(&f.ctx, &g, NULL, &f.err), BK_PERMISSION_DENIED);
    ASSERT_FAILS(svc_user_delete(&f.ctx, bob->id, &f.err), BK_PERMISSION_DENIED);
    /* Reads are open. */
    svc_user *all = NULL;
    size_t n = 0;
    ASSERT_OK(svc_user_list(&f.ctx, false, &all, &n, &f.err), errp(&f.err));
    ASSERT_EQ(n, 2);
    teardown(&f);
}

BK_TEST(svc_last_admin_is_kept) {
    fixture f;
    ASSERT_TRUE(setup(&f));
    int64_t admin = 0;
    ASSERT_OK(svc_user_find(&f.ctx, SVC_ADMIN_USER, &admin, &f.err), errp(&f.err));
    bk_error_clear(&f.err);
    ASSERT_FAILS(svc_user_delete(&f.ctx, admin, &f.err), BK_INVALID_ARGUMENT);
    ASSERT_CONTAINS(f.err.msg, "at least one admin");
    svc_user drop = {.user_name = SVC_ADMIN_USER, .active = true};
    bk_error_clear(&f.err);
    ASSERT_FAILS(svc_user_replace(&f.ctx, admin, &drop, &f.err), BK_INVALID_ARGUMENT);
    /* Nothing changed: still an admin. */
    bool member = false;
    ASSERT_OK(svc_is_member(&f.ctx, f.env->admins_group_id, admin, &member, &f.err),
              errp(&f.err));
    ASSERT_TRUE(member);
    bk_error_clear(&f.err);
    ASSERT_FAILS(svc_group_delete(&f.ctx, f.env->admins_group_id, &f.err), BK_INVALID_ARGUMENT);
    teardown(&f);
}

BK_TEST(svc_groups_members_and_names) {
    fixture f;
    ASSERT_TRUE(setup(&f));
    svc_user in = {.user_name = "carl@example.com", .active = true};
    svc_user *carl = NULL;
    ASSERT_OK(svc_user_create(&f.ctx, &in, &carl, &f.err), errp(&f.err));
    svc_ref m = {.id = carl->id};
    svc_group g = {.display_name = "data-eng", .members = &m, .n_members = 1};
    svc_group *made = NULL;
    ASSERT_OK(svc_group_create(&f.ctx, &g, &made, &f.err), errp(&f.err));
    ASSERT_EQ(made->n_members, 1);
    ASSERT_STR_EQ(made->members[0].display, "carl@example.com");
    ASSERT_TRUE(!made->members[0].is_group);
    bk_error_clear(&f.err);
    ASSERT_FAILS(svc_group_create(&f.ctx, &g, NULL, &f.err), BK_ALREADY_EXISTS);
    /* A nested group and an unknown member. */
    svc_ref sub = {.id = made->id};
    svc_group outer = {.display_name = "all-eng", .members = &sub, .n_members = 1};
    svc_group *o = NULL;
    ASSERT_OK(svc_group_create(&f.ctx, &outer, &o, &f.err), errp(&f.err));
    ASSERT_TRUE(o->members[0].is_group);
    svc_group *again = NULL;
    ASSERT_OK(svc_group_get(&f.ctx, made->id, &again, &f.err), errp(&f.err));
    ASSERT_EQ(again->n_groups, 1);
    ASSERT_STR_EQ(again->groups[0].display, "all-eng");
    svc_ref ghost = {.id = 42};
    svc_group bad = {.display_name = "ghosts", .members = &ghost, .n_members = 1};
    bk_error_clear(&f.err);
    ASSERT_FAILS(svc_group_create(&f.ctx, &bad, NULL, &f.err), BK_INVALID_ARGUMENT);
    /* The failed create left nothing behind. */
    svc_group *groups = NULL;
    size_t n = 0;
    ASSERT_OK(svc_group_list(&f.ctx, &groups, &n, &f.err), errp(&f.err));
    ASSERT_EQ(n, 4); /* users, admins, data-eng, all-eng */
    /* Renaming a built-in group is refused. */
    svc_group rename = {.display_name = "everyone"};
    bk_error_clear(&f.err);
    ASSERT_FAILS(svc_group_replace(&f.ctx, f.env->users_group_id, &rename, &f.err),
                 BK_INVALID_ARGUMENT);
    ASSERT_OK(svc_group_delete(&f.ctx, made->id, &f.err), errp(&f.err));
    ASSERT_OK(svc_group_get(&f.ctx, o->id, &o, &f.err), errp(&f.err));
    ASSERT_EQ(o->n_members, 0);
    teardown(&f);
}

BK_TEST(svc_tokens_lifecycle) {
    fixture f;
    ASSERT_TRUE(setup(&f));
    svc_user in = {.user_name = "dora@example.com", .active = true};
    svc_user *dora = NULL;
    ASSERT_OK(svc_user_create(&f.ctx, &in, &dora, &f.err), errp(&f.err));
    char text[SVC_TOKEN_TEXT_MAX];
    svc_token_info info;
    ASSERT_OK(svc_token_create(&f.ctx, dora->id, "ci", 3600, text, &info, &f.err), errp(&f.err));
    ASSERT_EQ(info.expiry_ms - info.created_ms, 3600 * 1000);
    ASSERT_EQ(strlen(info.token_id), SVC_TOKEN_ID_LEN);
    svc_principal who;
    ASSERT_OK(svc_token_authenticate(&f.ctx, text, strlen(text), &who, &f.err), errp(&f.err));
    ASSERT_EQ(who.user_id, dora->id);
    ASSERT_TRUE(!who.is_admin);
    ASSERT_STR_EQ(who.token_id, info.token_id);
    /* One changed character is not a token. */
    text[10] = text[10] == 'a' ? 'b' : 'a';
    bk_error_clear(&f.err);
    ASSERT_FAILS(svc_token_authenticate(&f.ctx, text, strlen(text), &who, &f.err),
                 BK_UNAUTHENTICATED);

    /* Dora sees her own tokens only, and cannot list everyone's. */
    svc_principal as_dora = {.user_id = dora->id, .user_name = dora->user_name};
    f.ctx.caller = &as_dora;
    svc_token_info *list = NULL;
    size_t n = 0;
    ASSERT_OK(svc_token_list(&f.ctx, dora->id, 0, NULL, &list, &n, &f.err), errp(&f.err));
    ASSERT_EQ(n, 1);
    ASSERT_STR_EQ(list[0].comment, "ci");
    bk_error_clear(&f.err);
    ASSERT_FAILS(svc_token_list(&f.ctx, 0, 0, NULL, &list, &n, &f.err), BK_PERMISSION_DENIED);
    int64_t admin = 0;
    ASSERT_OK(svc_user_find(&f.ctx, SVC_ADMIN_USER, &admin, &f.err), errp(&f.err));
    ASSERT_FAILS(svc_token_create(&f.ctx, admin, NULL, 0, text, &info, &f.err),
                 BK_PERMISSION_DENIED);
    /* The admin's token is invisible to her. */
    f.ctx.caller = NULL;
    ASSERT_OK(svc_token_list(&f.ctx, admin, 0, NULL, &list, &n, &f.err), errp(&f.err));
    ASSERT_EQ(n, 1);
    char admin_token_id[SVC_TOKEN_ID_LEN + 1];
    snprintf(admin_token_id, sizeof admin_token_id, "%s", list[0].token_id);
    f.ctx.caller = &as_dora;
    bk_error_clear(&f.err);
    ASSERT_FAILS(svc_token_delete(&f.ctx, admin_token_id, &f.err), BK_NOT_FOUND);
    f.ctx.caller = NULL;

    /* Too long a lifetime; an expired token; a revoked token. */
    bk_error_clear(&f.err);
    ASSERT_FAILS(svc_token_create(&f.ctx, dora->id, NULL, SVC_TOKEN_MAX_LIFETIME_S + 1, text,
                                  &info, &f.err),
                 BK_INVALID_ARGUMENT);
    ASSERT_OK(svc_token_create(&f.ctx, dora->id, "short", 1, text, &info, &f.err), errp(&f.err));
    ASSERT_OK(meta_exec(f.ctx.conn, "UPDATE tokens SET expiry_ms = 1 WHERE comment = 'short'",
                        &f.err),
              errp(&f.err));
    bk_error_clear(&f.err);
    ASSERT_FAILS(svc_token_authenticate(&f.ctx, text, strlen(text), &who, &f.err),
                 BK_UNAUTHENTICATED);
    ASSERT_OK(svc_token_create(&f.ctx, dora->id, "revoke-me", 0, text, &info, &f.err),
              errp(&f.err));
    ASSERT_EQ(info.expiry_ms, -1);
    ASSERT_OK(svc_token_delete(&f.ctx, info.token_id, &f.err), errp(&f.err));
    bk_error_clear(&f.err);
    ASSERT_FAILS(svc_token_authenticate(&f.ctx, text, strlen(text), &who, &f.err),
                 BK_UNAUTHENTICATED);
    /* Deleting the user deletes her tokens. */
    ASSERT_OK(svc_user_delete(&f.ctx, dora->id, &f.err), errp(&f.err));
    ASSERT_OK(svc_token_list(&f.ctx, 0, 0, NULL, &list, &n, &f.err), errp(&f.err));
    ASSERT_EQ(n, 1); /* the admin's */
    teardown(&f);
}

BK_TEST(svc_transitive_groups_and_entitlements) {
    fixture f;
    ASSERT_TRUE(setup(&f));
    svc_user in = {.user_name = "erin@example.com", .active = true};
    svc_user *erin = NULL;
    ASSERT_OK(svc_user_create(&f.ctx, &in, &erin, &f.err), errp(&f.err));
    svc_ref m = {.id = erin->id};
    svc_group team = {.display_name = "team", .members = &m, .n_members = 1};
    svc_group *t = NULL;
    ASSERT_OK(svc_group_create(&f.ctx, &team, &t, &f.err), errp(&f.err));
    svc_ref sub = {.id = t->id};
    svc_group org = {.display_name = "org", .members = &sub, .n_members = 1,
                     .entitlements = "[{\"value\": \"allow-cluster-create\"}]"};
    svc_group *o = NULL;
    ASSERT_OK(svc_group_create(&f.ctx, &org, &o, &f.err), errp(&f.err));
    int64_t found = 0;
    ASSERT_OK(svc_group_find(&f.ctx, "org", &found, &f.err), errp(&f.err));
    ASSERT_EQ(found, o->id);
    bk_error_clear(&f.err);
    ASSERT_FAILS(svc_group_find(&f.ctx, "ORG", &found, &f.err), BK_NOT_FOUND);
    int64_t *ids = NULL;
    size_t n = 0;
    ASSERT_OK(svc_principal_groups(&f.ctx, erin->id, &ids, &n, &f.err), errp(&f.err));
    ASSERT_EQ(n, 3); /* users, team, org */
    bool has_users = false, has_team = false, has_org = false;
    for (size_t i = 0; i < n; i++) {
        has_users |= ids[i] == f.env->users_group_id;
        has_team |= ids[i] == t->id;
        has_org |= ids[i] == o->id;
    }
    ASSERT_TRUE(has_users && has_team && has_org);
    bool ok = false;
    ASSERT_OK(svc_user_has_entitlement(&f.ctx, erin->id, "allow-cluster-create", &ok, &f.err),
              errp(&f.err));
    ASSERT_TRUE(ok); /* inherited from org through team */
    ASSERT_OK(svc_user_has_entitlement(&f.ctx, erin->id, "databricks-sql-access", &ok, &f.err),
              errp(&f.err));
    ASSERT_TRUE(ok); /* every user has it through "users" */
    ASSERT_OK(svc_user_has_entitlement(&f.ctx, erin->id, "allow-instance-pool-create", &ok,
                                       &f.err),
              errp(&f.err));
    ASSERT_TRUE(!ok);
    int64_t admin = 0;
    ASSERT_OK(svc_user_find(&f.ctx, SVC_ADMIN_USER, &admin, &f.err), errp(&f.err));
    ASSERT_OK(svc_user_has_entitlement(&f.ctx, admin, "anything", &ok, &f.err), errp(&f.err));
    ASSERT_TRUE(ok);
    /* A membership cycle terminates. */
    svc_ref back = {.id = o->id};
    svc_group team2 = {.display_name = "team", .members = (svc_ref[]){m, back}, .n_members = 2};
    ASSERT_OK(svc_group_replace(&f.ctx, t->id, &team2, &f.err), errp(&f.err));
    ASSERT_OK(svc_principal_groups(&f.ctx, erin->id, &ids, &n, &f.err), errp(&f.err));
    ASSERT_EQ(n, 3);
    teardown(&f);
}

BK_TEST(svc_service_principals) {
    fixture f;
    ASSERT_TRUE(setup(&f));
    const char *app = "9d7c5f3e-1a2b-4c3d-8e9f-0a1b2c3d4e5f";
    svc_user in = {.user_name = app, .application_id = app, .display_name = "robot",
                   .active = true};
    svc_user *sp = NULL;
    ASSERT_OK(svc_user_create(&f.ctx, &in, &sp, &f.err), errp(&f.err));
    ASSERT_STR_EQ(sp->application_id, app);
    svc_user *list = NULL;
    size_t n = 0;
    ASSERT_OK(svc_user_list(&f.ctx, true, &list, &n, &f.err), errp(&f.err));
    ASSERT_EQ(n, 1);
    ASSERT_EQ(list[0].id, sp->id);
    ASSERT_OK(svc_user_list(&f.ctx, false, &list, &n, &f.err), errp(&f.err));
    ASSERT_EQ(n, 1); /* only the admin */
    bk_error_clear(&f.err);
    ASSERT_FAILS(svc_user_create(&f.ctx, &in, NULL, &f.err), BK_ALREADY_EXISTS);
    ASSERT_CONTAINS(f.err.msg, "Service principal");
    /* The applicationId is fixed. */
    svc_user moved = {.user_name = "other-app", .active = true};
    bk_error_clear(&f.err);
    ASSERT_FAILS(svc_user_replace(&f.ctx, sp->id, &moved, &f.err), BK_INVALID_ARGUMENT);
    /* It holds tokens like a user. */
    char text[SVC_TOKEN_TEXT_MAX];
    svc_token_info info;
    ASSERT_OK(svc_token_create(&f.ctx, sp->id, NULL, 0, text, &info, &f.err), errp(&f.err));
    svc_principal who;
    ASSERT_OK(svc_token_authenticate(&f.ctx, text, strlen(text), &who, &f.err), errp(&f.err));
    ASSERT_STR_EQ(who.user_name, app);
    teardown(&f);
}

/*
 * The auth cache (svc_tokens.c) never outlives a write: a token that just
 * authenticated (and is cached) fails on the next call once revoked or once its
 * user is deactivated, and admin rights follow the admins group at once.
 */
BK_TEST(svc_token_cache_follows_writes) {
    fixture f;
    ASSERT_TRUE(setup(&f));
    svc_user in = {.user_name = "cache@example.com", .active = true};
    svc_user *u = NULL;
    ASSERT_OK(svc_user_create(&f.ctx, &in, &u, &f.err), errp(&f.err));
    char text[SVC_TOKEN_TEXT_MAX];
    svc_token_info info;
    ASSERT_OK(svc_token_create(&f.ctx, u->id, "c", 0, text, &info, &f.err), errp(&f.err));
    svc_principal who;
    char sql[200];
    for (int round = 0; round < 2; round++) { /* the second round is served by the cache */
        ASSERT_OK(svc_token_authenticate(&f.ctx, text, strlen(text), &who, &f.err),
                  errp(&f.err));
        ASSERT_EQ(who.user_id, u->id);
        ASSERT_STR_EQ(who.user_name, "cache@example.com");
        ASSERT_STR_EQ(who.token_id, info.token_id);
        ASSERT_TRUE(!who.is_admin);
    }
    /* Joining admins: admin on the very next call. */
    snprintf(sql, sizeof sql, "INSERT INTO group_members(group_id, member_id) VALUES (%lld, %lld)",
             (long long)f.env->admins_group_id, (long long)u->id);
    ASSERT_OK(meta_exec(f.ctx.conn, sql, &f.err), errp(&f.err));
    ASSERT_OK(svc_token_authenticate(&f.ctx, text, strlen(text), &who, &f.err), errp(&f.err));
    ASSERT_TRUE(who.is_admin);
    /* Deactivated: refused at once; reactivated: accepted again. */
    snprintf(sql, sizeof sql, "UPDATE principals SET active = 0 WHERE id = %lld",
             (long long)u->id);
    ASSERT_OK(meta_exec(f.ctx.conn, sql, &f.err), errp(&f.err));
    bk_error_clear(&f.err);
    ASSERT_FAILS(svc_token_authenticate(&f.ctx, text, strlen(text), &who, &f.err),
                 BK_UNAUTHENTICATED);
    snprintf(sql, sizeof sql, "UPDATE principals SET active = 1 WHERE id = %lld",
             (long long)u->id);
    ASSERT_OK(meta_exec(f.ctx.conn, sql, &f.err), errp(&f.err));
    ASSERT_OK(svc_token_authenticate(&f.ctx, text, strlen(text), &who, &f.err), errp(&f.err));
    /* Revoked while cached: refused on the next call. */
    ASSERT_OK(svc_token_delete(&f.ctx, info.token_id, &f.err), errp(&f.err));
    bk_error_clear(&f.err);
    ASSERT_FAILS(svc_token_authenticate(&f.ctx, text, strlen(text), &who, &f.err),
                 BK_UNAUTHENTICATED);
    /* A write through another pooled connection retires the entry too. */
    ASSERT_OK(svc_token_create(&f.ctx, u->id, "d", 0, text, &info, &f.err), errp(&f.err));
    ASSERT_OK(svc_token_authenticate(&f.ctx, text, strlen(text), &who, &f.err), errp(&f.err));
    meta_conn *other = meta_conn_get(f.env->db, &f.err);
    ASSERT_TRUE(other != NULL);
    snprintf(sql, sizeof sql, "DELETE FROM tokens WHERE token_id = '%s'", info.token_id);
    ASSERT_OK(meta_exec(other, sql, &f.err), errp(&f.err));
    meta_conn_put(f.env->db, other);
    bk_error_clear(&f.err);
    ASSERT_FAILS(svc_token_authenticate(&f.ctx, text, strlen(text), &who, &f.err),
                 BK_UNAUTHENTICATED);
    teardown(&f);
}
