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

/* ---- reading ---- */

static uint16_t get16(const uint8_t *p) { return (uint16_t)(p[0] | p[1] << 8); }

static uint32_t get32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

bool svc_zip_is_archive(const char *data, size_t len) {
    return len >= 4 && memcmp(data, "PK\x03\x04", 4) == 0;
}

static bk_status damaged(const char *why, bk_error *err) {
    return bk_error_set(err, BK_INVALID_ARGUMENT, "The ZIP archive is damaged: %s", why);
}

/* Inflate raw deflate data into exactly `want` bytes. */
static bool inflate_raw(const uint8_t *in, size_t in_len, char *out, size_t want) {
    z_stream zs;
    memset(&zs, 0, sizeof zs);
    if (inflateInit2(&zs, -15) != Z_OK) return false;
    zs.next_in = (Bytef *)(uintptr_t)in;
    zs.avail_in = (uInt)in_len;
    zs.next_out = (Bytef *)out;
    zs.avail_out = (uInt)want;
    int rc = inflate(&zs, Z_FINISH);
    bool ok = rc == Z_STREAM_END && zs.total_out == want;
    inflateEnd(&zs);
    return ok;
}

bk_status svc_unzip(bk_arena *a, const char *data, size_t len, size_t max_total,
                    svc_zip_entry **out, size_t *n, bk_error *err) {
    *out = NULL;
    *n = 0;
    const uint8_t *b = (const uint8_t *)data;
    if (len < 22) return damaged("too short", err);
    /* The end record is the last 22 bytes plus a comment of up to 65,535 bytes. */
    size_t eocd = len - 22;
    while (get32(b + eocd) != 0x06054b50) {
        if (eocd == 0 || len - eocd > 22 + 0xffff) return damaged("no end record", err);
        eocd--;
    }
    size_t count = get16(b + eocd + 10);
    size_t cd_size = get32(b + eocd + 12), cd_off = get32(b + eocd + 16);
    if (cd_off > eocd || cd_size > eocd - cd_off) return damaged("bad central directory", err);
    svc_zip_entry *entries = count ? bk_arena_array(a, count, sizeof *entries) : NULL;
    if (count && !entries) return bk_arena_oom(a, err);
    size_t pos = cd_off, total = 0;
    for (size_t i = 0; i < count; i++) {
        if (pos + 46 > cd_off + cd_size || get32(b + pos) != 0x02014b50)
            return damaged("bad central directory entry", err);
        uint16_t method = get16(b + pos + 10);
        uint32_t crc = get32(b + pos + 16);
        size_t csize = get32(b + pos + 20), usize = get32(b + pos + 24);
        size_t name_len = get16(b + pos + 28), extra = get16(b + pos + 30),
               comment = get16(b + pos + 32);
        size_t local = get32(b + pos + 42);
        if (pos + 46 + name_len > cd_off + cd_size) return damaged("bad entry name", err);
        char *name = bk_arena_strndup(a, data + pos + 46, name_len);
        if (!name) return bk_arena_oom(a, err);
        pos += 46 + name_len + extra + comment;
        if (local + 30 > cd_off || get32(b + local) != 0x04034b50)
            return damaged("bad local header", err);
        size_t start = local + 30 + get16(b + local + 26) + get16(b + local + 28);
        if (start > cd_off || csize > cd_off - start) return damaged("entry out of bounds", err);
        total += usize;
        if (total > max_total)
            return bk_error_set(err, BK_WS_MAX_NOTEBOOK_SIZE,
                                "The ZIP archive unpacks to more than %zu bytes (10 MB)",
                                max_total);
        char *buf = bk_arena_alloc(a, usize + 1);
        if (!buf) return bk_arena_oom(a, err);
        if (method == 0) {
            if (csize != usize) return damaged("stored entry sizes differ", err);
            if (usize) memcpy(buf, data + start, usize);
        } else if (method == 8) {
            if (!inflate_raw(b + start, csize, buf, usize)) return damaged("bad deflate data", err);
        } else {
            return bk_error_set(err, BK_INVALID_ARGUMENT,
                                "The ZIP archive uses compression method %u: only stored (0) and"
                                " deflate (8) are supported",
                                method);
        }
        buf[usize] = '\0';
        if ((uint32_t)crc32(0L, (const Bytef *)buf, (uInt)usize) != crc)
            return damaged("CRC mismatch", err);
        entries[i].name = name;
        entries[i].data = buf;
        entries[i].len = usize;
    }
    *out = entries;
    *n = count;
    return BK_OK;
}
