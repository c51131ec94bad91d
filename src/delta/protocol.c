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
