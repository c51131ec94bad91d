/*
 * dv.c — deletion vector descriptors and storage: find a DV, load it, write DVs.
 *
 * A descriptor (delta_dv_ref, the log's DeletionVectorDescriptor) says where a
 * DV's bytes are (PROTOCOL.md "Deletion Vector Descriptor Schema"):
 *
 *     'i'  inline: pathOrInlineDv is the Z85 text of the bytes, padded with zeros
 *          to a multiple of 4; sizeInBytes is the unpadded length
 *     'u'  <prefix><20-char Z85 UUID>: the file
 *          <table>/<prefix>/deletion_vector_<canonical uuid>.bin
 *     'p'  an absolute path, written like an add action's path (a URI)
 *
 * A DV file ("Deletion Vector File Storage Format") is one version byte (1) and
 * then, per DV, at the descriptor's offset:
 *
 *     size   u32 big-endian, == sizeInBytes
 *     data   `size` bytes: the serialized DV (roaring.c)
 *     crc    u32 big-endian, the CRC-32 (zlib's) of `data`
 *
 * The spec leaves the byte order of size and crc unsaid; Delta writes them with
 * Java's DataOutputStream, which is big-endian, and so do we.  The offset points at
 * `size`, so the first DV of a file is at offset 1.
 *
 * Loading checks everything the format lets a reader check (version, size, CRC,
 * the roaring structure, the cardinality the log promised) and names the file and
 * the offset in every error, because a wrong DV silently returns deleted rows.
 * Writing builds the whole file in memory and puts it in place with one atomic,
 * no-replace store_write_file, so a crash leaves either no file or a whole one.
 */
#include "delta/dv.h"

#include <stdio.h>
#include <string.h>
#include <zlib.h>

#include "base/mem.h"
#include "base/uuid.h"
#include "delta/z85.h"
#include "store/store.h"

#define UUID_Z85_LEN 20  /* Z85 characters of a 16-byte UUID */
#define UUID_TEXT_LEN 36 /* 8-4-4-4-12 hex digits */

/* ---- helpers -------------------------------------------------------------------------------- */

static uint32_t load_be32(const uint8_t *p) {
    return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

static void store_be32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)(v >> 24);
    p[1] = (uint8_t)(v >> 16);
    p[2] = (uint8_t)(v >> 8);
    p[3] = (uint8_t)v;
}

/* zlib's crc32 takes uInt lengths; DV sizes are below 2^31, so one call suffices. */
static uint32_t crc32_of(const uint8_t *data, size_t len) {
    return (uint32_t)crc32(crc32(0L, Z_NULL, 0), data, (uInt)len);
}

/* Join a directory and a relative path with exactly one '/' between them, in `a`. */
static char *path_join(bk_arena *a, const char *dir, const char *rel) {
    size_t len = strlen(dir);
    while (len > 1 && dir[len - 1] == '/') len--;
    return bk_arena_printf(a, "%.*s/%s", (int)len, dir, rel);
}

/*
 * A 'p' descriptor's path as a local file name: a file: URI (file:/x, file:///x,
 * file://localhost/x), an absolute path, or (leniently) a path relative to the
 * table; %-escapes decoded.  Any other URI scheme is BK_UNSUPPORTED.
 */
static bk_status local_path(bk_arena *a, const char *table_root, const char *uri, const char **out,
                            bk_error *err) {
    const char *rest = uri;
    if (strncmp(uri, "file:", 5) == 0) {
        rest = uri + 5;
        if (strncmp(rest, "//", 2) == 0) {
            const char *host = rest + 2, *slash = strchr(host, '/');
            size_t host_len = slash ? (size_t)(slash - host) : strlen(host);
            if (!slash || (host_len && !(host_len == 9 && strncmp(host, "localhost", 9) == 0)))
                return bk_error_set(err, BK_UNSUPPORTED,
                                    "deletion vector path \"%s\": only local files can be read "
                                    "(the URI names host \"%.*s\")",
                                    uri, (int)host_len, host);
            rest = slash;
        }
    } else {
        /* a scheme is letters, digits, + - . followed by ':' */
        size_t k = 0;
        while ((uri[k] >= 'a' && uri[k] <= 'z') || (uri[k] >= 'A' && uri[k] <= 'Z') ||
               (k > 0 && ((uri[k] >= '0' && uri[k] <= '9') || uri[k] == '+' || uri[k] == '-' ||
                          uri[k] == '.')))
            k++;
        if (k > 0 && uri[k] == ':')
            return bk_error_set(err, BK_UNSUPPORTED,
                                "deletion vector path \"%s\": the URI scheme \"%.*s\" is not "
                                "supported (only local files and file: URIs are)",
                                uri, (int)k, uri);
    }
    const char *decoded = delta_path_decode(a, rest);
    if (!decoded) {
        if (bk_arena_failed(a)) return bk_arena_oom(a, err);
        return bk_error_set(err, BK_CORRUPT, "deletion vector path \"%s\" has an invalid %%-escape",
                            uri);
    }
    if (decoded[0] != '/') {
        decoded = path_join(a, table_root, decoded);
        if (!decoded) return bk_arena_oom(a, err);
    }
    *out = decoded;
    return BK_OK;
}

/*
 * Report a failure `inner` (from the parser, which starts its messages with
 * "deletion vector: ") at `where` ("deletion vector file \"x\" at offset 1"), with
 * the descriptor's uniqueId as the detail.  Returns inner's code.
 */
BK_NOINLINE static bk_status fail_at(bk_arena *a, const delta_dv_ref *ref, const char *where,
                                     const bk_error *inner, bk_error *err) {
    const char *msg = inner->msg;
    if (strncmp(msg, "deletion vector: ", 17) == 0) msg += 17;
    bk_status code = bk_error_set(err, inner->code, "%s: %s", where, msg);
    const char *id = delta_dv_unique_id(a, ref);
    if (id) bk_error_detail(err, "deletion vector descriptor %s", id);
    return code;
}

/* ---- descriptors ---------------------------------------------------------------------------- */

const char *delta_dv_unique_id(bk_arena *a, const delta_dv_ref *ref) {
    const char *text = ref->path_or_inline_dv ? ref->path_or_inline_dv : "";
    if (ref->has_offset) return bk_arena_printf(a, "%c%s@%d", ref->storage_type, text, ref->offset);
    return bk_arena_printf(a, "%c%s", ref->storage_type, text);
}

bk_status delta_dv_file_path(bk_arena *a, const char *table_root, const delta_dv_ref *ref,
                             const char **out, bk_error *err) {
    const char *text = ref->path_or_inline_dv;
    if (!text)
        return bk_error_set(err, BK_CORRUPT, "deletion vector descriptor has no pathOrInlineDv");
    switch (ref->storage_type) {
    case 'u': {
        size_t len = strlen(text);
        if (len < UUID_Z85_LEN)
            return bk_error_set(err, BK_CORRUPT,
                                "deletion vector descriptor: pathOrInlineDv \"%s\" is shorter "
                                "than the %d-character UUID it must end with",
                                text, UUID_Z85_LEN);
        uint8_t uuid[16];
        bk_error inner;
        bk_error_clear(&inner);
        if (delta_z85_decode(text + len - UUID_Z85_LEN, UUID_Z85_LEN, uuid, &inner) != BK_OK)
            return bk_error_set(err, BK_CORRUPT,
                                "deletion vector descriptor: pathOrInlineDv \"%s\" does not end "
                                "with a Z85 UUID: %s",
                                text, inner.msg);
        char uuid_text[UUID_TEXT_LEN + 1];
        bk_uuid_format(uuid, uuid_text);
        size_t prefix_len = len - UUID_Z85_LEN;
        char *rel = prefix_len ? bk_arena_printf(a, "%.*s/deletion_vector_%s.bin", (int)prefix_len,
                                                 text, uuid_text)
                               : bk_arena_printf(a, "deletion_vector_%s.bin", uuid_text);
        char *path = rel ? path_join(a, table_root, rel) : NULL;
        if (!path) return bk_arena_oom(a, err);
        *out = path;
        return BK_OK;
    }
    case 'p':
        return local_path(a, table_root, text, out, err);
    case 'i':
        return bk_error_set(err, BK_CORRUPT,
                            "deletion vector descriptor: an inline deletion vector has no file");
    default:
        return bk_error_set(err, BK_UNSUPPORTED,
                            "deletion vector descriptor: unknown storageType '%c' (expected "
                            "'u', 'i' or 'p')",
                            ref->storage_type);
    }
}

/* ---- loading -------------------------------------------------------------------------------- */

/* The inline DV of `ref`: decode the Z85 text, keep sizeInBytes bytes, parse them. */
static bk_status load_inline(bk_arena *a, const delta_dv_ref *ref, delta_dv **out, bk_error *err) {
    const char *text = ref->path_or_inline_dv;
    size_t len = strlen(text);
    bk_error inner;
    bk_error_clear(&inner);
    if (len % 5 != 0) {
        bk_error_set(&inner, BK_CORRUPT, "its Z85 text has %zu characters, not a multiple of 5",
                     len);
        return fail_at(a, ref, "inline deletion vector", &inner, err);
    }
    size_t n = delta_z85_decoded_len(len);
    /* Delta pads the bytes to a multiple of 4, so fewer than 4 bytes may be extra. */
    if ((size_t)ref->size_in_bytes > n || n - (size_t)ref->size_in_bytes >= 4)
        return bk_error_set(err, BK_CORRUPT,
                            "inline deletion vector: sizeInBytes %d does not match its %zu "
                            "characters of Z85 text (%zu bytes)",
                            ref->size_in_bytes, len, n);
    uint8_t *bytes = bk_malloc(n ? n : 1);
    if (!bytes) return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory");
    bk_status st = delta_z85_decode(text, len, bytes, &inner);
    if (st == BK_OK) st = delta_dv_parse(a, bytes, (size_t)ref->size_in_bytes, out, &inner);
    bk_free(bytes);
    if (st != BK_OK) return fail_at(a, ref, "inline deletion vector", &inner, err);
    return BK_OK;
}

/*
 * The DV of `ref` stored at ref->offset in the file at `path` (see the top of this
 * file); `where` names both in errors.
 */
static bk_status load_from_file(bk_arena *a, const char *path, const char *where,
                                const delta_dv_ref *ref, delta_dv **out, bk_error *err) {
    int32_t offset = ref->has_offset ? ref->offset : 1;
    bk_error inner;
    bk_error_clear(&inner);
    if (offset < 1) {
        bk_error_set(&inner, BK_CORRUPT, "the offset must be at least 1 (after the version byte)");
        return fail_at(a, ref, where, &inner, err);
    }

    store_map map;
    BK_TRY(store_file_map(path, &map, err));
    size_t size = map.size, size_in_bytes = (size_t)ref->size_in_bytes;
    const uint8_t *p = map.data;
    if (size == 0 || p[0] != DELTA_DV_FILE_VERSION) {
        if (size == 0)
            bk_error_set(&inner, BK_CORRUPT, "the file is empty");
        else
            bk_error_set(&inner, BK_CORRUPT, "unsupported file format version %u (expected %d)",
                         p[0], DELTA_DV_FILE_VERSION);
    } else if ((size_t)offset + 4 + size_in_bytes + 4 > size) {
        bk_error_set(&inner, BK_CORRUPT,
                     "the file is %zu bytes, too short for a deletion vector of %zu bytes and "
                     "its size and checksum at this offset",
                     size, size_in_bytes);
    } else if (load_be32(p + offset) != (uint32_t)ref->size_in_bytes) {
        bk_error_set(&inner, BK_CORRUPT,
                     "the stored size %u does not match the descriptor's sizeInBytes %d",
                     load_be32(p + offset), ref->size_in_bytes);
    } else {
        const uint8_t *data = p + offset + 4;
        uint32_t stored = load_be32(data + size_in_bytes);
        uint32_t computed = crc32_of(data, size_in_bytes);
        if (stored != computed)
            bk_error_set(&inner, BK_CORRUPT,
                         "checksum mismatch (stored 0x%08x, computed 0x%08x): the file is "
                         "damaged",
                         stored, computed);
        else
            delta_dv_parse(a, data, size_in_bytes, out, &inner);
    }
    store_file_unmap(&map);
    if (inner.code != BK_CODE_OK) return fail_at(a, ref, where, &inner, err);
    return BK_OK;
}

bk_status delta_dv_load(bk_arena *a, const char *table_root, const delta_dv_ref *ref,
                        delta_dv **out, bk_error *err) {
    if (!ref->path_or_inline_dv)
        return bk_error_set(err, BK_CORRUPT, "deletion vector descriptor has no pathOrInlineDv");
    if (ref->size_in_bytes < 0 || ref->cardinality < 0)
        return bk_error_set(err, BK_CORRUPT,
                            "deletion vector descriptor \"%s\": sizeInBytes %d and cardinality "
                            "%lld must not be negative",
                            ref->path_or_inline_dv, ref->size_in_bytes,
                            (long long)ref->cardinality);
    delta_dv *dv = NULL;
    const char *where = "inline deletion vector";
    if (ref->storage_type == 'i') {
        BK_TRY(load_inline(a, ref, &dv, err));
    } else {
        const char *path;
        BK_TRY(delta_dv_file_path(a, table_root, ref, &path, err));
        where = bk_arena_printf(a, "deletion vector file \"%s\" at offset %d", path,
                                ref->has_offset ? (int)ref->offset : 1);
        if (!where) return bk_arena_oom(a, err);
        BK_TRY(load_from_file(a, path, where, ref, &dv, err));
    }
    if (delta_dv_cardinality(dv) != (uint64_t)ref->cardinality) {
        bk_error inner;
        bk_error_clear(&inner);
        bk_error_set(&inner, BK_CORRUPT,
                     "it holds %llu rows but its descriptor says cardinality %lld",
                     (unsigned long long)delta_dv_cardinality(dv), (long long)ref->cardinality);
        return fail_at(a, ref, where, &inner, err);
    }
    *out = dv;
    return BK_OK;
}

/* ---- writing -------------------------------------------------------------------------------- */

bk_status delta_dv_encode_inline(bk_arena *a, const delta_dv *dv, delta_dv_ref *ref_out,
                                 bk_error *err) {
    bk_buf b;
    bk_buf_init(&b);
    bk_status st = delta_dv_serialize(dv, &b);
    size_t raw = b.len;
    while (st == BK_OK && b.len % 4 != 0) st = bk_buf_append_u8(&b, 0);
    if (st != BK_OK) {
        bk_buf_destroy(&b);
        return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory");
    }
    if (raw > INT32_MAX) {
        bk_buf_destroy(&b);
        return bk_error_set(err, BK_LIMIT_EXCEEDED,
                            "deletion vector of %zu bytes is too large to store inline", raw);
    }
    char *text = bk_arena_alloc(a, delta_z85_encoded_len(b.len) + 1);
    if (!text) {
        bk_buf_destroy(&b);
        return bk_arena_oom(a, err);
    }
    st = delta_z85_encode(b.data, b.len, text, err);
    bk_buf_destroy(&b);
    if (st != BK_OK) return st;
    memset(ref_out, 0, sizeof *ref_out);
    ref_out->storage_type = 'i';
    ref_out->path_or_inline_dv = text;
    ref_out->size_in_bytes = (int32_t)raw;
    ref_out->cardinality = (int64_t)delta_dv_cardinality(dv);
    return BK_OK;
}

/* Append one DV as stored in a file: size (BE), bytes, CRC-32 (BE).  Sets its ref fields. */
static bk_status append_framed(bk_buf *b, const delta_dv *dv, delta_dv_ref *ref, bk_error *err) {
    size_t offset = b->len;
    uint8_t frame[4] = {0};
    if (bk_buf_append(b, frame, 4) != BK_OK || delta_dv_serialize(dv, b) != BK_OK)
        return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory");
    size_t size = b->len - offset - 4;
    /* The offset and the size are ints in the log, so the whole file stays below 2 GiB. */
    if (offset + 4 + size + 4 > INT32_MAX)
        return bk_error_set(err, BK_LIMIT_EXCEEDED,
                            "deletion vector file would pass 2 GiB (a deletion vector of %zu "
                            "bytes at offset %zu); write fewer deletion vectors per file",
                            size, offset);
    store_be32(b->data + offset, (uint32_t)size);
    store_be32(frame, crc32_of(b->data + offset + 4, size));
    if (bk_buf_append(b, frame, 4) != BK_OK)
        return bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory");
    memset(ref, 0, sizeof *ref);
    ref->storage_type = 'u';
    ref->has_offset = true;
    ref->offset = (int32_t)offset;
    ref->size_in_bytes = (int32_t)size;
    ref->cardinality = (int64_t)delta_dv_cardinality(dv);
    return BK_OK;
}

bk_status delta_dv_write_file(bk_arena *a, const char *table_root, delta_dv *const *dvs, size_t n,
                              delta_dv_ref *refs_out, bk_error *err) {
    if (n == 0)
        return bk_error_set(err, BK_INVALID_ARGUMENT,
                            "no deletion vectors to write to a deletion vector file");
    delta_dv_ref *refs = bk_arena_array(a, n, sizeof(delta_dv_ref));
    if (!refs) return bk_arena_oom(a, err);
    bk_buf b;
    bk_buf_init(&b);
    bk_status st = bk_buf_append_u8(&b, DELTA_DV_FILE_VERSION);
    if (st != BK_OK) st = bk_error_set(err, BK_OUT_OF_MEMORY, "out of memory");
    for (size_t i = 0; st == BK_OK && i < n; i++) st = append_framed(&b, dvs[i], &refs[i], err);

    /*
     * A fresh random UUID names the file, and STORE_NO_REPLACE makes sure we never
     * overwrite a DV someone else wrote; on the (astronomically unlikely) clash,
     * draw another name.
     */
    char *z85 = NULL;
    for (int attempt = 0; st == BK_OK && attempt < 3; attempt++) {
        uint8_t uuid[16];
        char uuid_text[UUID_TEXT_LEN + 1], z85_text[UUID_Z85_LEN + 1];
        bk_uuid_v4(uuid);
        bk_uuid_format(uuid, uuid_text);
        st = delta_z85_encode(uuid, 16, z85_text, err);
        if (st != BK_OK) break;
        char name[64];
        snprintf(name, sizeof name, "deletion_vector_%s.bin", uuid_text);
        const char *path = path_join(a, table_root, name);
        z85 = bk_arena_strdup(a, z85_text);
        if (!path || !z85) {
            st = bk_arena_oom(a, err);
            break;
        }
        bk_error inner;
        bk_error_clear(&inner);
        st = store_write_file(path, b.data, b.len, STORE_NO_REPLACE, &inner);
        if (st == BK_ALREADY_EXISTS && attempt < 2) {
            st = BK_OK;
            z85 = NULL;
            continue;
        }
        if (st != BK_OK) bk_error_set(err, inner.code, "%s", inner.msg);
        break;
    }
    bk_buf_destroy(&b);
    if (st != BK_OK) return st;
    for (size_t i = 0; i < n; i++) {
        refs[i].path_or_inline_dv = z85;
        refs_out[i] = refs[i];
    }
    return BK_OK;
}
