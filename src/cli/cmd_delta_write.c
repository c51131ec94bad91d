/*
 * cmd_delta_write.c — the `bricks delta` commands that change a table:
 *
 *   write PATH (--from-jsonl IN | --from-parquet FILE) [--schema "a INT, …"]
 *              [--mode append|overwrite]
 *              [--partition-by a,b] [--property key=value]… [--txn-app ID --txn-version N]
 *   delete PATH --where "a = 1 AND b IN ('x', 'y')"
 *   vacuum PATH [--dry-run] [--retain HOURS] [--no-retention-check]
 *   optimize PATH [--zorder-by a,b]
 *   checkpoint PATH
 *
 * `write` creates the table when PATH holds none: with the columns of --schema, or
 * else of the Parquet file.  Parquet columns are matched to the table's by name.
 * `--where` takes a conjunction of `column op literal` with op one of = < <= > >=,
 * `column IN (literal, …)`, `column IS [NOT] NULL`; literals are numbers,
 * 'quoted text' (for strings, dates, timestamps, decimals), true, false.
 */
#include <string.h>
#include <strings.h>

#include "base/buf.h"
#include "base/str.h"
#include "cli/cli.h"
#include "delta/commit.h"

#define WRITE_BATCH_ROWS (1 << 20)
#define MAX_LIST 64

/* Split "a,b,c" into at most MAX_LIST trimmed names in `a`. */
static uint32_t split_list(bk_arena *a, const char *text, const char **out) {
    uint32_t n = 0;
    const char *p = text;
    while (*p && n < MAX_LIST) {
        const char *end = strchr(p, ',');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        bk_str s = bk_str_trim(bk_str_make(p, len));
        if (s.len) out[n++] = bk_str_dup(a, s);
        if (!end) break;
        p = end + 1;
    }
    return n;
}

/* ---- write ------------------------------------------------------------------------------ */

static int cmd_write(int argc, char **argv) {
    const char *cmd = "bricks delta write";
    const char *path = NULL, *in = NULL, *in_parquet = NULL, *schema_text = NULL;
    const char *mode = "append", *parts = NULL;
    const char *txn_app = NULL;
    int64_t txn_version = -1;
    bk_arena *a = bk_arena_new(NULL, "delta write", 0);
    if (!a) return cli_fail("out of memory");
    const char *keys[MAX_LIST], *values[MAX_LIST];
    uint32_t n_props = 0;
    int rc = -1;
    for (int i = 1; rc < 0 && i < argc; i++) {
        const char *val;
        int m;
        if ((m = cli_opt_value(argc, argv, &i, "--from-jsonl", &val)) != 0) {
            if (m < 0) rc = CLI_EXIT_USAGE;
            in = val;
        } else if ((m = cli_opt_value(argc, argv, &i, "--from-parquet", &val)) != 0) {
            if (m < 0) rc = CLI_EXIT_USAGE;
            in_parquet = val;
        } else if ((m = cli_opt_value(argc, argv, &i, "--schema", &val)) != 0) {
            if (m < 0) rc = CLI_EXIT_USAGE;
            schema_text = val;
        } else if ((m = cli_opt_value(argc, argv, &i, "--mode", &val)) != 0) {
            if (m < 0) rc = CLI_EXIT_USAGE;
            mode = val;
            if (m > 0 && strcmp(mode, "append") != 0 && strcmp(mode, "overwrite") != 0)
                rc = cli_usage(cmd, "--mode: \"%s\" is not append or overwrite", mode);
        } else if ((m = cli_opt_value(argc, argv, &i, "--txn-app", &val)) != 0) {
            if (m < 0) rc = CLI_EXIT_USAGE;
            txn_app = val;
        } else if ((m = cli_opt_value(argc, argv, &i, "--txn-version", &val)) != 0) {
            if (m < 0) rc = CLI_EXIT_USAGE;
            if (m > 0 && !cli_parse_count(val, &txn_version))
                rc = cli_usage(cmd, "--txn-version: \"%s\" is not a version", val);
        } else if ((m = cli_opt_value(argc, argv, &i, "--partition-by", &val)) != 0) {
            if (m < 0) rc = CLI_EXIT_USAGE;
            parts = val;
        } else if ((m = cli_opt_value(argc, argv, &i, "--property", &val)) != 0) {
            if (m < 0) rc = CLI_EXIT_USAGE;
            const char *eq = m > 0 ? strchr(val, '=') : NULL;
            if (m > 0 && (!eq || eq == val || n_props == MAX_LIST))
                rc = cli_usage(cmd, "--property: \"%s\" is not key=value", val);
            else if (m > 0) {
                keys[n_props] = bk_arena_strndup(a, val, (size_t)(eq - val));
                values[n_props++] = eq + 1;
            }
        } else if (argv[i][0] == '-' && argv[i][1]) {
            rc = cli_usage(cmd, "unknown option \"%s\"", argv[i]);
        } else if (path) {
            rc = cli_usage(cmd, "unexpected argument \"%s\"", argv[i]);
        } else {
            path = argv[i];
        }
    }
    if (rc < 0 && !path) rc = cli_usage(cmd, "missing PATH");
    if (rc < 0 && (in != NULL) == (in_parquet != NULL))
        rc = cli_usage(cmd, "give exactly one of --from-jsonl IN and --from-parquet FILE");
    if (rc < 0 && (txn_app != NULL) != (txn_version >= 0))
        rc = cli_usage(cmd, "--txn-app and --txn-version go together");
    bk_error err;
    bk_error_clear(&err);
    /* Opened once: its schema may create the table, then its columns are mapped to it. */
    cli_parquet_in *pq = NULL;
    if (rc < 0 && in_parquet && cli_parquet_in_open(in_parquet, &pq, &err) != BK_OK)
        rc = cli_report(&err);
    /* Create the table first when there is none. */
    delta_snapshot *probe = NULL;
    if (rc < 0 && delta_snapshot_open(path, NULL, &probe, &err) != BK_OK) {
        if (err.code != BK_NOT_FOUND) {
            rc = cli_report(&err);
        } else if (!schema_text && !in_parquet) {
            rc = cli_usage(cmd, "no table at \"%s\": give --schema to create it", path);
        } else {
            bk_error_clear(&err);
            char why[256] = "";
            const bk_type *t = NULL;
            if (schema_text) {
                char *ddl = bk_arena_printf(a, "STRUCT<%s>", schema_text);
                t = ddl ? bk_type_parse(a, ddl, strlen(ddl), why, sizeof why) : NULL;
                if (!t) rc = cli_usage(cmd, "--schema: %s", why);
            } else {
                t = cli_parquet_in_schema(pq);
            }
            const char *pcols[MAX_LIST];
            uint32_t n_parts = parts ? split_list(a, parts, pcols) : 0;
            if (t) {
                delta_table_def def = {t, pcols, n_parts, keys, values, n_props, NULL, NULL};
                if (delta_create_table(path, &def, &err) != BK_OK) rc = cli_report(&err);
            }
        }
    }
    delta_snapshot_free(probe);

    delta_tx *tx = NULL;
    if (rc < 0 && delta_tx_begin(path, &tx, &err) != BK_OK) rc = cli_report(&err);
    /* Idempotent writes: a batch this application already committed is skipped. */
    if (rc < 0 && txn_app) {
        int64_t done = delta_snapshot_app_version(delta_tx_snapshot(tx), txn_app);
        if (done >= txn_version) {
            printf("already committed: %s has version %lld\n", txn_app, (long long)done);
            rc = CLI_EXIT_OK;
        } else if (delta_tx_set_app_version(tx, txn_app, txn_version, &err) != BK_OK) {
            rc = cli_report(&err);
        }
    }
    FILE *f = NULL;
    if (rc < 0 && in) {
        f = strcmp(in, "-") == 0 ? stdin : fopen(in, "r");
        if (!f) rc = cli_fail("could not open \"%s\"", in);
    }
    cli_jsonl *j = NULL;
    if (rc < 0) {
        const delta_schema *schema = delta_snapshot_schema(delta_tx_snapshot(tx));
        if (in) {
            j = cli_jsonl_new(f, in, schema->type);
            if (!j) rc = cli_fail("out of memory");
        } else if (cli_parquet_in_map(pq, schema->type, &err) != BK_OK) {
            rc = cli_report(&err);
        }
        if (rc < 0 && strcmp(mode, "overwrite") == 0) {
            delta_snapshot *s = delta_tx_snapshot(tx);
            delta_tx_read_all(tx);
            for (size_t i = 0; rc < 0 && i < delta_snapshot_num_files(s); i++)
                if (delta_tx_remove(tx, delta_snapshot_file(s, i), true, &err) != BK_OK)
                    rc = cli_report(&err);
            if (rc < 0 &&
                delta_tx_set_operation(tx, "WRITE", "{\"mode\":\"Overwrite\"}", &err) != BK_OK)
                rc = cli_report(&err);
        } else if (rc < 0 &&
                   delta_tx_set_operation(tx, "WRITE", "{\"mode\":\"Append\"}", &err) != BK_OK) {
            rc = cli_report(&err);
        }
    }
    size_t rows_written = 0;
    bk_arena *batch = rc < 0 ? bk_arena_new(NULL, "delta write batch", 0) : NULL;
    if (rc < 0 && !batch) rc = cli_fail("out of memory");
    while (rc < 0) {
        const delta_schema *schema = delta_snapshot_schema(delta_tx_snapshot(tx));
        bk_arena_reset(batch);
        bk_vector **cols = bk_arena_array(batch, schema->n_fields + 1, sizeof *cols);
        size_t n = 0;
        if (!cols) {
            rc = cli_fail("out of memory");
            break;
        }
        bk_status s = j ? cli_jsonl_next(j, batch, WRITE_BATCH_ROWS, cols, &n, &err)
                        : cli_parquet_in_next(pq, batch, cols, &n, &err);
        if (s != BK_OK) {
            rc = cli_report(&err);
            break;
        }
        if (n == 0) break;
        rows_written += n;
        if (delta_tx_write(tx, cols, n, &err) != BK_OK) rc = cli_report(&err);
    }
    int64_t version = -1;
    bool empty_append = strcmp(mode, "append") == 0 && rows_written == 0;
    if (rc < 0 && empty_append) {
        printf("no rows to append\n");
        rc = CLI_EXIT_OK;
    }
    if (rc < 0 && delta_tx_commit(tx, &version, &err) != BK_OK) rc = cli_report(&err);
    if (rc < 0) {
        printf("committed version %lld\n", (long long)version);
        rc = CLI_EXIT_OK;
    }
    bk_arena_free(batch);
    cli_jsonl_free(j);
    cli_parquet_in_close(pq);
    if (f && f != stdin) fclose(f);
    delta_tx_free(tx);
    bk_arena_free(a);
    return rc;
}

/* ---- delete ----------------------------------------------------------------------------- */

/*
 * One option of a command: a flag (`set` becomes true) or an option with a value
 * (`value` receives the text).
 */
typedef struct opt_spec {
    const char *name;
    const char **value; /* NULL for a flag */
    bool *set;          /* flags */
} opt_spec;

/* Parse `cmd PATH [options]`; returns -1 when fine, else the exit code (usage printed). */
static int parse_path_args(const char *cmd, int argc, char **argv, const opt_spec *specs,
                           size_t n_specs, const char **path) {
    *path = NULL;
    for (int i = 1; i < argc; i++) {
        bool matched = false;
        for (size_t k = 0; k < n_specs && !matched; k++) {
            if (!specs[k].value) {
                if (strcmp(argv[i], specs[k].name) == 0) *specs[k].set = matched = true;
                continue;
            }
            int m = cli_opt_value(argc, argv, &i, specs[k].name, specs[k].value);
            if (m < 0) return CLI_EXIT_USAGE;
            matched = m > 0;
        }
        if (matched) continue;
        if (argv[i][0] == '-' && argv[i][1])
            return cli_usage(cmd, "unknown option \"%s\"", argv[i]);
        if (*path) return cli_usage(cmd, "unexpected argument \"%s\"", argv[i]);
        *path = argv[i];
    }
    return *path ? -1 : cli_usage(cmd, "missing PATH");
}

static int cmd_delete(int argc, char **argv) {
    const char *cmd = "bricks delta delete";
    const char *path, *where = NULL;
    const opt_spec specs[] = {{"--where", &where, NULL}};
    int prc = parse_path_args(cmd, argc, argv, specs, 1, &path);
    if (prc >= 0) return prc;
    if (!where) return cli_usage(cmd, "missing --where (to empty the table, overwrite it)");
    bk_error err;
    bk_error_clear(&err);
    delta_snapshot *s;
    if (delta_snapshot_open(path, NULL, &s, &err) != BK_OK) return cli_report(&err);
    bk_arena *a = bk_arena_new(NULL, "delta delete", 0);
    pq_predicate preds[MAX_LIST];
    uint32_t n_preds = 0;
    int rc = a ? cli_parse_where(a, cmd, delta_snapshot_schema(s), where, preds, MAX_LIST, &n_preds)
               : cli_fail("out of memory");
    delta_snapshot_free(s);
    int64_t rows = 0, version = -1;
    if (rc < 0 && delta_delete(path, preds, n_preds, where, &rows, &version, &err) != BK_OK)
        rc = cli_report(&err);
    if (rc < 0) {
        if (version >= 0)
            printf("deleted %lld rows, committed version %lld\n", (long long)rows,
                   (long long)version);
        else
            printf("deleted 0 rows\n");
        rc = CLI_EXIT_OK;
    }
    bk_arena_free(a);
    return rc;
}

/* ---- vacuum, optimize, checkpoint --------------------------------------------------------- */

static int cmd_vacuum(int argc, char **argv) {
    const char *cmd = "bricks delta vacuum";
    const char *path, *retain = NULL;
    bool dry_run = false, no_check = false;
    const opt_spec specs[] = {{"--dry-run", NULL, &dry_run},
                              {"--no-retention-check", NULL, &no_check},
                              {"--retain", &retain, NULL}};
    int prc = parse_path_args(cmd, argc, argv, specs, 3, &path);
    if (prc >= 0) return prc;
    bool check = !no_check;
    double hours = -1;
    if (retain && (!bk_parse_double(retain, strlen(retain), &hours) || hours < 0))
        return cli_usage(cmd, "--retain: \"%s\" is not a number of hours", retain);
    bk_arena *a = bk_arena_new(NULL, "delta vacuum", 0);
    if (!a) return cli_fail("out of memory");
    bk_error err;
    bk_error_clear(&err);
    const char **keys;
    size_t n;
    int rc = CLI_EXIT_OK;
    if (delta_vacuum(path, hours, check, dry_run, a, &keys, &n, &err) != BK_OK) {
        rc = cli_report(&err);
    } else {
        for (size_t i = 0; i < n; i++) printf("%s\n", keys[i]);
        fprintf(stderr, "%s %zu files\n", dry_run ? "would delete" : "deleted", n);
    }
    bk_arena_free(a);
    return rc;
}

static int cmd_optimize(int argc, char **argv) {
    const char *cmd = "bricks delta optimize";
    const char *path, *zorder = NULL;
    const opt_spec specs[] = {{"--zorder-by", &zorder, NULL}};
    int prc = parse_path_args(cmd, argc, argv, specs, 1, &path);
    if (prc >= 0) return prc;
    bk_arena *a = bk_arena_new(NULL, "delta optimize", 0);
    if (!a) return cli_fail("out of memory");
    const char *cols[MAX_LIST];
    uint32_t n = zorder ? split_list(a, zorder, cols) : 0;
    bk_error err;
    bk_error_clear(&err);
    int64_t removed, added, version;
    int rc = CLI_EXIT_OK;
    if (delta_optimize(path, cols, n, &removed, &added, &version, &err) != BK_OK)
        rc = cli_report(&err);
    else if (version < 0)
        printf("nothing to optimize\n");
    else
        printf("removed %lld files, added %lld, committed version %lld\n", (long long)removed,
               (long long)added, (long long)version);
    bk_arena_free(a);
    return rc;
}

static int cmd_checkpoint(int argc, char **argv) {
    if (argc != 2) return cli_usage("bricks delta checkpoint", "expected PATH");
    bk_error err;
    bk_error_clear(&err);
    delta_snapshot *s;
    if (delta_snapshot_open(argv[1], NULL, &s, &err) != BK_OK) return cli_report(&err);
    int rc = CLI_EXIT_OK;
    if (delta_checkpoint_write(s, &err) != BK_OK)
        rc = cli_report(&err);
    else
        printf("checkpoint at version %lld\n", (long long)delta_snapshot_version(s));
    delta_snapshot_free(s);
    return rc;
}

int cli_cmd_delta_change(const char *sub, int argc, char **argv) {
    if (strcmp(sub, "write") == 0) return cmd_write(argc, argv);
    if (strcmp(sub, "delete") == 0) return cmd_delete(argc, argv);
    if (strcmp(sub, "vacuum") == 0) return cmd_vacuum(argc, argv);
    if (strcmp(sub, "optimize") == 0) return cmd_optimize(argc, argv);
    if (strcmp(sub, "checkpoint") == 0) return cmd_checkpoint(argc, argv);
    return -1;
}
