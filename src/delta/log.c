/*
 * log.c — listing _delta_log/ and planning which files rebuild a version.
 *
 * File names are parsed strictly (20-digit versions, 10-digit part numbers), so a
 * stray file in the folder is ignored rather than misread.  A multi-part
 * checkpoint counts only when all its parts are present: a writer that crashed
 * half-way leaves an incomplete one behind, and the protocol says to ignore it.
 */
#include "delta/log.h"

#include <jansson.h>
#include <string.h>

#include "base/log.h"

/* ---- file names ------------------------------------------------------------------------ */

/* Parse exactly `n` decimal digits at p; -1 when they are not all digits. */
static int64_t parse_digits(const char *p, size_t n) {
    int64_t v = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i] < '0' || p[i] > '9') return -1;
        v = v * 10 + (p[i] - '0');
    }
    return v;
}

typedef enum name_kind {
    NAME_OTHER,
    NAME_COMMIT,
    NAME_CHECKPOINT_CLASSIC,
    NAME_CHECKPOINT_PART,
    NAME_CHECKPOINT_V2,
    NAME_COMPACTION,
    NAME_CRC
} name_kind;

typedef struct parsed_name {
    name_kind kind;
    int64_t version; /* compaction: from */
    int64_t to;      /* compaction */
    int64_t part, parts;
} parsed_name;

/* A V2 checkpoint's middle part: a UUID (any token of letters, digits and '-'). */
static bool is_uuid_token(const char *p, size_t n) {
    if (n < 8) return false;
    for (size_t i = 0; i < n; i++) {
        char c = p[i];
        bool ok =
            (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '-';
        if (!ok) return false;
    }
    return true;
}

static parsed_name parse_log_name(const char *name) {
    parsed_name r = {NAME_OTHER, -1, -1, 0, 0};
    size_t len = strlen(name);
    if (len < 21 || name[20] != '.') return r;
    int64_t v = parse_digits(name, 20);
    if (v < 0) return r;
    const char *rest = name + 21;
    size_t rlen = len - 21;
    r.version = v;
    if (strcmp(rest, "json") == 0) {
        r.kind = NAME_COMMIT;
    } else if (strcmp(rest, "crc") == 0) {
        r.kind = NAME_CRC;
    } else if (strcmp(rest, "checkpoint.parquet") == 0) {
        r.kind = NAME_CHECKPOINT_CLASSIC;
    } else if (rlen == 20 + 15 && strcmp(rest + 20, ".compacted.json") == 0) {
        r.to = parse_digits(rest, 20);
        if (r.to >= v) r.kind = NAME_COMPACTION;
    } else if (rlen > 11 && strncmp(rest, "checkpoint.", 11) == 0) {
        const char *p = rest + 11;
        size_t plen = rlen - 11;
        /* multi-part: 0000000001.0000000003.parquet */
        if (plen == 10 + 1 + 10 + 8 && p[10] == '.' && strcmp(p + 21, ".parquet") == 0) {
            r.part = parse_digits(p, 10);
            r.parts = parse_digits(p + 11, 10);
            if (r.part >= 1 && r.parts >= 1 && r.part <= r.parts) r.kind = NAME_CHECKPOINT_PART;
            return r;
        }
        const char *dot = strrchr(p, '.');
        if (dot && (strcmp(dot, ".json") == 0 || strcmp(dot, ".parquet") == 0) &&
            is_uuid_token(p, (size_t)(dot - p)))
            r.kind = NAME_CHECKPOINT_V2;
    }
    return r;
}

/* ---- growable arena arrays -------------------------------------------------------------- */

/* Make room for one more element of `size` bytes in *items (capacity *cap). */
static bool grow(bk_arena *a, void **items, size_t n, size_t *cap, size_t size) {
    if (n < *cap) return true;
    size_t ncap = *cap ? *cap * 2 : 16;
    void *p = bk_arena_array(a, ncap, size);
    if (!p) return false;
    if (n) memcpy(p, *items, n * size);
    *items = p;
    *cap = ncap;
    return true;
}

/* ---- listing ---------------------------------------------------------------------------- */

/* Multi-part checkpoint parts seen so far for one (version, parts) pair. */
typedef struct part_group {
    int64_t version, parts;
    const char **keys; /* parts slots, NULL until seen */
} part_group;

bk_status delta_log_list(bk_arena *a, store_obj *st, int64_t from_version, delta_log_listing *out,
                         bk_error *err) {
    memset(out, 0, sizeof *out);
    out->latest = -1;
    char start_after[64] = {0};
    if (from_version > 0) {
        /* Keys of version v start with its 20 digits; list everything after v-1's. */
        snprintf(start_after, sizeof start_after, DELTA_LOG_DIR "%020lld.~",
                 (long long)(from_version - 1));
    }
    store_obj_entry *entries = NULL;
    size_t n_entries = 0;
    bk_status s = store_obj_list(a, st, DELTA_LOG_DIR, start_after[0] ? start_after : NULL, 0,
                                 &entries, &n_entries, err);
    if (s == BK_NOT_FOUND) {
        bk_error_clear(err);
        return BK_OK;
    }
    if (s != BK_OK) return s;

    size_t cap_commits = 0, cap_cps = 0, cap_comp = 0, cap_crcs = 0, n_groups = 0, cap_groups = 0;
    part_group *groups = NULL;
    for (size_t i = 0; i < n_entries; i++) {
        const char *key = entries[i].key;
        const char *name = strrchr(key, '/');
        name = name ? name + 1 : key;
        parsed_name pn = parse_log_name(name);
        switch (pn.kind) {
        case NAME_OTHER:
            break;
        case NAME_CRC:
            if (!grow(a, (void **)&out->crc_versions, out->n_crcs, &cap_crcs,
                      sizeof *out->crc_versions))
                return bk_arena_oom(a, err);
            out->crc_versions[out->n_crcs++] = pn.version;
            break;
        case NAME_COMMIT:
            if (!grow(a, (void **)&out->commits, out->n_commits, &cap_commits,
                      sizeof *out->commits))
                return bk_arena_oom(a, err);
            out->commits[out->n_commits++] =
                (delta_log_commit){pn.version, key, entries[i].mtime_ms, entries[i].size};
            break;
        case NAME_CHECKPOINT_CLASSIC:
        case NAME_CHECKPOINT_V2: {
            if (!grow(a, (void **)&out->checkpoints, out->n_checkpoints, &cap_cps,
                      sizeof *out->checkpoints))
                return bk_arena_oom(a, err);
            const char **keys = bk_arena_alloc(a, sizeof *keys);
            if (!keys) return bk_arena_oom(a, err);
            keys[0] = key;
            out->checkpoints[out->n_checkpoints++] = (delta_log_checkpoint){
                pn.version,
                pn.kind == NAME_CHECKPOINT_V2 ? DELTA_CHECKPOINT_V2 : DELTA_CHECKPOINT_CLASSIC, 1,
                keys};
            break;
        }
        case NAME_CHECKPOINT_PART: {
            part_group *g = NULL;
            for (size_t k = 0; k < n_groups; k++)
                if (groups[k].version == pn.version && groups[k].parts == pn.parts) g = &groups[k];
            if (!g) {
                if (pn.parts > 100000) break; /* not a real checkpoint */
                if (!grow(a, (void **)&groups, n_groups, &cap_groups, sizeof *groups))
                    return bk_arena_oom(a, err);
                g = &groups[n_groups++];
                g->version = pn.version;
                g->parts = pn.parts;
                g->keys = bk_arena_zalloc(a, (size_t)pn.parts * sizeof *g->keys);
                if (!g->keys) return bk_arena_oom(a, err);
            }
            g->keys[pn.part - 1] = key;
            break;
        }
        case NAME_COMPACTION:
            if (!grow(a, (void **)&out->compactions, out->n_compactions, &cap_comp,
                      sizeof *out->compactions))
                return bk_arena_oom(a, err);
            out->compactions[out->n_compactions++] = (delta_log_compaction){pn.version, pn.to, key};
            break;
        }
    }
    /* Complete multi-part checkpoints join the others, kept in version order. */
    for (size_t k = 0; k < n_groups; k++) {
        bool complete = true;
        for (int64_t p = 0; p < groups[k].parts; p++)
            if (!groups[k].keys[p]) complete = false;
        if (!complete) {
            bk_log_warn("delta: ignoring incomplete multi-part checkpoint at version %lld",
                        (long long)groups[k].version);
            continue;
        }
        if (!grow(a, (void **)&out->checkpoints, out->n_checkpoints, &cap_cps,
                  sizeof *out->checkpoints))
            return bk_arena_oom(a, err);
        size_t at = out->n_checkpoints;
        while (at > 0 && out->checkpoints[at - 1].version > groups[k].version) at--;
        memmove(&out->checkpoints[at + 1], &out->checkpoints[at],
                (out->n_checkpoints - at) * sizeof *out->checkpoints);
        out->checkpoints[at] = (delta_log_checkpoint){groups[k].version, DELTA_CHECKPOINT_MULTIPART,
                                                      (uint32_t)groups[k].parts, groups[k].keys};
        out->n_checkpoints++;
    }
    if (out->n_commits) out->latest = out->commits[out->n_commits - 1].version;
    if (out->n_checkpoints && out->checkpoints[out->n_checkpoints - 1].version > out->latest)
        out->latest = out->checkpoints[out->n_checkpoints - 1].version;
    return BK_OK;
}

const delta_log_commit *delta_log_find_commit(const delta_log_listing *l, int64_t version) {
    size_t lo = 0, hi = l->n_commits;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (l->commits[mid].version < version)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo < l->n_commits && l->commits[lo].version == version) return &l->commits[lo];
    return NULL;
}

/* True when every commit in [from, to] is listed (commits are sorted and unique). */
static bool commits_contiguous(const delta_log_listing *l, int64_t from, int64_t to) {
    if (from > to) return true;
    const delta_log_commit *first = delta_log_find_commit(l, from);
    if (!first) return false;
    size_t i = (size_t)(first - l->commits);
    size_t need = (size_t)(to - from);
    return i + need < l->n_commits && l->commits[i + need].version == to;
}

static bool skipped(const delta_log_checkpoint *cp, const delta_log_checkpoint *const *skip,
                    size_t n_skip) {
    for (size_t i = 0; i < n_skip; i++)
        if (skip[i] == cp) return true;
    return false;
}

bool delta_log_has_crc(const delta_log_listing *l, int64_t version) {
    for (size_t i = 0; i < l->n_crcs; i++)
        if (l->crc_versions[i] == version) return true;
    return false;
}

int64_t delta_log_earliest_version(const delta_log_listing *l) {
    if (l->n_commits && l->commits[0].version == 0) return 0;
    return l->n_checkpoints ? l->checkpoints[0].version : -1;
}

bk_status delta_log_plan_version(const delta_log_listing *l, int64_t version,
                                 const delta_log_checkpoint *const *skip, size_t n_skip,
                                 delta_log_plan *out, bk_error *err) {
    if (l->latest < 0)
        return bk_error_set(err, BK_NOT_FOUND, "not a Delta table: _delta_log has no commits");
    if (version < 0 || version > l->latest)
        return bk_error_set(err, BK_NOT_FOUND,
                            "version %lld of the Delta table does not exist: versions go up to "
                            "%lld",
                            (long long)version, (long long)l->latest);
    for (size_t i = l->n_checkpoints; i-- > 0;) {
        const delta_log_checkpoint *cp = &l->checkpoints[i];
        if (cp->version > version || skipped(cp, skip, n_skip)) continue;
        if (commits_contiguous(l, cp->version + 1, version)) {
            *out = (delta_log_plan){cp, cp->version + 1, version};
            return BK_OK;
        }
    }
    if (commits_contiguous(l, 0, version)) {
        *out = (delta_log_plan){NULL, 0, version};
        return BK_OK;
    }
    int64_t earliest = delta_log_earliest_version(l);
    if (earliest >= 0 && version < earliest)
        return bk_error_set(err, BK_NOT_FOUND,
                            "cannot time travel to version %lld: its log files have been cleaned "
                            "up; the earliest version that can be read is %lld",
                            (long long)version, (long long)earliest);
    return bk_error_set(err, BK_CORRUPT,
                        "the Delta log cannot rebuild version %lld: a commit file between the "
                        "last checkpoint and that version is missing",
                        (long long)version);
}

int64_t delta_log_last_checkpoint_hint(bk_arena *a, store_obj *st) {
    uint8_t *data = NULL;
    size_t len = 0;
    bk_error err = {0};
    if (store_obj_get(a, st, DELTA_LOG_DIR "_last_checkpoint", &data, &len, &err) != BK_OK)
        return -1;
    json_error_t jerr;
    json_t *root = json_loadb((const char *)data, len, 0, &jerr);
    int64_t v = -1;
    if (root && json_is_object(root)) {
        json_t *jv = json_object_get(root, "version");
        if (json_is_integer(jv) && json_integer_value(jv) >= 0) v = json_integer_value(jv);
    }
    json_decref(root);
    if (v < 0) bk_log_warn("delta: ignoring unreadable _delta_log/_last_checkpoint");
    return v;
}
