/*
 * checkpoint_read.c — reading checkpoints and JSON log files into action lists.
 *
 * A Parquet checkpoint (classic, a multi-part part, a V2 top-level file or a
 * sidecar) is read row group by row group, projecting only the action columns;
 * delta_actions_from_checkpoint turns the rows into actions.  A V2 checkpoint's
 * sidecar actions name more Parquet files under _delta_log/_sidecars/, read the
 * same way (PROTOCOL.md "V2 Spec", "Sidecar Files").
 */
#include <string.h>

#include "delta/snapshot.h"
#include "parquet/parquet.h"

/* The top-level checkpoint columns that carry actions Bricks reads. */
static const char *const action_columns[] = {
    "add", "remove",         "metaData",           "protocol",
    "txn", "domainMetadata", "checkpointMetadata", "sidecar"};
enum { N_ACTION_COLUMNS = sizeof action_columns / sizeof action_columns[0] };

/*
 * An open checkpoint file.  The actions keep views into vectors whose types live
 * in the reader, so the reader (and the mapping under it) stays open until the
 * arena holding the actions goes.
 */
typedef struct open_part {
    bk_cleanup cleanup;
    store_obj *st;
    store_map bytes;
    pq_reader *reader;
} open_part;

static void close_part(void *arg) {
    open_part *p = arg;
    pq_reader_close(p->reader);
    store_obj_unmap(p->st, &p->bytes);
}

/* The field of each action column that every action of its kind has. */
static const char *key_field(const char *column) {
    if (strcmp(column, "add") == 0 || strcmp(column, "remove") == 0 ||
        strcmp(column, "sidecar") == 0)
        return "path";
    if (strcmp(column, "txn") == 0) return "appId";
    if (strcmp(column, "domainMetadata") == 0) return "domain";
    if (strcmp(column, "checkpointMetadata") == 0) return "version";
    return NULL; /* metaData and protocol: one row, never skipped */
}

/*
 * True when row group `rg` holds no action of column `column`: its key field
 * (which every such action has) is NULL in every row, by the chunk statistics.
 * Such columns (e.g. "remove" in a checkpoint without tombstones) are not decoded.
 */
static bool column_empty(const pq_file_meta *m, uint32_t rg, const char *column) {
    const char *field = key_field(column);
    if (!field) return false;
    const pq_row_group *g = &m->row_groups[rg];
    for (uint32_t c = 0; c < g->n_columns; c++) {
        const pq_column_chunk *cc = &g->columns[c];
        const pq_column_meta *cm = &cc->meta;
        if (!cc->has_meta_data || cm->n_path != 2 || strcmp(cm->path_in_schema[0], column) != 0 ||
            strcmp(cm->path_in_schema[1], field) != 0)
            continue;
        return cm->has_statistics && cm->statistics.has_null_count &&
               cm->statistics.null_count == g->num_rows && cm->num_values == g->num_rows;
    }
    return false;
}

/* Read one Parquet file of actions (checkpoint part or sidecar) at `key`. */
static bk_status read_parquet_actions(bk_arena *a, store_obj *st, const char *key,
                                      delta_action_list *out, bk_error *err) {
    open_part *part = bk_arena_zalloc(a, sizeof *part);
    if (!part) return bk_arena_oom(a, err);
    store_map bytes;
    BK_TRY(store_obj_map(st, key, &bytes, err));
    pq_reader *r = NULL;
    bk_status s = pq_reader_open_memory(bytes.data, bytes.size, key, NULL, &r, err);
    if (s != BK_OK) {
        store_obj_unmap(st, &bytes);
        return s;
    }
    part->st = st;
    part->bytes = bytes;
    part->reader = r;
    part->cleanup.fn = close_part;
    part->cleanup.arg = part;
    bk_arena_on_reset(a, &part->cleanup);
    const bk_type *schema = pq_reader_schema(r);
    uint32_t fields[N_ACTION_COLUMNS];
    const char *names[N_ACTION_COLUMNS];
    uint32_t n_fields = 0;
    for (uint32_t f = 0; f < schema->n_children; f++) {
        for (size_t k = 0; k < N_ACTION_COLUMNS; k++) {
            if (strcmp(schema->field_names[f], action_columns[k]) == 0 &&
                schema->children[f]->kind == BK_TYPE_STRUCT) {
                fields[n_fields] = f;
                names[n_fields++] = action_columns[k];
            }
        }
    }
    /*
     * One column at a time.  The add column is decoded into `a` and its actions
     * keep viewing it; every other action column is decoded into a scratch arena,
     * its (few) actions copied out, and the scratch memory reused for the next:
     * mostly-NULL columns would otherwise stay in memory with the snapshot.
     */
    bk_arena *scratch = bk_arena_new(NULL, "checkpoint column", 0);
    if (!scratch) return bk_arena_oom(a, err);
    for (uint32_t rg = 0; s == BK_OK && rg < pq_reader_num_row_groups(r); rg++) {
        for (uint32_t k = 0; s == BK_OK && k < n_fields; k++) {
            if (column_empty(pq_reader_meta(r), rg, names[k])) continue;
            bool keep = strcmp(names[k], "add") == 0;
            bk_arena *into = keep ? a : scratch;
            bk_vector *col;
            bk_arena_reset(scratch);
            s = pq_reader_read_row_group(r, into, rg, &fields[k], 1, &col, err);
            if (s != BK_OK) break;
            if (keep) {
                /* Room for one action per row at once, instead of doubling as it grows. */
                if (out->cap - out->n < col->n) {
                    delta_action *items = bk_arena_array(a, out->n + col->n, sizeof *items);
                    if (!items) {
                        s = bk_arena_oom(a, err);
                        break;
                    }
                    if (out->n) memcpy(items, out->items, out->n * sizeof *items);
                    out->items = items;
                    out->cap = out->n + col->n;
                }
                s = delta_actions_from_checkpoint(a, key, &col, &names[k], 1, col->n, out, err);
                continue;
            }
            delta_action_list tmp = {0};
            s = delta_actions_from_checkpoint(scratch, key, &col, &names[k], 1, col->n, &tmp, err);
            for (size_t i = 0; s == BK_OK && i < tmp.n; i++) {
                delta_action copy;
                s = delta_action_copy(a, &tmp.items[i], &copy, err);
                if (s == BK_OK) s = delta_action_list_push(a, out, &copy, err);
            }
        }
    }
    bk_arena_free(scratch);
    return s;
}

bk_status delta_log_read_json(bk_arena *a, store_obj *st, const char *key, delta_action_list *out,
                              bk_error *err) {
    uint8_t *data;
    size_t len;
    BK_TRY(store_obj_get(a, st, key, &data, &len, err));
    return delta_actions_parse_json(a, key, (const char *)data, len, out, err);
}

static bool ends_with(const char *s, const char *suffix) {
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && memcmp(s + n - m, suffix, m) == 0;
}

bk_status delta_checkpoint_read(bk_arena *a, store_obj *st, const delta_log_checkpoint *cp,
                                delta_action_list *out, bk_error *err) {
    size_t first = out->n;
    for (uint32_t p = 0; p < cp->n_parts; p++) {
        const char *key = cp->keys[p];
        if (ends_with(key, ".json"))
            BK_TRY(delta_log_read_json(a, st, key, out, err));
        else
            BK_TRY(read_parquet_actions(a, st, key, out, err));
    }
    /* Sidecars (V2 checkpoints); the list may grow while we walk it. */
    size_t end = out->n;
    for (size_t i = first; i < end; i++) {
        if (out->items[i].kind != DELTA_ACTION_SIDECAR) continue;
        const char *path = out->items[i].u.sidecar.path;
        const char *key = strchr(path, ':') || path[0] == '/'
                              ? NULL
                              : bk_arena_printf(a, DELTA_LOG_DIR "_sidecars/%s", path);
        if (!key)
            return bk_error_set(err, BK_UNSUPPORTED,
                                "checkpoint \"%s\" names sidecar \"%s\" outside _delta_log/"
                                "_sidecars/, which Bricks does not read",
                                cp->keys[0], path);
        BK_TRY(read_parquet_actions(a, st, key, out, err));
    }
    return BK_OK;
}
