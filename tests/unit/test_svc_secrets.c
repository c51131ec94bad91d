/*
 * test_svc_secrets.c — unit tests for the secrets service (src/services/svc_secrets.c):
 * scope and key names, put/get round trips of arbitrary bytes, what the metastore
 * actually stores (sealed, never plaintext; bound to its row and to the key file),
 * READ/WRITE/MANAGE levels for users and nested groups, admins, limits, and that a
 * failed call changes nothing.
 */
#include "services/svc_secrets.h"

#include <stdio.h>
#include <string.h>

#include "services/svc_identity.h"
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

/* A fresh data directory with a system context (caller NULL: MANAGE everywhere). */
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

/* A new non-admin user as a caller (the principal lives in *p). */
static bool make_caller(fixture *f, const char *user_name, svc_principal *p) {
    svc_user in = {.user_name = user_name, .active = true};
    svc_user *u = NULL;
    const svc_principal *saved = f->ctx.caller;
    f->ctx.caller = NULL;
    bool ok = svc_user_create(&f->ctx, &in, &u, &f->err) == BK_OK;
    f->ctx.caller = saved;
    if (!ok) return false;
    *p = (svc_principal){.user_id = u->id, .user_name = u->user_name, .is_admin = false};
    return true;
}

/* The sealed blob stored for `key` (any scope), copied into the arena. */
static const uint8_t *stored(fixture *f, const char *key, size_t *len) {
    meta_stmt *s = meta_prepare(f->ctx.conn, "SELECT sealed FROM secrets WHERE key = ?1", &f->err);
    if (!s) return NULL;
    const uint8_t *out = NULL;
    if (meta_bind_text(s, 1, key, &f->err) == BK_OK && meta_step(s, &f->err) == META_ROW) {
        const void *blob = meta_col_blob(s, 0, len);
        uint8_t *copy = bk_arena_alloc(f->arena, *len ? *len : 1);
        if (copy && blob) memcpy(copy, blob, *len);
        out = copy;
    }
    meta_done(s);
    return out;
}

static bool overwrite(fixture *f, const char *key, const uint8_t *blob, size_t len) {
    meta_stmt *s = meta_prepare(f->ctx.conn, "UPDATE secrets SET sealed = ?1 WHERE key = ?2",
                                &f->err);
    if (!s) return false;
    bool ok = meta_bind_blob(s, 1, blob, len, &f->err) == BK_OK &&
              meta_bind_text(s, 2, key, &f->err) == BK_OK;
    if (!ok) {
        meta_done(s);
        return false;
    }
    return meta_run(s, &f->err) == BK_OK;
}

static bool has_bytes(const uint8_t *hay, size_t n, const void *needle, size_t m) {
    for (size_t i = 0; m <= n && i <= n - m; i++)
        if (memcmp(hay + i, needle, m) == 0) return true;
    return false;
}

BK_TEST(svc_secret_perm_names) {
    svc_secret_perm p = SVC_SECRET_NONE;
    ASSERT_TRUE(svc_secret_perm_parse("READ", &p));
    ASSERT_EQ(p, SVC_SECRET_READ);
    ASSERT_TRUE(svc_secret_perm_parse("MANAGE", &p));
    ASSERT_EQ(p, SVC_SECRET_MANAGE);
    ASSERT_TRUE(!svc_secret_perm_parse("read", &p));
    ASSERT_TRUE(!svc_secret_perm_parse("OWNER", &p));
    ASSERT_TRUE(!svc_secret_perm_parse(NULL, &p));
    ASSERT_STR_EQ(svc_secret_perm_name(SVC_SECRET_WRITE), "WRITE");
    ASSERT_TRUE(svc_secret_perm_name(SVC_SECRET_NONE) == NULL);
    ASSERT_TRUE(SVC_SECRET_READ < SVC_SECRET_WRITE && SVC_SECRET_WRITE < SVC_SECRET_MANAGE);
}

BK_TEST(svc_secret_scope_names_and_uniqueness) {
    fixture f;
    ASSERT_TRUE(setup(&f));
    char longest[SVC_SECRET_NAME_MAX + 2];
    memset(longest, 'a', sizeof longest);
    longest[SVC_SECRET_NAME_MAX] = '\0';
    ASSERT_OK(svc_secret_scope_create(&f.ctx, longest, NULL, NULL, &f.err), errp(&f.err));
    ASSERT_OK(svc_secret_scope_create(&f.ctx, "Team.A-b_c@x", NULL, "DATABRICKS", &f.err),
              errp(&f.err));
    longest[SVC_SECRET_NAME_MAX] = 'a';
    longest[SVC_SECRET_NAME_MAX + 1] = '\0';
    ASSERT_FAILS(svc_secret_scope_create(&f.ctx, longest, NULL, NULL, &f.err),
                 BK_INVALID_ARGUMENT);
    const char *bad[] = {"", "a b", "a/b", "a:b", "caf\xc3\xa9", "a\nb"};
    for (size_t i = 0; i < BK_ARRAY_LEN(bad); i++) {
        bk_error_clear(&f.err);
        ASSERT_FAILS(svc_secret_scope_create(&f.ctx, bad[i], NULL, NULL, &f.err),
                     BK_INVALID_ARGUMENT);
        ASSERT_CONTAINS(f.err.msg, "Invalid scope name");
    }
    bk_error_clear(&f.err);
    ASSERT_FAILS(svc_secret_scope_create(&f.ctx, "team.a-B_C@X", NULL, NULL, &f.err),
                 BK_ALREADY_EXISTS);
    ASSERT_STR_EQ(f.err.msg, "Scope team.a-B_C@X already exists!");
    bk_error_clear(&f.err);
    ASSERT_FAILS(svc_secret_scope_create(&f.ctx, "akv", NULL, "AZURE_KEYVAULT", &f.err),
                 BK_INVALID_ARGUMENT);
    ASSERT_STR_EQ(f.err.msg, "Scope with Azure KeyVault must have userAADToken defined!");
    bk_error_clear(&f.err);
    ASSERT_FAILS(svc_secret_scope_create(&f.ctx, "other", NULL, "VAULT", &f.err),
                 BK_INVALID_ARGUMENT);
    svc_secret_scope *scopes;
    size_t n;
    ASSERT_OK(svc_secret_scope_list(&f.ctx, &scopes, &n, &f.err), errp(&f.err));
    ASSERT_EQ(n, 2);
    ASSERT_STR_EQ(scopes[1].name, "Team.A-b_c@x"); /* kept as first spelled */
    ASSERT_STR_EQ(scopes[1].backend, "DATABRICKS");
    /* Looked up ignoring case too. */
    ASSERT_OK(svc_secret_scope_delete(&f.ctx, "TEAM.A-B_C@X", &f.err), errp(&f.err));
    ASSERT_FAILS(svc_secret_scope_delete(&f.ctx, "Team.A-b_c@x", &f.err), BK_NOT_FOUND);
    teardown(&f);
}

BK_TEST(svc_secret_round_trip_bytes) {
    fixture f;
    ASSERT_TRUE(setup(&f));
    ASSERT_OK(svc_secret_scope_create(&f.ctx, "s", NULL, NULL, &f.err), errp(&f.err));
    uint8_t all[256];
    for (int i = 0; i < 256; i++) all[i] = (uint8_t)i;
    ASSERT_OK(svc_secret_put(&f.ctx, "s", "bin", all, sizeof all, &f.err), errp(&f.err));
    ASSERT_OK(svc_secret_put(&f.ctx, "s", "empty", "", 0, &f.err), errp(&f.err));
    uint8_t *v;
    size_t len;
    ASSERT_OK(svc_secret_get(&f.ctx, "s", "bin", &v, &len, &f.err), errp(&f.err));
    ASSERT_EQ(len, 256);
    ASSERT_EQ(memcmp(v, all, 256), 0);
    ASSERT_OK(svc_secret_get(&f.ctx, "s", "empty", &v, &len, &f.err), errp(&f.err));
    ASSERT_EQ(len, 0);
    /* Overwrite. */
    ASSERT_OK(svc_secret_put(&f.ctx, "s", "bin", "new", 3, &f.err), errp(&f.err));
    ASSERT_OK(svc_secret_get(&f.ctx, "s", "bin", &v, &len, &f.err), errp(&f.err));
    ASSERT_EQ(len, 3);
    ASSERT_EQ(memcmp(v, "new", 3), 0);
    svc_secret_meta *keys;
    size_t n;
    ASSERT_OK(svc_secret_list(&f.ctx, "s", &keys, &n, &f.err), errp(&f.err));
    ASSERT_EQ(n, 2);
    ASSERT_STR_EQ(keys[0].key, "bin");
    ASSERT_STR_EQ(keys[1].key, "empty");
    ASSERT_TRUE(keys[0].updated_ms > 0);
    ASSERT_OK(svc_secret_delete(&f.ctx, "s", "bin", &f.err), errp(&f.err));
    ASSERT_FAILS(svc_secret_get(&f.ctx, "s", "bin", &v, &len, &f.err), BK_NOT_FOUND);
    ASSERT_FAILS(svc_secret_delete(&f.ctx, "s", "bin", &f.err), BK_NOT_FOUND);
    ASSERT_FAILS(svc_secret_put(&f.ctx, "nope", "k", "v", 1, &f.err), BK_NOT_FOUND);
    /* Key names: no '@' (unlike scopes), at most 128. */
    ASSERT_FAILS(svc_secret_put(&f.ctx, "s", "a@b", "v", 1, &f.err), BK_INVALID_ARGUMENT);
    ASSERT_FAILS(svc_secret_put(&f.ctx, "s", "", "v", 1, &f.err), BK_INVALID_ARGUMENT);
    teardown(&f);
}

BK_TEST(svc_secret_value_size_limit) {
    fixture f;
    ASSERT_TRUE(setup(&f));
    ASSERT_OK(svc_secret_scope_create(&f.ctx, "s", NULL, NULL, &f.err), errp(&f.err));
    uint8_t *big = bk_arena_alloc(f.arena, SVC_SECRET_MAX_VALUE + 1);
    ASSERT_TRUE(big != NULL);
    memset(big, 'x', SVC_SECRET_MAX_VALUE + 1);
    ASSERT_OK(svc_secret_put(&f.ctx, "s", "max", big, SVC_SECRET_MAX_VALUE, &f.err),
              errp(&f.err));
    bk_error_clear(&f.err);
    ASSERT_FAILS(svc_secret_put(&f.ctx, "s", "over", big, SVC_SECRET_MAX_VALUE + 1, &f.err),
                 BK_INVALID_ARGUMENT);
    ASSERT_CONTAINS(f.err.msg, "131073 bytes");
    uint8_t *v;
    size_t len;
    ASSERT_FAILS(svc_secret_get(&f.ctx, "s", "over", &v, &len, &f.err), BK_NOT_FOUND);
    teardown(&f);
}

BK_TEST(svc_secret_stored_sealed) {
    fixture f;
    ASSERT_TRUE(setup(&f));
    ASSERT_OK(svc_secret_scope_create(&f.ctx, "s", NULL, NULL, &f.err), errp(&f.err));
    const char plain[] = "correct horse battery staple";
    size_t plen = sizeof plain - 1;
    ASSERT_OK(svc_secret_put(&f.ctx, "s", "a", plain, plen, &f.err), errp(&f.err));
    size_t len_a = 0;
    const uint8_t *a = stored(&f, "a", &len_a);
    ASSERT_TRUE(a != NULL);
    ASSERT_EQ(len_a, 1 + 24 + plen + 16);
    ASSERT_EQ(a[0], 1);
    ASSERT_TRUE(!has_bytes(a, len_a, plain, plen));
    ASSERT_TRUE(!has_bytes(a, len_a, "horse", 5));
    /* The same value again: a fresh nonce, so different bytes. */
    ASSERT_OK(svc_secret_put(&f.ctx, "s", "b", plain, plen, &f.err), errp(&f.err));
    size_t len_b = 0;
    const uint8_t *b = stored(&f, "b", &len_b);
    ASSERT_TRUE(b != NULL && len_b == len_a);
    ASSERT_TRUE(memcmp(a + 1, b + 1, 24) != 0);
    ASSERT_TRUE(memcmp(a + 25, b + 25, len_a - 25) != 0);
    /* A sealed value copied to another row does not open there (associated data). */
    ASSERT_TRUE(overwrite(&f, "b", a, len_a));
    uint8_t *v;
    size_t len;
    ASSERT_FAILS(svc_secret_get(&f.ctx, "s", "b", &v, &len, &f.err), BK_CORRUPT);
    /* A flipped ciphertext bit is detected. */
    uint8_t *flipped = bk_arena_alloc(f.arena, len_a);
    memcpy(flipped, a, len_a);
    flipped[30] ^= 1;
    ASSERT_TRUE(overwrite(&f, "a", flipped, len_a));
    ASSERT_FAILS(svc_secret_get(&f.ctx, "s", "a", &v, &len, &f.err), BK_CORRUPT);
    ASSERT_TRUE(overwrite(&f, "a", a, len_a));
    ASSERT_OK(svc_secret_get(&f.ctx, "s", "a", &v, &len, &f.err), errp(&f.err));
    ASSERT_EQ(len, plen);
    ASSERT_EQ(memcmp(v, plain, plen), 0);
    /* Another key file cannot open it. */
    f.env->secret_key[0] ^= 0x80;
    bk_error_clear(&f.err);
    ASSERT_FAILS(svc_secret_get(&f.ctx, "s", "a", &v, &len, &f.err), BK_CORRUPT);
    ASSERT_CONTAINS(f.err.msg, "could not be decrypted");
    ASSERT_TRUE(strstr(f.err.msg, "horse") == NULL);
    f.env->secret_key[0] ^= 0x80;
    ASSERT_OK(svc_secret_get(&f.ctx, "s", "a", &v, &len, &f.err), errp(&f.err));
    teardown(&f);
}

BK_TEST(svc_secret_levels_for_users) {
    fixture f;
    ASSERT_TRUE(setup(&f));
    svc_principal ann, bob;
    ASSERT_TRUE(make_caller(&f, "ann@example.com", &ann));
    ASSERT_TRUE(make_caller(&f, "bob@example.com", &bob));
    /* Ann creates a scope: she gets MANAGE, Bob nothing. */
    f.ctx.caller = &ann;
    ASSERT_OK(svc_secret_scope_create(&f.ctx, "anns", NULL, NULL, &f.err), errp(&f.err));
    ASSERT_OK(svc_secret_put(&f.ctx, "anns", "k", "v", 1, &f.err), errp(&f.err));
    svc_secret_perm level;
    ASSERT_OK(svc_secret_level(&f.ctx, "anns", &level, &f.err), errp(&f.err));
    ASSERT_EQ(level, SVC_SECRET_MANAGE);
    f.ctx.caller = &bob;
    ASSERT_OK(svc_secret_level(&f.ctx, "anns", &level, &f.err), errp(&f.err));
    ASSERT_EQ(level, SVC_SECRET_NONE);
    uint8_t *v;
    size_t len;
    bk_error_clear(&f.err);
    ASSERT_FAILS(svc_secret_get(&f.ctx, "anns", "k", &v, &len, &f.err), BK_PERMISSION_DENIED);
    ASSERT_STR_EQ(f.err.msg, "bob@example.com does not have READ permission on scope anns to"
                             " perform this action.");
    /* A missing key is refused the same way: nothing is revealed. */
    ASSERT_FAILS(svc_secret_get(&f.ctx, "anns", "nope", &v, &len, &f.err), BK_PERMISSION_DENIED);
    ASSERT_FAILS(svc_secret_delete(&f.ctx, "anns", "nope", &f.err), BK_PERMISSION_DENIED);
    /* READ */
    f.ctx.caller = &ann;
    ASSERT_OK(svc_secret_acl_put(&f.ctx, "anns", "BOB@example.com", SVC_SECRET_READ, &f.err),
              errp(&f.err));
    f.ctx.caller = &bob;
    ASSERT_OK(svc_secret_get(&f.ctx, "anns", "k", &v, &len, &f.err), errp(&f.err));
    ASSERT_FAILS(svc_secret_put(&f.ctx, "anns", "k", "w", 1, &f.err), BK_PERMISSION_DENIED);
    /* WRITE */
    f.ctx.caller = &ann;
    ASSERT_OK(svc_secret_acl_put(&f.ctx, "anns", "bob@example.com", SVC_SECRET_WRITE, &f.err),
              errp(&f.err));
    f.ctx.caller = &bob;
    ASSERT_OK(svc_secret_put(&f.ctx, "anns", "k", "w", 1, &f.err), errp(&f.err));
    svc_secret_acl *acls;
    size_t n;
    ASSERT_FAILS(svc_secret_acl_list(&f.ctx, "anns", &acls, &n, &f.err), BK_PERMISSION_DENIED);
    ASSERT_FAILS(svc_secret_scope_delete(&f.ctx, "anns", &f.err), BK_PERMISSION_DENIED);
    /* The system (and admins) have MANAGE without any ACL. */
    f.ctx.caller = NULL;
    ASSERT_OK(svc_secret_acl_list(&f.ctx, "anns", &acls, &n, &f.err), errp(&f.err));
    ASSERT_EQ(n, 2); /* the put replaced Bob's READ; case-insensitive principal */
    ASSERT_STR_EQ(acls[0].principal, "ann@example.com");
    ASSERT_EQ(acls[1].perm, SVC_SECRET_WRITE);
    svc_principal admin = bob;
    admin.is_admin = true;
    f.ctx.caller = &admin;
    ASSERT_OK(svc_secret_level(&f.ctx, "anns", &level, &f.err), errp(&f.err));
    ASSERT_EQ(level, SVC_SECRET_MANAGE);
    /* MANAGE */
    f.ctx.caller = &ann;
    ASSERT_OK(svc_secret_acl_delete(&f.ctx, "anns", "bob@example.com", &f.err), errp(&f.err));
    ASSERT_FAILS(svc_secret_acl_delete(&f.ctx, "anns", "bob@example.com", &f.err), BK_NOT_FOUND);
    f.ctx.caller = &bob;
    svc_secret_meta *keys;
    ASSERT_FAILS(svc_secret_list(&f.ctx, "anns", &keys, &n, &f.err), BK_PERMISSION_DENIED);
    f.ctx.caller = &ann;
    ASSERT_OK(svc_secret_scope_delete(&f.ctx, "anns", &f.err), errp(&f.err));
    teardown(&f);
}

BK_TEST(svc_secret_levels_through_groups) {
    fixture f;
    ASSERT_TRUE(setup(&f));
    svc_principal cy;
    ASSERT_TRUE(make_caller(&f, "cy@example.com", &cy));
    svc_ref member = {.id = cy.user_id};
    svc_group inner_in = {.display_name = "inner", .members = &member, .n_members = 1};
    svc_group *inner = NULL;
    ASSERT_OK(svc_group_create(&f.ctx, &inner_in, &inner, &f.err), errp(&f.err));
    svc_ref inner_ref = {.id = inner->id, .is_group = true};
    svc_group outer_in = {.display_name = "outer", .members = &inner_ref, .n_members = 1};
    svc_group *outer = NULL;
    ASSERT_OK(svc_group_create(&f.ctx, &outer_in, &outer, &f.err), errp(&f.err));
    ASSERT_OK(svc_secret_scope_create(&f.ctx, "g", NULL, NULL, &f.err), errp(&f.err));
    ASSERT_OK(svc_secret_acl_put(&f.ctx, "g", "outer", SVC_SECRET_READ, &f.err), errp(&f.err));
    /* A group Cy is not in does not count. */
    ASSERT_OK(svc_secret_acl_put(&f.ctx, "g", "admins", SVC_SECRET_MANAGE, &f.err),
              errp(&f.err));
    f.ctx.caller = &cy;
    svc_secret_perm level;
    ASSERT_OK(svc_secret_level(&f.ctx, "g", &level, &f.err), errp(&f.err));
    ASSERT_EQ(level, SVC_SECRET_READ);
    /* Every user is in "users": the highest grant wins. */
    f.ctx.caller = NULL;
    ASSERT_OK(svc_secret_acl_put(&f.ctx, "g", "users", SVC_SECRET_WRITE, &f.err), errp(&f.err));
    f.ctx.caller = &cy;
    ASSERT_OK(svc_secret_level(&f.ctx, "g", &level, &f.err), errp(&f.err));
    ASSERT_EQ(level, SVC_SECRET_WRITE);
    teardown(&f);
}

BK_TEST(svc_secret_initial_manage_principal) {
    fixture f;
    ASSERT_TRUE(setup(&f));
    svc_principal dee;
    ASSERT_TRUE(make_caller(&f, "dee@example.com", &dee));
    f.ctx.caller = &dee;
    ASSERT_OK(svc_secret_scope_create(&f.ctx, "shared", "users", NULL, &f.err), errp(&f.err));
    svc_secret_acl *acls;
    size_t n;
    ASSERT_OK(svc_secret_acl_list(&f.ctx, "shared", &acls, &n, &f.err), errp(&f.err));
    ASSERT_EQ(n, 1);
    ASSERT_STR_EQ(acls[0].principal, "users");
    ASSERT_EQ(acls[0].perm, SVC_SECRET_MANAGE);
    /* any existing principal may be the initial manager; an unknown one changes nothing */
    ASSERT_OK(svc_secret_scope_create(&f.ctx, "mine", "dee@example.com", NULL, &f.err),
              errp(&f.err));
    ASSERT_FAILS(svc_secret_scope_create(&f.ctx, "x", "nobody@example.com", NULL, &f.err),
                 BK_INVALID_ARGUMENT);
    svc_secret_scope *scopes;
    ASSERT_OK(svc_secret_scope_list(&f.ctx, &scopes, &n, &f.err), errp(&f.err));
    ASSERT_EQ(n, 2);
    teardown(&f);
}

BK_TEST(svc_secret_acl_principals_and_failures_change_nothing) {
    fixture f;
    ASSERT_TRUE(setup(&f));
    ASSERT_OK(svc_secret_scope_create(&f.ctx, "s", NULL, NULL, &f.err), errp(&f.err));
    bk_error_clear(&f.err);
    ASSERT_FAILS(svc_secret_acl_put(&f.ctx, "s", "ghost@example.com", SVC_SECRET_READ, &f.err),
                 BK_INVALID_ARGUMENT);
    ASSERT_CONTAINS(f.err.msg, "ghost@example.com does not exist");
    ASSERT_FAILS(svc_secret_acl_put(&f.ctx, "s", "users", SVC_SECRET_NONE, &f.err),
                 BK_INVALID_ARGUMENT);
    svc_secret_acl *acls;
    size_t n;
    ASSERT_OK(svc_secret_acl_list(&f.ctx, "s", &acls, &n, &f.err), errp(&f.err));
    ASSERT_EQ(n, 0); /* the system created it: no creator ACL */
    ASSERT_OK(svc_secret_acl_put(&f.ctx, "s", SVC_ADMIN_USER, SVC_SECRET_READ, &f.err),
              errp(&f.err));
    svc_secret_acl one;
    ASSERT_OK(svc_secret_acl_get(&f.ctx, "s", SVC_ADMIN_USER, &one, &f.err), errp(&f.err));
    ASSERT_EQ(one.perm, SVC_SECRET_READ);
    ASSERT_FAILS(svc_secret_acl_get(&f.ctx, "s", "users", &one, &f.err), BK_NOT_FOUND);
    /* Deleting the scope deletes its secrets and ACLs: a new scope of that name is empty. */
    ASSERT_OK(svc_secret_put(&f.ctx, "s", "k", "v", 1, &f.err), errp(&f.err));
    ASSERT_OK(svc_secret_scope_delete(&f.ctx, "s", &f.err), errp(&f.err));
    ASSERT_OK(svc_secret_scope_create(&f.ctx, "s", NULL, NULL, &f.err), errp(&f.err));
    svc_secret_meta *keys;
    ASSERT_OK(svc_secret_list(&f.ctx, "s", &keys, &n, &f.err), errp(&f.err));
    ASSERT_EQ(n, 0);
    ASSERT_OK(svc_secret_acl_list(&f.ctx, "s", &acls, &n, &f.err), errp(&f.err));
    ASSERT_EQ(n, 0);
    teardown(&f);
}

BK_TEST(svc_secret_limits) {
    fixture f;
    ASSERT_TRUE(setup(&f));
    /* One transaction around the many puts keeps this fast (one fsync). */
    ASSERT_OK(meta_begin(f.ctx.conn, &f.err), errp(&f.err));
    ASSERT_OK(svc_secret_scope_create(&f.ctx, "full", NULL, NULL, &f.err), errp(&f.err));
    char key[32];
    for (int i = 0; i < SVC_SECRET_MAX_PER_SCOPE; i++) {
        snprintf(key, sizeof key, "k%d", i);
        ASSERT_OK(svc_secret_put(&f.ctx, "full", key, "v", 1, &f.err), errp(&f.err));
    }
    bk_error_clear(&f.err);
    ASSERT_FAILS(svc_secret_put(&f.ctx, "full", "one-more", "v", 1, &f.err),
                 BK_RESOURCE_LIMIT_EXCEEDED);
    ASSERT_CONTAINS(f.err.msg, "maximum of 1000 secrets");
    /* Overwriting an existing key is still allowed. */
    ASSERT_OK(svc_secret_put(&f.ctx, "full", "k7", "w", 1, &f.err), errp(&f.err));
    for (int i = 1; i < SVC_SECRET_MAX_SCOPES; i++) {
        snprintf(key, sizeof key, "scope%d", i);
        ASSERT_OK(svc_secret_scope_create(&f.ctx, key, NULL, NULL, &f.err), errp(&f.err));
    }
    ASSERT_FAILS(svc_secret_scope_create(&f.ctx, "too-many", NULL, NULL, &f.err),
                 BK_RESOURCE_LIMIT_EXCEEDED);
    ASSERT_OK(meta_commit(f.ctx.conn, &f.err), errp(&f.err));
    teardown(&f);
}
