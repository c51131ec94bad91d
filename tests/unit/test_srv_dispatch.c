/*
 * test_srv_dispatch.c — the server's request path without a socket: route
 * matching with path parameters, query-string decoding, the JSON writer, error
 * replies, authentication, and a few handlers end to end through srv_dispatch.
 */
#include <stdio.h>
#include <string.h>

#include "server/json_out.h"
#include "server/router.h"
#include "test.h"

static bk_error *errp(bk_error *e) { return e; }

static svc_env *open_env(char *token) {
    char dir[600];
    snprintf(dir, sizeof dir, "%s/data", bk_test_tmpdir());
    svc_env *env = NULL;
    bk_error err;
    bk_error_clear(&err);
    if (svc_env_open(dir, &env, token, &err) != BK_OK) return NULL;
    return env;
}

/* Dispatch one request; the body of the reply is copied to out (NUL-terminated). */
static int call(svc_env *env, const char *method, const char *path, const char *query,
                const char *token, const char *body, char *out, size_t cap) {
    srv_request *req = srv_request_new(env, method, path);
    if (!req) return -1;
    bk_error err;
    bk_error_clear(&err);
    if (query && srv_request_parse_query(req, query, &err) != BK_OK) {
        srv_request_free(req);
        return -2;
    }
    if (token) {
        char auth[128];
        snprintf(auth, sizeof auth, "Bearer %s", token);
        if (srv_request_add_header(req, "authorization", auth) != BK_OK) return -1;
    }
    if (body && srv_request_set_body(req, body, strlen(body)) != BK_OK) return -1;
    srv_response res;
    srv_response_init(&res);
    srv_dispatch(req, &res);
    size_t n = res.body.len < cap - 1 ? res.body.len : cap - 1;
    if (n) memcpy(out, res.body.data, n);
    out[n] = '\0';
    int status = res.status;
    srv_response_destroy(&res);
    srv_request_free(req);
    return status;
}

BK_TEST(srv_query_decoding) {
    srv_request *req = srv_request_new(NULL, "GET", "/x");
    ASSERT_TRUE(req != NULL);
    bk_error err;
    bk_error_clear(&err);
    ASSERT_OK(srv_request_parse_query(
                  req, "a=1&b=x+y&a=2&filter_by.is_pinned=True&p=%2FUsers%2Fme&flag&=v", &err),
              errp(&err));
    ASSERT_STR_EQ(srv_query(req, "a"), "1");
    ASSERT_STR_EQ(srv_query(req, "b"), "x y");
    ASSERT_STR_EQ(srv_query(req, "p"), "/Users/me");
    ASSERT_STR_EQ(srv_query(req, "flag"), "");
    ASSERT_TRUE(srv_query(req, "missing") == NULL);
    size_t n = 0;
    const char **all = srv_query_all(req, "a", &n);
    ASSERT_EQ(n, 2);
    ASSERT_STR_EQ(all[1], "2");
    bool pinned = false;
    ASSERT_OK(srv_query_bool(req, "filter_by.is_pinned", false, &pinned, &err), errp(&err));
    ASSERT_TRUE(pinned);
    int64_t v = 0;
    ASSERT_FAILS(srv_query_i64(req, "b", 0, &v, &err), BK_INVALID_ARGUMENT);
    ASSERT_OK(srv_query_i64(req, "absent", 7, &v, &err), errp(&err));
    ASSERT_EQ(v, 7);
    bk_error_clear(&err);
    ASSERT_FAILS(srv_request_parse_query(req, "x=%4", &err), BK_MALFORMED_REQUEST);
    ASSERT_FAILS(srv_request_parse_query(req, "x=%G1", &err), BK_MALFORMED_REQUEST);
    srv_request_free(req);
}

BK_TEST(srv_json_writer) {
    bk_buf b;
    bk_buf_init(&b);
    srv_json j;
    srv_json_init(&j, &b);
    srv_json_obj(&j);
    srv_json_kv_str(&j, "s", "a\"b\\c\n\x01\xc3\xa9");
    srv_json_kv_str(&j, "skipped", NULL);
    srv_json_kv_i64(&j, "n", -42);
    srv_json_key(&j, "arr");
    srv_json_arr(&j);
    srv_json_bool(&j, true);
    srv_json_null(&j);
    srv_json_obj(&j);
    srv_json_end(&j);
    srv_json_raw(&j, "[1,2]");
    srv_json_end(&j);
    srv_json_kv_id(&j, "id", 123);
    srv_json_kv_str(&j, "bad", "\xff");
    srv_json_end(&j);
    ASSERT_OK(srv_json_status(&j, NULL), NULL);
    ASSERT_OK(bk_buf_append_u8(&b, 0), NULL);
    ASSERT_STR_EQ((const char *)b.data,
                  "{\"s\":\"a\\\"b\\\\c\\n\\u0001\xc3\xa9\",\"n\":-42,"
                  "\"arr\":[true,null,{},[1,2]],\"id\":\"123\",\"bad\":\"\xef\xbf\xbd\"}");
    bk_buf_destroy(&b);
}

/* The reference escape of one byte alone (as put_string must write it). */
static size_t escape_one(unsigned char c, char *out) {
    if (c == '"') return (size_t)snprintf(out, 8, "\\\"");
    if (c == '\\') return (size_t)snprintf(out, 8, "\\\\");
    if (c == '\n') return (size_t)snprintf(out, 8, "\\n");
    if (c == '\r') return (size_t)snprintf(out, 8, "\\r");
    if (c == '\t') return (size_t)snprintf(out, 8, "\\t");
    if (c < 0x20) return (size_t)snprintf(out, 8, "\\u%04x", c);
    if (c >= 0x80) return (size_t)snprintf(out, 8, "\xef\xbf\xbd");
    out[0] = (char)c;
    return 1;
}

/* Every byte value at every position of a string longer than two 8-byte words. */
BK_TEST(srv_json_string_every_byte_everywhere) {
    bk_buf b;
    bk_buf_init(&b);
    char in[20], want[64];
    for (int pos = 0; pos < (int)sizeof in; pos++) {
        for (int c = 1; c < 256; c++) {
            memset(in, 'a', sizeof in);
            in[pos] = (char)c;
            size_t n = 0;
            want[n++] = '"';
            for (int i = 0; i < (int)sizeof in; i++)
                n += escape_one((unsigned char)in[i], want + n);
            want[n++] = '"';
            bk_buf_clear(&b);
            srv_json j;
            srv_json_init(&j, &b);
            srv_json_strn(&j, in, sizeof in);
            ASSERT_OK(srv_json_status(&j, NULL), NULL);
            ASSERT_EQ(b.len, n);
            ASSERT_TRUE(memcmp(b.data, want, n) == 0);
        }
    }
    /* valid UTF-8 after a word of ASCII is kept */
    bk_buf_clear(&b);
    srv_json j;
    srv_json_init(&j, &b);
    srv_json_str(&j, "abcdefghij\xc3\xa9klmnopqrstuvwxyz\xe2\x82\xac!");
    ASSERT_OK(bk_buf_append_u8(&b, 0), NULL);
    ASSERT_STR_EQ((const char *)b.data, "\"abcdefghij\xc3\xa9klmnopqrstuvwxyz\xe2\x82\xac!\"");
    bk_buf_destroy(&b);
}

BK_TEST(srv_json_integers) {
    bk_buf b;
    bk_buf_init(&b);
    srv_json j;
    srv_json_init(&j, &b);
    srv_json_arr(&j);
    srv_json_i64(&j, 0);
    srv_json_i64(&j, 7);
    srv_json_i64(&j, -1);
    srv_json_i64(&j, 1700000000123);
    srv_json_i64(&j, INT64_MAX);
    srv_json_i64(&j, INT64_MIN);
    srv_json_end(&j);
    ASSERT_OK(bk_buf_append_u8(&b, 0), NULL);
    ASSERT_STR_EQ((const char *)b.data,
                  "[0,7,-1,1700000000123,9223372036854775807,-9223372036854775808]");
    bk_buf_destroy(&b);
}

BK_TEST(srv_routes_and_params) {
    srv_request *req = srv_request_new(NULL, "GET", "/api/2.0/preview/scim/v2/Users/12345/");
    ASSERT_TRUE(srv_route_match(req));
    ASSERT_STR_EQ(srv_path_param(req, "id"), "12345");
    srv_request_free(req);
    req = srv_request_new(NULL, "PATCH", "/api/2.0/preview/scim/v2/Users/12345/extra");
    ASSERT_TRUE(!srv_route_match(req));
    srv_request_free(req);
    req = srv_request_new(NULL, "GET", "/api/2.0/preview/scim/v2/Users//");
    ASSERT_TRUE(!srv_route_match(req)); /* an empty {id} never matches */
    srv_request_free(req);
}

BK_TEST(srv_dispatch_end_to_end) {
    char token[SVC_TOKEN_TEXT_MAX];
    svc_env *env = open_env(token);
    ASSERT_TRUE(env != NULL);
    char out[8192];
    ASSERT_EQ(call(env, "GET", "/health", NULL, NULL, NULL, out, sizeof out), 200);
    ASSERT_STR_EQ(out, "{\"status\":\"ok\"}");
    ASSERT_EQ(call(env, "GET", "/api/2.0/nope", NULL, token, NULL, out, sizeof out), 404);
    ASSERT_CONTAINS(out, "\"error_code\":\"ENDPOINT_NOT_FOUND\"");
    ASSERT_EQ(call(env, "GET", "/api/2.0/preview/scim/v2/Me", NULL, NULL, NULL, out, sizeof out),
              401);
    ASSERT_CONTAINS(out, "\"error_code\":\"UNAUTHENTICATED\"");
    ASSERT_CONTAINS(out, "\"status\":\"401\""); /* SCIM routes add the SCIM fields */
    ASSERT_EQ(call(env, "GET", "/api/2.0/preview/scim/v2/Me", NULL, "dapi00", NULL, out,
                   sizeof out),
              401);
    ASSERT_EQ(call(env, "GET", "/api/2.0/preview/scim/v2/Me", NULL, token, NULL, out, sizeof out),
              200);
    ASSERT_CONTAINS(out, "\"userName\":\"admin@bricks.local\"");
    ASSERT_EQ(call(env, "POST", "/api/2.0/token/create", NULL, token, "{\"comment\": 5}", out,
                   sizeof out),
              400);
    ASSERT_CONTAINS(out, "INVALID_PARAMETER_VALUE");
    ASSERT_EQ(call(env, "POST", "/api/2.0/token/create", NULL, token, "{\"comment\"", out,
                   sizeof out),
              400);
    ASSERT_CONTAINS(out, "MALFORMED_REQUEST");
    ASSERT_EQ(call(env, "POST", "/api/2.0/preview/scim/v2/Users", NULL, token,
                   "{\"userName\": \"zed@example.com\"}", out, sizeof out),
              201);
    ASSERT_EQ(call(env, "GET", "/api/2.0/preview/scim/v2/Users",
                   "filter=userName+eq+%22zed%40example.com%22", token, NULL, out, sizeof out),
              200);
    ASSERT_CONTAINS(out, "\"totalResults\":1");
    ASSERT_EQ(call(env, "GET", "/api/2.0/preview/scim/v2/Users", "filter=userName+zz+1", token,
                   NULL, out, sizeof out),
              400);
    ASSERT_EQ(call(env, "GET", "/api/2.0/preview/scim/v2/Users/abc", NULL, token, NULL, out,
                   sizeof out),
              404);
    ASSERT_CONTAINS(out, "RESOURCE_DOES_NOT_EXIST");
    svc_env_close(env);
}

/* Runs of plain bytes around escapes, multi-byte UTF-8, and a sequence cut short. */
BK_TEST(srv_json_string_runs) {
    bk_buf b;
    bk_buf_init(&b);
    srv_json j;
    srv_json_init(&j, &b);
    srv_json_str(&j, "ab\xe2\x82\xac\xf0\x9f\x98\x80" "cd\"\x1f\tz\xe2\x82");
    ASSERT_OK(srv_json_status(&j, NULL), NULL);
    ASSERT_OK(bk_buf_append_u8(&b, 0), NULL);
    ASSERT_STR_EQ((const char *)b.data,
                  "\"ab\xe2\x82\xac\xf0\x9f\x98\x80" "cd\\\"\\u001f\\tz\xef\xbf\xbd\xef\xbf\xbd\"");
    bk_buf_destroy(&b);
}
