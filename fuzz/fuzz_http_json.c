/*
 * fuzz_http_json.c — libFuzzer target: arbitrary requests through srv_dispatch, and
 * arbitrary bodies through the JSON and multipart readers.
 *
 * One data directory is opened per process (under $TMPDIR, or /dev/shm when it
 * exists, so fsyncs cost little) and kept: requests that create users, tokens or
 * groups change it, which is what a long-running server sees too.  Input layout:
 *
 *     byte 0           flags: bit 0-3 the method (of a fixed list), bit 4 send the
 *                      admin token, bit 5 send a non-admin user's token, bit 6 send
 *                      a garbage token
 *     line 1           the path ("\n"-terminated)
 *     line 2           the raw query string (decoded by srv_request_parse_query)
 *     lines "k: v"     headers, up to an empty line
 *     the rest         the body
 *
 * Every reply must be a well-formed response: a status in 200..599, and an error
 * reply must be a JSON object carrying "error_code" and "message" (checked here; a
 * violation aborts so libFuzzer keeps the input).  The body is also fed straight to
 * srv_json_body, the typed field readers and srv_multipart_parse.
 *
 *     make fuzz && fuzz/run.sh 600 http_json        (see fuzz/README.md)
 */
#include <ftw.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "server/json_in.h"
#include "server/multipart.h"
#include "server/router.h"
#include "services/svc_tokens.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static svc_env *g_env;
static char g_dir[512];
static char g_admin_token[128];
static char g_user_token[128];

static const char *const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD",
                                      "OPTIONS", "get", ""};

/* A token for a non-admin user, made once through the API itself. */
static void make_user_token(void) {
    const char *steps[][3] = {
        {"POST", "/api/2.0/preview/scim/v2/Users", "{\"userName\":\"fuzz-user@example.com\"}"},
    };
    for (size_t i = 0; i < 1; i++) {
        srv_request *req = srv_request_new(g_env, steps[i][0], steps[i][1]);
        char auth[160];
        snprintf(auth, sizeof auth, "Bearer %s", g_admin_token);
        srv_request_add_header(req, "Authorization", auth);
        srv_request_set_body(req, steps[i][2], strlen(steps[i][2]));
        srv_response res;
        srv_response_init(&res);
        srv_dispatch(req, &res);
        json_t *j = json_loadb((const char *)res.body.data, res.body.len, 0, NULL);
        const char *id = j ? json_string_value(json_object_get(j, "id")) : NULL;
        char body[256];
        if (id) {
            snprintf(body, sizeof body, "{\"application_id\":\"%s\",\"comment\":\"fuzz\"}", id);
            srv_request *r2 = srv_request_new(g_env, "POST",
                                              "/api/2.0/token-management/on-behalf-of/tokens");
            srv_request_add_header(r2, "Authorization", auth);
            srv_request_set_body(r2, body, strlen(body));
            srv_response res2;
            srv_response_init(&res2);
            srv_dispatch(r2, &res2);
            json_t *t = json_loadb((const char *)res2.body.data, res2.body.len, 0, NULL);
            const char *tok = t ? json_string_value(json_object_get(t, "token_value")) : NULL;
            if (tok) snprintf(g_user_token, sizeof g_user_token, "%s", tok);
            json_decref(t);
            srv_response_destroy(&res2);
            srv_request_free(r2);
        }
        json_decref(j);
        srv_response_destroy(&res);
        srv_request_free(req);
    }
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw) {
    (void)st;
    (void)flag;
    (void)ftw;
    return remove(path);
}

/* At exit: close the metastore and remove the data directory. */
static void teardown(void) {
    svc_env_close(g_env);
    g_env = NULL;
    if (g_dir[0]) nftw(g_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void setup(void) {
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : getenv("TMPDIR");
    char *dir = g_dir;
    snprintf(g_dir, sizeof g_dir, "%s/bricks-fuzz-http-XXXXXX", base ? base : "/tmp");
    if (!mkdtemp(dir)) abort();
    atexit(teardown);
    bk_error err;
    bk_error_clear(&err);
    if (svc_env_open(dir, &g_env, g_admin_token, &err) != BK_OK) {
        fprintf(stderr, "fuzz_http_json: %s\n", err.msg);
        abort();
    }
    make_user_token();
    if (!g_user_token[0]) abort();
}

/* Next "\n"-terminated line of [*p, end) as a NUL-terminated copy in the arena. */
static char *next_line(bk_arena *a, const char **p, const char *end) {
    const char *s = *p;
    const char *nl = memchr(s, '\n', (size_t)(end - s));
    const char *e = nl ? nl : end;
    *p = nl ? nl + 1 : end;
    return bk_arena_strndup(a, s, (size_t)(e - s));
}

/* The JSON readers on their own: every key of the body object through each typed reader. */
static void read_json(srv_request *req) {
    bk_error err;
    bk_error_clear(&err);
    json_t *obj = NULL;
    if (srv_json_body(req, &obj, &err) != BK_OK) {
        if (err.msg[0] == '\0') abort();
        return;
    }
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        const char *s;
        int64_t i;
        bool b;
        json_t *arr;
        bk_error_clear(&err);
        (void)srv_json_get_str(obj, key, true, &s, &err);
        bk_error_clear(&err);
        (void)srv_json_get_i64(obj, key, true, &i, &err);
        bk_error_clear(&err);
        (void)srv_json_get_bool(obj, key, true, &b, &err);
        bk_error_clear(&err);
        (void)srv_json_get_arr(obj, key, true, &arr, &err);
    }
    if (!srv_json_dump(req->arena, obj)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!g_env) setup();
    if (size < 1 || size > 1 << 16) return 0;
    uint8_t flags = data[0];
    const char *p = (const char *)data + 1, *end = (const char *)data + size;
    const char *method = methods[(flags & 0x0f) % (sizeof methods / sizeof *methods)];

    srv_request *req = srv_request_new(g_env, method, "");
    if (!req) return 0;
    char *path = next_line(req->arena, &p, end);
    char *query = next_line(req->arena, &p, end);
    req->path = path;
    bk_error err;
    bk_error_clear(&err);
    bool ok = path && query;
    if (ok && query[0] && srv_request_parse_query(req, query, &err) != BK_OK) ok = false;
    while (ok && p < end) {
        char *line = next_line(req->arena, &p, end);
        if (!line || !line[0]) break;
        char *colon = strchr(line, ':');
        if (!colon) continue;
        *colon = '\0';
        const char *value = colon + 1;
        while (*value == ' ') value++;
        srv_request_add_header(req, line, value);
    }
    char auth[160];
    const char *tok = (flags & 0x10) ? g_admin_token
                      : (flags & 0x20) ? g_user_token
                      : (flags & 0x40) ? "dapi0000000000000000000000000000000000000000000000000000000000000000"
                                       : NULL;
    if (tok) {
        snprintf(auth, sizeof auth, "Bearer %s", tok);
        srv_request_add_header(req, "Authorization", auth);
    }
    if (ok && srv_request_set_body(req, p, (size_t)(end - p)) == BK_OK) {
        srv_response res;
        srv_response_init(&res);
        srv_dispatch(req, &res);
        if (res.status < 200 || res.status > 599) abort();
        if (res.status >= 400 && !res.has_body_fd) {
            json_t *j = json_loadb((const char *)res.body.data, res.body.len, 0, NULL);
            if (!j || !json_is_string(json_object_get(j, "error_code")) ||
                !json_is_string(json_object_get(j, "message")))
                abort(); /* every error is {"error_code", "message"} */
            json_decref(j);
        }
        srv_response_destroy(&res);
        read_json(req);
        srv_part *parts = NULL;
        size_t n = 0;
        bk_error_clear(&err);
        (void)srv_multipart_parse(req, &parts, &n, &err);
    }
    srv_request_free(req);
    return 0;
}
