/*
 * test_svc_workspace.c — unit tests for the workspace tree and the generic
 * permissions service (services/svc_workspace.c, svc_permissions.c): path
 * normalisation, mkdirs/import/export/delete rules, formats, home folders,
 * inheritance and enforcement for a non-admin caller, and the ZIP writer/reader.
 */
#include "services/svc_workspace.h"

#include <stdio.h>
#include <string.h>

#include "services/svc_identity.h"
#include "services/svc_tokens.h"
#include "services/svc_zip.h"
#include "test.h"

static bk_error *errp(bk_error *e) { return e; }

typedef struct fixture {
    svc_env *env;
    bk_arena *arena;
    svc_ctx ctx;
    char token[SVC_TOKEN_TEXT_MAX];
    bk_error err;
} fixture;

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

/* A non-admin principal for `name` (created as a user). */
static bool make_caller(fixture *f, const char *name, svc_principal *who) {
    svc_user in = {.user_name = name, .active = true};
    svc_user *u = NULL;
    if (svc_user_create(&f->ctx, &in, &u, &f->err) != BK_OK) return false;
    memset(who, 0, sizeof *who);
    who->user_id = u->id;
    who->user_name = u->user_name;
    return true;
}

static bk_status import_src(svc_ctx *ctx, const char *path, const char *text, bool overwrite,
                            bk_error *err) {
    svc_ws_import_req r = {.path = path,
                           .format = SVC_WS_FMT_SOURCE,
                           .language = SVC_NB_PYTHON,
                           .overwrite = overwrite,
                           .content = text,
                           .len = strlen(text)};
    return svc_ws_import(ctx, &r, NULL, err);
}

BK_TEST(ws_path_normalize) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    const char *out;
    bk_error_clear(&err);
    ASSERT_OK(svc_ws_path_normalize(a, "/Users/x/", &out, &err), errp(&err));
    ASSERT_STR_EQ(out, "/Users/x");
    ASSERT_OK(svc_ws_path_normalize(a, "/Workspace/Shared/a", &out, &err), errp(&err));
    ASSERT_STR_EQ(out, "/Shared/a");
    ASSERT_OK(svc_ws_path_normalize(a, "/Workspace", &out, &err), errp(&err));
    ASSERT_STR_EQ(out, "/");
    ASSERT_OK(svc_ws_path_normalize(a, "/Workspaces/a", &out, &err), errp(&err));
    ASSERT_STR_EQ(out, "/Workspaces/a");
    ASSERT_OK(svc_ws_path_normalize(a, "/", &out, &err), errp(&err));
    ASSERT_STR_EQ(out, "/");
    ASSERT_OK(svc_ws_path_normalize(a, "/a/..b/c.", &out, &err), errp(&err));
    static const char *const bad[] = {"", "a/b", "/a//b", "/a/../b", "/./a", "/a/.", "/a\nb"};
    for (size_t i = 0; i < BK_ARRAY_LEN(bad); i++) {
        bk_error_clear(&err);
        ASSERT_FAILS(svc_ws_path_normalize(a, bad[i], &out, &err), BK_INVALID_ARGUMENT);
        if (*bad[i]) ASSERT_CONTAINS(err.msg, "is not valid");
    }
    char longname[300];
    memset(longname, 'n', sizeof longname);
    longname[0] = '/';
    longname[299] = '\0';
    bk_error_clear(&err);
    ASSERT_FAILS(svc_ws_path_normalize(a, longname, &out, &err), BK_INVALID_ARGUMENT);
    bk_arena_free(a);
}

BK_TEST(ws_tree_rules) {
    fixture f;
    ASSERT_TRUE(setup(&f));
    svc_ctx *c = &f.ctx;
    bk_error *e = &f.err;
    svc_ws_object o;
    ASSERT_OK(svc_ws_get_status(c, "/Shared", &o, e), errp(e));
    ASSERT_EQ(o.kind, SVC_WS_DIRECTORY);
    ASSERT_OK(svc_ws_mkdirs(c, "/Shared/a/b/c", e), errp(e));
    ASSERT_OK(svc_ws_mkdirs(c, "/Shared/a/b/c", e), errp(e));
    ASSERT_OK(svc_ws_get_status(c, "/Shared/a/b", &o, e), errp(e));
    int64_t b_id = o.id;
    /* import: parent must exist; existing path needs overwrite; ids are stable */
    ASSERT_FAILS(import_src(c, "/Shared/nope/nb", "1", false, e), BK_NOT_FOUND);
    ASSERT_CONTAINS(e->msg, "The parent folder (/Shared/nope) does not exist.");
    bk_error_clear(e);
    ASSERT_OK(import_src(c, "/Shared/a/nb", "x = 1", false, e), errp(e));
    ASSERT_OK(svc_ws_get_status(c, "/Shared/a/nb", &o, e), errp(e));
    int64_t nb_id = o.id;
    ASSERT_EQ(o.kind, SVC_WS_NOTEBOOK);
    ASSERT_EQ(o.language, SVC_NB_PYTHON);
    ASSERT_FAILS(import_src(c, "/Shared/a/nb", "x = 2", false, e), BK_WS_ALREADY_EXISTS);
    bk_error_clear(e);
    ASSERT_OK(import_src(c, "/Shared/a/nb", "x = 2", true, e), errp(e));
    ASSERT_OK(svc_ws_get_status(c, "/Shared/a/nb", &o, e), errp(e));
    ASSERT_EQ(o.id, nb_id);
    ASSERT_FAILS(import_src(c, "/Shared/a/b", "x", true, e), BK_WS_ALREADY_EXISTS);
    bk_error_clear(e);
    /* mkdirs through a notebook */
    ASSERT_FAILS(svc_ws_mkdirs(c, "/Shared/a/nb/sub", e), BK_WS_ALREADY_EXISTS);
    bk_error_clear(e);
    /* export */
    const char *data, *ft;
    size_t len;
    ASSERT_OK(svc_ws_export(c, "/Shared/a/nb", SVC_WS_FMT_DEFAULT, &data, &len, &ft, e), errp(e));
    ASSERT_STR_EQ(data, "# Databricks notebook source\nx = 2");
    ASSERT_STR_EQ(ft, "py");
    /* a directory exports as a ZIP archive */
    ASSERT_OK(svc_ws_export(c, "/Shared/a", SVC_WS_FMT_SOURCE, &data, &len, &ft, e), errp(e));
    ASSERT_STR_EQ(ft, "zip");
    ASSERT_TRUE(len > 22 && memcmp(data, "PK\x03\x04", 4) == 0);
    ASSERT_TRUE(memcmp(data + len - 22, "PK\x05\x06", 4) == 0);
    ASSERT_EQ((unsigned char)data[len - 14], 1); /* one entry: a/nb.py */
    ASSERT_FAILS(svc_ws_export(c, "/Shared/a", SVC_WS_FMT_JUPYTER, &data, &len, &ft, e),
                 BK_INVALID_ARGUMENT);
    bk_error_clear(e);
    ASSERT_FAILS(svc_ws_export(c, "/Shared/a", SVC_WS_FMT_DBC, &data, &len, &ft, e),
                 BK_UNSUPPORTED);
    bk_error_clear(e);
    /* list */
    svc_ws_object *objs;
    size_t n;
    ASSERT_OK(svc_ws_list(c, "/Shared/a", 0, &objs, &n, e), errp(e));
    ASSERT_EQ(n, 2);
    ASSERT_STR_EQ(objs[0].path, "/Shared/a/b");
    ASSERT_STR_EQ(objs[1].path, "/Shared/a/nb");
    ASSERT_OK(svc_ws_list(c, "/Shared/a", o.modified_ms, &objs, &n, e), errp(e));
    ASSERT_EQ(n, 1); /* the notebook was not modified after itself */
    /* delete: non-empty needs recursive; prefix siblings survive */
    ASSERT_OK(svc_ws_mkdirs(c, "/Shared/a/b2", e), errp(e));
    ASSERT_FAILS(svc_ws_delete(c, "/Shared/a/b", false, e), BK_WS_DIRECTORY_NOT_EMPTY);
    bk_error_clear(e);
    ASSERT_OK(svc_ws_delete(c, "/Shared/a/b", true, e), errp(e));
    ASSERT_FAILS(svc_ws_get_status(c, "/Shared/a/b/c", &o, e), BK_NOT_FOUND);
    bk_error_clear(e);
    ASSERT_OK(svc_ws_get_status(c, "/Shared/a/b2", &o, e), errp(e));
    ASSERT_TRUE(o.id != b_id);
    ASSERT_FAILS(svc_ws_delete(c, "/Shared", true, e), BK_INVALID_ARGUMENT);
    bk_error_clear(e);
    ASSERT_FAILS(svc_ws_delete(c, "/Shared/zzz", false, e), BK_NOT_FOUND);
    ASSERT_STR_EQ(e->msg, "Path (/Shared/zzz) doesn't exist.");
    teardown(&f);
}

BK_TEST(ws_import_formats) {
    fixture f;
    ASSERT_TRUE(setup(&f));
    svc_ctx *c = &f.ctx;
    bk_error *e = &f.err;
    svc_ws_object o;
    /* AUTO: header + extension → notebook without the extension; else a file */
    const char *sql = "-- Databricks notebook source\nSELECT 1";
    svc_ws_import_req r = {.path = "/Shared/q.sql", .format = SVC_WS_FMT_AUTO, .content = sql,
                           .len = strlen(sql)};
    ASSERT_OK(svc_ws_import(c, &r, &o, e), errp(e));
    ASSERT_STR_EQ(o.path, "/Shared/q");
    ASSERT_EQ(o.language, SVC_NB_SQL);
    r.path = "/Shared/plain.py";
    r.content = "print(1)";
    r.len = 8;
    ASSERT_OK(svc_ws_import(c, &r, &o, e), errp(e));
    ASSERT_EQ(o.kind, SVC_WS_FILE);
    ASSERT_EQ(o.size, 8);
    /* SOURCE without language: taken from the header, else refused */
    svc_ws_import_req s = {.path = "/Shared/scala_nb", .format = SVC_WS_FMT_SOURCE,
                           .content = "// Databricks notebook source\n1", .len = 31};
    ASSERT_OK(svc_ws_import(c, &s, &o, e), errp(e));
    ASSERT_EQ(o.language, SVC_NB_SCALA);
    s.path = "/Shared/unknown";
    s.content = "1";
    s.len = 1;
    ASSERT_FAILS(svc_ws_import(c, &s, &o, e), BK_INVALID_ARGUMENT);
    ASSERT_CONTAINS(e->msg, "language");
    bk_error_clear(e);
    /* DBC and R_MARKDOWN are not implemented */
    s.format = SVC_WS_FMT_DBC;
    ASSERT_FAILS(svc_ws_import(c, &s, &o, e), BK_UNSUPPORTED);
    bk_error_clear(e);
    /* a file exports as its bytes, but not as a notebook format */
    const char *data, *ft;
    size_t len;
    ASSERT_OK(svc_ws_export(c, "/Shared/plain.py", SVC_WS_FMT_AUTO, &data, &len, &ft, e),
              errp(e));
    ASSERT_EQ(len, 8);
    ASSERT_STR_EQ(ft, "py");
    ASSERT_FAILS(svc_ws_export(c, "/Shared/plain.py", SVC_WS_FMT_HTML, &data, &len, &ft, e),
                 BK_INVALID_ARGUMENT);
    bk_error_clear(e);
    /* a notebook as Jupyter, imported back */
    ASSERT_OK(svc_ws_export(c, "/Shared/q", SVC_WS_FMT_JUPYTER, &data, &len, &ft, e), errp(e));
    ASSERT_STR_EQ(ft, "ipynb");
    svc_ws_import_req j = {.path = "/Shared/q2", .format = SVC_WS_FMT_JUPYTER, .content = data,
                           .len = len};
    ASSERT_OK(svc_ws_import(c, &j, &o, e), errp(e));
    ASSERT_EQ(o.language, SVC_NB_SQL);
    ASSERT_OK(svc_ws_export(c, "/Shared/q2", SVC_WS_FMT_SOURCE, &data, &len, &ft, e), errp(e));
    ASSERT_STR_EQ(data, sql);
    /* size limit */
    static char big[SVC_WS_MAX_CONTENT + 1];
    svc_ws_import_req b = {.path = "/Shared/big", .format = SVC_WS_FMT_RAW, .content = big,
                           .len = sizeof big};
    ASSERT_FAILS(svc_ws_import(c, &b, &o, e), BK_WS_MAX_NOTEBOOK_SIZE);
    teardown(&f);
}

BK_TEST(ws_permissions_for_a_user) {
    fixture f;
    ASSERT_TRUE(setup(&f));
    bk_error *e = &f.err;
    svc_principal ann, bob;
    ASSERT_TRUE(make_caller(&f, "ann@example.com", &ann));
    ASSERT_TRUE(make_caller(&f, "bob@example.com", &bob));
    svc_ctx as_ann = f.ctx, as_bob = f.ctx;
    as_ann.caller = &ann;
    as_bob.caller = &bob;
    svc_ws_object o;
    /* the home is made on first use and is ann's */
    ASSERT_OK(import_src(&as_ann, "/Users/ann@example.com/nb", "1", false, e), errp(e));
    ASSERT_OK(svc_ws_get_status(&as_ann, "/Users/ann@example.com", &o, e), errp(e));
    ASSERT_EQ(o.owner_id, ann.user_id);
    ASSERT_OK(svc_ws_get_status(&as_ann, "/Users/ann@example.com/nb", &o, e), errp(e));
    int64_t nb_id = o.id;
    /* bob can do nothing there */
    ASSERT_FAILS(svc_ws_get_status(&as_bob, "/Users/ann@example.com/nb", &o, e),
                 BK_PERMISSION_DENIED);
    ASSERT_CONTAINS(e->msg, "bob@example.com does not have Can Read permission");
    bk_error_clear(e);
    ASSERT_FAILS(import_src(&as_bob, "/Users/ann@example.com/x", "1", false, e),
                 BK_PERMISSION_DENIED);
    bk_error_clear(e);
    ASSERT_FAILS(svc_ws_delete(&as_bob, "/Users/ann@example.com/nb", false, e),
                 BK_PERMISSION_DENIED);
    bk_error_clear(e);
    ASSERT_FAILS(svc_ws_mkdirs(&as_bob, "/x", e), BK_PERMISSION_DENIED);
    bk_error_clear(e);
    /* /Users lists only bob's own home for bob */
    svc_ws_object *objs;
    size_t n;
    ASSERT_OK(svc_ws_list(&as_bob, "/Users", 0, &objs, &n, e), errp(e));
    ASSERT_EQ(n, 1);
    ASSERT_STR_EQ(objs[0].path, "/Users/bob@example.com");
    /* ann grants bob CAN_READ on her notebook: bob reads but cannot write */
    char id[32];
    snprintf(id, sizeof id, "%lld", (long long)nb_id);
    svc_perm_grant g = {.user_name = "bob@example.com", .level = "CAN_READ"};
    svc_perm_acl acl;
    ASSERT_FAILS(svc_perm_set(&as_bob, "notebooks", id, &g, 1, false, &acl, e),
                 BK_PERMISSION_DENIED);
    bk_error_clear(e);
    ASSERT_OK(svc_perm_set(&as_ann, "notebooks", id, &g, 1, false, &acl, e), errp(e));
    ASSERT_OK(svc_ws_get_status(&as_bob, "/Users/ann@example.com/nb", &o, e), errp(e));
    ASSERT_FAILS(import_src(&as_bob, "/Users/ann@example.com/nb", "2", true, e),
                 BK_PERMISSION_DENIED);
    bk_error_clear(e);
    /* CAN_EDIT lets bob overwrite; the grant is reported as direct */
    g.level = "CAN_EDIT";
    ASSERT_OK(svc_perm_set(&as_ann, "notebooks", id, &g, 1, false, &acl, e), errp(e));
    ASSERT_OK(import_src(&as_bob, "/Users/ann@example.com/nb", "2", true, e), errp(e));
    char ref[48];
    snprintf(ref, sizeof ref, "/notebooks/%s", id);
    ASSERT_STR_EQ(acl.object_id, ref);
    ASSERT_STR_EQ(acl.object_type, "notebook");
    bool found = false;
    for (size_t i = 0; i < acl.n_entries; i++)
        if (acl.entries[i].user_name && strcmp(acl.entries[i].user_name, "bob@example.com") == 0) {
            ASSERT_EQ(acl.entries[i].n_perms, 1);
            ASSERT_STR_EQ(acl.entries[i].perms[0].level, "CAN_EDIT");
            ASSERT_TRUE(!acl.entries[i].perms[0].inherited);
            found = true;
        }
    ASSERT_TRUE(found);
    /* a grant on ann's home is inherited by the notebook */
    ASSERT_OK(svc_ws_get_status(&as_ann, "/Users/ann@example.com", &o, e), errp(e));
    char home_id[32];
    snprintf(home_id, sizeof home_id, "%lld", (long long)o.id);
    svc_perm_grant h = {.user_name = "bob@example.com", .level = "CAN_MANAGE"};
    ASSERT_OK(svc_perm_set(&as_ann, "directories", home_id, &h, 1, true, &acl, e), errp(e));
    ASSERT_OK(svc_perm_get(&as_bob, "notebooks", id, &acl, e), errp(e));
    char from[64];
    snprintf(from, sizeof from, "/directories/%s", home_id);
    found = false;
    for (size_t i = 0; i < acl.n_entries; i++)
        for (size_t k = 0; k < acl.entries[i].n_perms; k++)
            if (acl.entries[i].user_name &&
                strcmp(acl.entries[i].user_name, "bob@example.com") == 0 &&
                acl.entries[i].perms[k].inherited &&
                strcmp(acl.entries[i].perms[k].inherited_from, from) == 0)
                found = strcmp(acl.entries[i].perms[k].level, "CAN_MANAGE") == 0;
    ASSERT_TRUE(found);
    /* …so bob may now delete it; a home folder itself only admins may delete */
    ASSERT_OK(svc_ws_delete(&as_bob, "/Users/ann@example.com/nb", false, e), errp(e));
    ASSERT_FAILS(svc_ws_delete(&as_ann, "/Users/ann@example.com", true, e),
                 BK_PERMISSION_DENIED);
    bk_error_clear(e);
    /* /Shared is open to all users */
    ASSERT_OK(svc_ws_mkdirs(&as_bob, "/Shared/bobs", e), errp(e));
    /*
     * The home check is skipped while no write has committed since it last passed;
     * an admin deleting the home is such a write: the next look makes it again.
     */
    ASSERT_OK(svc_ws_get_status(&as_ann, "/Users/ann@example.com", &o, e), errp(e));
    ASSERT_OK(svc_ws_get_status(&as_ann, "/Users/ann@example.com", &o, e), errp(e));
    int64_t old_home = o.id;
    svc_principal admin;
    ASSERT_OK(svc_token_authenticate(&f.ctx, f.token, strlen(f.token), &admin, e), errp(e));
    svc_ctx as_admin = f.ctx;
    as_admin.caller = &admin;
    ASSERT_OK(svc_ws_delete(&as_admin, "/Users/ann@example.com", true, e), errp(e));
    ASSERT_OK(svc_ws_get_status(&as_ann, "/Users/ann@example.com", &o, e), errp(e));
    ASSERT_TRUE(o.id != old_home);
    ASSERT_EQ(o.owner_id, ann.user_id);
    ASSERT_OK(svc_ws_get_status(&as_ann, "/Users/ann@example.com", &o, e), errp(e));
    teardown(&f);
}

BK_TEST(perm_types_and_levels) {
    bk_error err;
    bk_error_clear(&err);
    const svc_perm_type *t;
    ASSERT_OK(svc_perm_type_get("directories", &t, &err), errp(&err));
    ASSERT_EQ(t->n_levels, 4);
    ASSERT_EQ(svc_perm_rank(t, "CAN_READ"), 1);
    ASSERT_EQ(svc_perm_rank(t, "CAN_MANAGE"), 4);
    ASSERT_EQ(svc_perm_rank(t, "CAN_ATTACH_TO"), 0);
    ASSERT_FAILS(svc_perm_type_get("jobs", &t, &err), BK_UNSUPPORTED);
    bk_error_clear(&err);
    ASSERT_FAILS(svc_perm_type_get("nonsense", &t, &err), BK_INVALID_ARGUMENT);
}

BK_TEST(ws_zip_round_trip_and_bounds) {
    bk_arena *a = bk_arena_new(NULL, "t", 0);
    bk_error err;
    bk_error_clear(&err);
    static char big[5000];
    memset(big, 'z', sizeof big);
    svc_zip z;
    svc_zip_init(&z);
    svc_zip_add(&z, "d/small.txt", "hi", 2);
    svc_zip_add(&z, "d/big.txt", big, sizeof big); /* deflated: it shrinks */
    svc_zip_add(&z, "d/empty", "", 0);
    char *zip;
    size_t len;
    ASSERT_OK(svc_zip_finish(&z, a, &zip, &len, &err), errp(&err));
    svc_zip_destroy(&z);
    ASSERT_TRUE(svc_zip_is_archive(zip, len));
    ASSERT_TRUE(len < sizeof big);
    svc_zip_entry *e;
    size_t n;
    ASSERT_OK(svc_unzip(a, zip, len, 1 << 20, &e, &n, &err), errp(&err));
    ASSERT_EQ(n, 3);
    ASSERT_STR_EQ(e[0].name, "d/small.txt");
    ASSERT_STR_EQ(e[0].data, "hi");
    ASSERT_EQ(e[1].len, sizeof big);
    ASSERT_TRUE(memcmp(e[1].data, big, sizeof big) == 0);
    ASSERT_EQ(e[2].len, 0);
    /* the bound on the unpacked size */
    ASSERT_FAILS(svc_unzip(a, zip, len, 1000, &e, &n, &err), BK_WS_MAX_NOTEBOOK_SIZE);
    bk_error_clear(&err);
    /* damage: a flipped data byte fails the CRC; a cut archive has no end record */
    char *bad = bk_arena_memdup(a, zip, len);
    bad[30 + 11] ^= 1; /* the first entry's data, after its 30-byte header and name */
    ASSERT_FAILS(svc_unzip(a, bad, len, 1 << 20, &e, &n, &err), BK_INVALID_ARGUMENT);
    ASSERT_CONTAINS(err.msg, "CRC");
    bk_error_clear(&err);
    ASSERT_FAILS(svc_unzip(a, zip, len - 5, 1 << 20, &e, &n, &err), BK_INVALID_ARGUMENT);
    bk_arena_free(a);
}
