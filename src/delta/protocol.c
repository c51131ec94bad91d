/*
 * protocol.c — which tables Bricks may read (PROTOCOL.md "Protocol Evolution",
 * "Table Features").
 *
 * Reader version 1 needs nothing; 2 adds column mapping; 3 lists reader features
 * explicitly.  A table that needs anything Bricks does not implement is refused
 * before a single data file is opened, with every missing feature named.
 */
#include <string.h>

#include "delta/snapshot.h"
#include <stdio.h>

/* Reader features Bricks implements. */
static const char *const supported_reader_features[] = {
    "columnMapping",        "deletionVectors", "timestampNtz",       "typeWidening",
    "typeWidening-preview", "v2Checkpoint",    "vacuumProtocolCheck"};

static bool in_list(const char *const *list, size_t n, const char *name) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(list[i], name) == 0) return true;
    return false;
}

bool delta_protocol_has_reader_feature(const delta_protocol *p, const char *feature) {
    return p->has_reader_features && in_list(p->reader_features, p->n_reader_features, feature);
}

bool delta_protocol_has_writer_feature(const delta_protocol *p, const char *feature) {
    return p->has_writer_features && in_list(p->writer_features, p->n_writer_features, feature);
}

bk_status delta_protocol_check_read(const delta_protocol *p, bk_error *err) {
    char missing[512] = {0};
    size_t used = 0, n_missing = 0;
    size_t n_supported = sizeof supported_reader_features / sizeof supported_reader_features[0];
    for (uint32_t i = 0; p->has_reader_features && i < p->n_reader_features; i++) {
        const char *f = p->reader_features[i];
        if (in_list(supported_reader_features, n_supported, f)) continue;
        if (used < sizeof missing)
            used += (size_t)snprintf(missing + used, sizeof missing - used, "%s\"%s\"",
                                     n_missing ? ", " : "", f);
        n_missing++;
    }
    bool version_ok = p->min_reader_version >= 1 && p->min_reader_version <= 3;
    if (!version_ok && n_missing)
        return bk_error_set(err, BK_UNSUPPORTED,
                            "the Delta table requires reader version %d and reader feature%s %s; "
                            "Bricks reads versions 1 to 3 and does not support %s",
                            p->min_reader_version, n_missing > 1 ? "s" : "", missing,
                            n_missing > 1 ? "them" : "it");
    if (!version_ok)
        return bk_error_set(err, BK_UNSUPPORTED,
                            "the Delta table requires reader version %d; Bricks reads versions "
                            "1 to 3",
                            p->min_reader_version);
    if (p->min_reader_version < 3 || n_missing == 0) return BK_OK;
    return bk_error_set(err, BK_UNSUPPORTED,
                        "the Delta table requires reader feature%s %s, which Bricks does not "
                        "support",
                        n_missing > 1 ? "s" : "", missing);
}

/* Writer features whose rules Bricks follows when it writes. */
static const char *const supported_writer_features[] = {
    "appendOnly",        "invariants",   "changeDataFeed",       "columnMapping",
    "deletionVectors",   "timestampNtz", "domainMetadata",       "vacuumProtocolCheck",
    "inCommitTimestamp", "typeWidening", "typeWidening-preview", "v2Checkpoint"};

/* Does any field (nested too) carry metadata key `key`? Returns the field or NULL. */
static const delta_field *field_with(const delta_field *fields, uint32_t n, const char *key) {
    for (uint32_t i = 0; i < n; i++) {
        if (fields[i].metadata_json && strstr(fields[i].metadata_json, key)) return &fields[i];
        const delta_field *f = field_with(fields[i].children, fields[i].n_children, key);
        if (f) return f;
    }
    return NULL;
}

bk_status delta_protocol_check_write(const delta_snapshot *s, bk_error *err) {
    const delta_protocol *p = &s->protocol;
    if (p->min_writer_version < 1 || p->min_writer_version > 7)
        return bk_error_set(err, BK_UNSUPPORTED,
                            "the Delta table requires writer version %d; Bricks writes versions "
                            "1 to 7",
                            p->min_writer_version);
    size_t n = sizeof supported_writer_features / sizeof supported_writer_features[0];
    for (uint32_t i = 0; p->has_writer_features && i < p->n_writer_features; i++)
        if (!in_list(supported_writer_features, n, p->writer_features[i]))
            return bk_error_set(err, BK_UNSUPPORTED,
                                "the Delta table requires writer feature \"%s\", which Bricks "
                                "does not support: the table is read-only here",
                                p->writer_features[i]);
    /* Features in use that Bricks would not enforce: refuse rather than break them. */
    for (uint32_t i = 0; i < s->metadata.configuration.n; i++)
        if (strncmp(s->metadata.configuration.keys[i], "delta.constraints.", 18) == 0)
            return bk_error_set(err, BK_UNSUPPORTED,
                                "the Delta table has CHECK constraint \"%s\", which Bricks does "
                                "not enforce: the table is read-only here",
                                s->metadata.configuration.keys[i] + 18);
    static const struct {
        const char *key, *what;
    } unenforced[] = {{"delta.invariants", "a column invariant"},
                      {"delta.generationExpression", "a generated column"},
                      {"delta.identity.", "an identity column"}};
    for (size_t k = 0; k < sizeof unenforced / sizeof unenforced[0]; k++) {
        const delta_field *f = field_with(s->schema.fields, s->schema.n_fields, unenforced[k].key);
        if (f)
            return bk_error_set(err, BK_UNSUPPORTED,
                                "column \"%s\" is %s, which Bricks does not maintain: the table "
                                "is read-only here",
                                f->name, unenforced[k].what);
    }
    return BK_OK;
}
