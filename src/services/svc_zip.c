/*
 * svc_zip.c — an in-memory ZIP writer (see svc_zip.h).
 *
 * Layout: for each entry a local file header + data; then the central directory
 * (one header per entry, pointing back at its local header); then the end of
 * central directory record.  Times are fixed at 1980-01-01 00:00 (the DOS epoch):
 * the archive is a function of the contents alone.
 */
#include "services/svc_zip.h"

#include <string.h>
#include <zlib.h>

#include "base/mem.h"

#define ZIP_LIMIT UINT32_MAX
#define DOS_DATE 0x0021 /* 1980-01-01 */
#define UTF8_FLAG 0x0800

static void put16(uint8_t *p, uint16_t v) {
    p[0] = (uint8_t)v;
    p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v) {
    for (int i = 0; i < 4; i++) p[i] = (uint8_t)(v >> (8 * i));
}

void svc_zip_init(svc_zip *z) {
    memset(z, 0, sizeof *z);
    bk_buf_init(&z->data);
    bk_buf_init(&z->central);
}

void svc_zip_destroy(svc_zip *z) {
    bk_buf_destroy(&z->data);
    bk_buf_destroy(&z->central);
}

/* Raw-deflate `data` into a heap buffer; NULL when it does not shrink or on failure. */
static uint8_t *deflate_raw(const void *data, size_t len, size_t *out_len) {
    if (len < 64 || len > ZIP_LIMIT) return NULL;
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
        return NULL;
    size_t cap = deflateBound(&zs, (uLong)len);
    uint8_t *out = bk_malloc(cap);
    if (!out) {
        deflateEnd(&zs);
        return NULL;
    }
    zs.next_in = (Bytef *)(uintptr_t)data;
    zs.avail_in = (uInt)len;
    zs.next_out = out;
    zs.avail_out = (uInt)cap;
    int rc = deflate(&zs, Z_FINISH);
    *out_len = zs.total_out;
    deflateEnd(&zs);
    if (rc != Z_STREAM_END || *out_len >= len) {
        bk_free(out);
        return NULL;
    }
    return out;
}

void svc_zip_add(svc_zip *z, const char *name, const void *data, size_t len) {
    if (z->failed) return;
    size_t name_len = strlen(name);
    if (z->n_entries >= 0xffff || name_len > 0xffff || len > ZIP_LIMIT ||
        z->data.len + len + name_len + 30 > ZIP_LIMIT) {
        z->failed = BK_LIMIT_EXCEEDED;
        return;
    }
    uint32_t crc = (uint32_t)crc32(0L, (const Bytef *)data, (uInt)len);
    size_t packed_len = 0;
    uint8_t *packed = deflate_raw(data, len, &packed_len);
    uint16_t method = packed ? 8 : 0;
    const void *body = packed ? (const void *)packed : data;
    size_t body_len = packed ? packed_len : len;
    uint32_t offset = (uint32_t)z->data.len;

    uint8_t h[30];
    put32(h, 0x04034b50);
    put16(h + 4, 20);
    put16(h + 6, UTF8_FLAG);
    put16(h + 8, method);
    put16(h + 10, 0);
    put16(h + 12, DOS_DATE);
    put32(h + 14, crc);
    put32(h + 18, (uint32_t)body_len);
    put32(h + 22, (uint32_t)len);
    put16(h + 26, (uint16_t)name_len);
    put16(h + 28, 0);
    bk_status st = bk_buf_append(&z->data, h, sizeof h);
    if (st == BK_OK) st = bk_buf_append(&z->data, name, name_len);
    if (st == BK_OK && body_len) st = bk_buf_append(&z->data, body, body_len);

    uint8_t c[46];
    memset(c, 0, sizeof c);
    put32(c, 0x02014b50);
    put16(c + 4, 20);
    put16(c + 6, 20);
    put16(c + 8, UTF8_FLAG);
    put16(c + 10, method);
    put16(c + 12, 0);
    put16(c + 14, DOS_DATE);
    put32(c + 16, crc);
    put32(c + 20, (uint32_t)body_len);
    put32(c + 24, (uint32_t)len);
    put16(c + 28, (uint16_t)name_len);
    put32(c + 42, offset);
    if (st == BK_OK) st = bk_buf_append(&z->central, c, sizeof c);
    if (st == BK_OK) st = bk_buf_append(&z->central, name, name_len);
    bk_free(packed);
    if (st != BK_OK) z->failed = BK_OUT_OF_MEMORY;
    z->n_entries++;
}

bk_status svc_zip_finish(svc_zip *z, bk_arena *a, char **out, size_t *out_len, bk_error *err) {
    if (z->failed == BK_LIMIT_EXCEEDED)
        return bk_error_set(err, BK_LIMIT_EXCEEDED,
                            "the archive would exceed the ZIP limits (65,535 entries, 4 GiB)");
    if (z->failed) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory");
    size_t total = z->data.len + z->central.len + 22;
    if (total > ZIP_LIMIT)
        return bk_error_set(err, BK_LIMIT_EXCEEDED, "the archive would exceed 4 GiB");
    char *buf = bk_arena_alloc(a, total + 1);
    if (!buf) return bk_arena_oom(a, err);
    if (z->data.len) memcpy(buf, z->data.data, z->data.len);
    if (z->central.len) memcpy(buf + z->data.len, z->central.data, z->central.len);
    uint8_t *e = (uint8_t *)buf + z->data.len + z->central.len;
    memset(e, 0, 22);
    put32(e, 0x06054b50);
    put16(e + 8, (uint16_t)z->n_entries);
    put16(e + 10, (uint16_t)z->n_entries);
    put32(e + 12, (uint32_t)z->central.len);
    put32(e + 16, (uint32_t)z->data.len);
    buf[total] = '\0';
    *out = buf;
    *out_len = total;
    return BK_OK;
}
