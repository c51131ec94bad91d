/*
 * test_srv_multipart.c — multipart/form-data bodies as Python requests (the
 * Databricks SDK's transport) builds them for w.workspace.upload, and malformed
 * ones.
 */
#include <string.h>

#include "server/multipart.h"
#include "test.h"

static bk_error *errp(bk_error *e) { return e; }

static srv_request *make(const char *ct, const char *body, size_t len) {
    srv_request *req = srv_request_new(NULL, "POST", "/api/2.0/workspace/import");
    if (!req) return NULL;
    if (ct && srv_request_add_header(req, "Content-Type", ct) != BK_OK) return NULL;
    if (srv_request_set_body(req, body, len) != BK_OK) return NULL;
    return req;
}

BK_TEST(srv_multipart_sdk_upload) {
    static const char body[] =
        "--2f1a9c\r\n"
        "Content-Disposition: form-data; name=\"path\"\r\n\r\n"
        "/Users/me/nb.py\r\n"
        "--2f1a9c\r\n"
        "Content-Disposition: form-data; name=\"overwrite\"\r\n\r\n"
        "true\r\n"
        "--2f1a9c\r\n"
        "Content-Disposition: form-data; name=\"content\"; filename=\"content\"\r\n"
        "Content-Type: application/octet-stream\r\n\r\n"
        "print(1)\r\n--not-the-boundary\r\n\0binary x--2f1a9c y\r\n"
        "--2f1a9c--\r\n";
    srv_request *req = make("multipart/form-data; boundary=2f1a9c", body, sizeof body - 1);
    ASSERT_TRUE(req && srv_is_multipart(req));
    bk_error err;
    bk_error_clear(&err);
    srv_part *parts = NULL;
    size_t n = 0;
    ASSERT_OK(srv_multipart_parse(req, &parts, &n, &err), errp(&err));
    ASSERT_EQ(n, 3);
    ASSERT_STR_EQ(srv_multipart_get(parts, n, "path")->data, "/Users/me/nb.py");
    ASSERT_STR_EQ(srv_multipart_get(parts, n, "overwrite")->data, "true");
    const srv_part *c = srv_multipart_get(parts, n, "content");
    ASSERT_STR_EQ(c->filename, "content");
    ASSERT_STR_EQ(c->content_type, "application/octet-stream");
    static const char want[] = "print(1)\r\n--not-the-boundary\r\n\0binary x--2f1a9c y";
    ASSERT_EQ(c->len, sizeof want - 1);
    ASSERT_TRUE(memcmp(c->data, want, sizeof want - 1) == 0);
    ASSERT_TRUE(srv_multipart_get(parts, n, "language") == NULL);
    srv_request_free(req);
}

BK_TEST(srv_multipart_quoted_boundary_and_lf) {
    static const char body[] = "preamble\n--a b\nContent-Disposition: form-data; name=x\n\n"
                               "1\n--a b\ncontent-disposition: form-data; name=\"y \\\"q\\\"\"\n\n"
                               "\n--a b--";
    srv_request *req = make("Multipart/Form-Data; charset=utf-8; boundary=\"a b\"", body,
                            sizeof body - 1);
    bk_error err;
    bk_error_clear(&err);
    srv_part *parts = NULL;
    size_t n = 0;
    ASSERT_OK(srv_multipart_parse(req, &parts, &n, &err), errp(&err));
    ASSERT_EQ(n, 2);
    ASSERT_STR_EQ(parts[0].name, "x");
    ASSERT_STR_EQ(parts[0].data, "1");
    ASSERT_STR_EQ(parts[1].name, "y \"q\"");
    ASSERT_EQ(parts[1].len, 0);
    srv_request_free(req);
}

BK_TEST(srv_multipart_malformed) {
    static const struct {
        const char *ct, *body;
    } cases[] = {
        {"application/json", "{}"},
        {"multipart/form-data", "--x\r\n\r\n--x--"},
        {"multipart/form-data; boundary=x", "no boundary here"},
        {"multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=a\r\n"},
        {"multipart/form-data; boundary=x", "--x\r\nX-Other: 1\r\n\r\nv\r\n--x--"},
        {"multipart/form-data; boundary=x", "--x\r\nContent-Disposition: form-data; name=a\r\n\r\nv"},
        {"multipart/form-data; boundary=x", "--x"},
    };
    for (size_t i = 0; i < BK_ARRAY_LEN(cases); i++) {
        srv_request *req = make(cases[i].ct, cases[i].body, strlen(cases[i].body));
        bk_error err;
        bk_error_clear(&err);
        srv_part *parts = NULL;
        size_t n = 0;
        ASSERT_FAILS(srv_multipart_parse(req, &parts, &n, &err), BK_MALFORMED_REQUEST);
        ASSERT_CONTAINS(err.msg, "multipart");
        srv_request_free(req);
    }
}
