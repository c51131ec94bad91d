/*
 * cmd_delta.c — `bricks delta info|history|cat PATH`: look inside a Delta table.
 *
 *   info      version, protocol and features, schema, partitioning, files, size
 *   history   one line per commit, newest first (DESCRIBE HISTORY)
 *   cat       the rows at the latest version or at --version N / --timestamp T
 */
#include <jansson.h>
#include <string.h>

#include "base/clock.h"
#include "base/mem.h"
#include "cli/cli.h"
#include "delta/delta.h"

static const char delta_usage[] =
    "Usage: bricks delta COMMAND PATH [OPTIONS]\n"
    "\n"
    "Commands:\n"
    "  info PATH [--version N] [--format text|json]   version, protocol, schema, files\n"
    "  history PATH [--format text|json]             the commits, newest first\n"
    "  cat PATH [--version N | --timestamp T] [--where COND] [--limit N] [--format jsonl|csv]\n"
    "                                                 print the rows (COND: a = 1 AND b IN\n"
    "                                                 ('x') AND c IS NOT NULL; skips files)\n"
    "  scan PATH [--version N | --timestamp T] [--where COND]\n"
    "                                                 decode every row on all cores, count\n"
    "  changes PATH --from N [--to M] [--limit N] [--format jsonl|csv]\n"
    "                                                 the change data feed of versions N..M\n"
    "  write PATH (--from-jsonl IN | --from-parquet FILE) [--schema \"a INT, …\"]\n"
    "             [--mode append|overwrite]\n"
    "             [--partition-by a,b] [--property key=value]… [--txn-app ID --txn-version N]\n"
    "                                                 append or overwrite (creates the table)\n"
    "  delete PATH --where \"a = 1 AND b IN ('x')\"       delete matching rows\n"
    "  vacuum PATH [--dry-run] [--retain HOURS] [--no-retention-check]\n"
    "                                                 delete files no version needs\n"
    "  optimize PATH [--zorder-by a,b]                 compact small files, Z-order\n"
    "  checkpoint PATH                                 write a checkpoint now\n"
    "\n"
    "PATH is the table's directory (the one holding _delta_log/).\n";

typedef struct delta_opts {
    const char *path;
    delta_at at;
    int64_t limit;
    bool json;         /* info/history: --format json */
    const char *where; /* cat/scan: --where */
    out_format format; /* cat */
} delta_opts;

/* Parse the options shared by the subcommands; returns an exit code or -1 to go on. */
static int parse_opts(const char *cmd, int argc, char **argv, delta_opts *o) {
    memset(o, 0, sizeof *o);
    o->at.kind = DELTA_AT_LATEST;
    o->limit = -1;
    o->format = FORMAT_JSONL;
    for (int i = 1; i < argc; i++) {
        const char *val;
        int m;
        if ((m = cli_opt_value(argc, argv, &i, "--version", &val)) != 0) {
            if (m < 0) return CLI_EXIT_USAGE;
            if (!cli_parse_count(val, &o->at.version))
                return cli_usage(cmd, "--version: \"%s\" is not a version number", val);
            o->at.kind = DELTA_AT_VERSION;
        } else if ((m = cli_opt_value(argc, argv, &i, "--timestamp", &val)) != 0) {
            if (m < 0) return CLI_EXIT_USAGE;
            char why[128];
            int64_t micros;
            if (!cli_parse_timestamp(val, strlen(val), true, &micros, why, sizeof why))
                return cli_usage(cmd, "--timestamp: \"%s\": %s", val, why);
            o->at.kind = DELTA_AT_TIMESTAMP;
            o->at.timestamp_ms = micros >= 0 ? micros / 1000 : -((-micros + 999) / 1000);
        } else if ((m = cli_opt_value(argc, argv, &i, "--where", &val)) != 0) {
            if (m < 0) return CLI_EXIT_USAGE;
            o->where = val;
        } else if ((m = cli_opt_value(argc, argv, &i, "--limit", &val)) != 0) {
            if (m < 0) return CLI_EXIT_USAGE;
            if (!cli_parse_count(val, &o->limit))
                return cli_usage(cmd, "--limit: \"%s\" is not a count", val);
        } else if ((m = cli_opt_value(argc, argv, &i, "--format", &val)) != 0) {
            if (m < 0) return CLI_EXIT_USAGE;
            if (strcmp(val, "json") == 0 || strcmp(val, "jsonl") == 0) {
                o->json = true;
                o->format = FORMAT_JSONL;
            } else if (strcmp(val, "csv") == 0) {
                o->format = FORMAT_CSV;
            } else if (strcmp(val, "text") == 0) {
                o->json = false;
            } else {
                return cli_usage(cmd, "--format: \"%s\" is not one of text, json, jsonl, csv", val);
            }
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_usage(cmd, "unknown option \"%s\"", argv[i]);
        } else if (o->path) {
            return cli_usage(cmd, "unexpected argument \"%s\"", argv[i]);
        } else {
            o->path = argv[i];
        }
    }
    if (!o->path) return cli_usage(cmd, "missing PATH");
    return -1;
}

static bool wants_help(int argc, char **argv) {
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) return true;
    return false;
}

/* ---- info ------------------------------------------------------------------------------- */

static json_t *string_array(const char **items, uint32_t n) {
    json_t *arr = json_array();
    for (uint32_t i = 0; i < n; i++) json_array_append_new(arr, json_string(items[i]));
    return arr;
}

static json_t *info_json(const delta_snapshot *s) {
    const delta_protocol *p = delta_snapshot_protocol(s);
    const delta_metadata *m = delta_snapshot_metadata(s);
    json_t *root = json_object();
    json_object_set_new(root, "path", json_string(delta_snapshot_root(s)));
    json_object_set_new(root, "version", json_integer(delta_snapshot_version(s)));
    json_object_set_new(root, "timestamp_ms", json_integer(delta_snapshot_timestamp(s)));
    json_t *proto = json_object();
    json_object_set_new(proto, "minReaderVersion", json_integer(p->min_reader_version));
    json_object_set_new(proto, "minWriterVersion", json_integer(p->min_writer_version));
    if (p->has_reader_features)
        json_object_set_new(proto, "readerFeatures",
                            string_array(p->reader_features, p->n_reader_features));
    if (p->has_writer_features)
        json_object_set_new(proto, "writerFeatures",
                            string_array(p->writer_features, p->n_writer_features));
    json_object_set_new(root, "protocol", proto);
    json_error_t jerr;
    json_t *schema = json_loads(m->schema_string, 0, &jerr);
    json_object_set_new(root, "schema", schema ? schema : json_null());
    json_object_set_new(root, "partition_columns",
                        string_array(m->partition_columns, m->n_partition_columns));
    json_t *conf = json_object();
    for (uint32_t i = 0; i < m->configuration.n; i++)
        json_object_set_new(conf, m->configuration.keys[i],
                            m->configuration.values[i] ? json_string(m->configuration.values[i])
                                                       : json_null());
    json_object_set_new(root, "configuration", conf);
    size_t n = delta_snapshot_num_files(s);
    int64_t bytes = 0, records = 0;
    bool all_stats = true;
    for (size_t i = 0; i < n; i++) {
        const delta_file_action *f = delta_snapshot_file(s, i);
        bytes += f->has_size ? f->size : 0;
        int64_t nr = delta_file_num_records(f);
        if (nr < 0)
            all_stats = false;
        else
            records += nr - (f->has_dv ? f->dv.cardinality : 0);
    }
    json_object_set_new(root, "num_files", json_integer((json_int_t)n));
    json_object_set_new(root, "size_bytes", json_integer(bytes));
    json_object_set_new(root, "num_records", all_stats ? json_integer(records) : json_null());
    return root;
}

static int dump_to_buf(const char *data, size_t n, void *ctx) {
    return bk_buf_append(ctx, data, n) == BK_OK ? 0 : -1;
}

/* Print `j` as one compact line and release it. */
static int print_json(json_t *j) {
    bk_buf b;
    bk_buf_init(&b);
    int rc = json_dump_callback(j, dump_to_buf, &b, JSON_COMPACT | JSON_PRESERVE_ORDER);
    json_decref(j);
    if (rc == 0) rc = bk_buf_append(&b, "\n", 1) == BK_OK ? 0 : -1;
    if (rc == 0) rc = fwrite(b.data, 1, b.len, stdout) == b.len ? 0 : -1;
    bk_buf_destroy(&b);
    return rc == 0 ? CLI_EXIT_OK : cli_fail("out of memory or could not write output");
}

static int print_info_text(const delta_snapshot *s) {
    json_t *j = info_json(s);
    const delta_protocol *p = delta_snapshot_protocol(s);
    char when[40];
    bk_format_timestamp_micros(delta_snapshot_timestamp(s) * 1000, when, sizeof when);
    printf("path:        %s\n", delta_snapshot_root(s));
    printf("version:     %lld (%s UTC)\n", (long long)delta_snapshot_version(s), when);
    printf("protocol:    reader %d, writer %d\n", p->min_reader_version, p->min_writer_version);
    if (p->has_reader_features || p->has_writer_features) {
        printf("features:   ");
        for (uint32_t i = 0; i < p->n_writer_features; i++) {
            bool rd = false;
            for (uint32_t k = 0; k < p->n_reader_features; k++)
                if (strcmp(p->reader_features[k], p->writer_features[i]) == 0) rd = true;
            printf(" %s%s", p->writer_features[i], rd ? " (read)" : "");
        }
        printf("\n");
    }
    const delta_schema *schema = delta_snapshot_schema(s);
    printf("schema:\n");
    for (uint32_t i = 0; i < schema->n_fields; i++) {
        char type[512];
        bk_type_format(schema->fields[i].type, type, sizeof type);
        printf("  %s %s%s\n", schema->fields[i].name, type,
               schema->fields[i].nullable ? "" : " NOT NULL");
    }
    const delta_metadata *m = delta_snapshot_metadata(s);
    printf("partitioned by:");
    for (uint32_t i = 0; i < m->n_partition_columns; i++)
        printf("%s %s", i ? "," : "", m->partition_columns[i]);
    printf("%s\n", m->n_partition_columns ? "" : " (none)");
    json_t *nr = json_object_get(j, "num_records");
    printf("files:       %lld\n", (long long)json_integer_value(json_object_get(j, "num_files")));
    printf("size:        %lld bytes\n",
           (long long)json_integer_value(json_object_get(j, "size_bytes")));
    if (json_is_integer(nr)) printf("rows:        %lld\n", (long long)json_integer_value(nr));
    json_decref(j);
    return CLI_EXIT_OK;
}

static int cmd_info(int argc, char **argv) {
    if (wants_help(argc, argv)) return fputs(delta_usage, stdout), CLI_EXIT_OK;
    delta_opts o;
    int rc = parse_opts("bricks delta info", argc, argv, &o);
    if (rc >= 0) return rc;
    bk_error err;
    bk_error_clear(&err);
    delta_snapshot *s;
    if (delta_snapshot_open(o.path, &o.at, &s, &err) != BK_OK) return cli_report(&err);
    rc = o.json ? print_json(info_json(s)) : print_info_text(s);
    delta_snapshot_free(s);
    return rc;
}

/* ---- history ---------------------------------------------------------------------------- */

static int cmd_history(int argc, char **argv) {
    if (wants_help(argc, argv)) return fputs(delta_usage, stdout), CLI_EXIT_OK;
    delta_opts o;
    int rc = parse_opts("bricks delta history", argc, argv, &o);
    if (rc >= 0) return rc;
    bk_error err;
    bk_error_clear(&err);
    bk_arena *a = bk_arena_new(NULL, "delta history", 0);
    if (!a) return cli_fail("out of memory");
    delta_commit *commits;
    size_t n;
    if (delta_history(a, o.path, &commits, &n, &err) != BK_OK) {
        bk_arena_free(a);
        return cli_report(&err);
    }
    for (size_t i = 0; i < n; i++) {
        const delta_commit_info *ci = commits[i].info;
        if (o.json) {
            json_t *j = json_object();
            json_object_set_new(j, "version", json_integer(commits[i].version));
            json_object_set_new(j, "timestamp_ms", json_integer(commits[i].timestamp_ms));
            json_error_t jerr;
            json_t *info = ci ? json_loads(ci->json, 0, &jerr) : NULL;
            json_object_set_new(j, "commitInfo", info ? info : json_null());
            print_json(j);
        } else {
            char when[40];
            bk_format_timestamp_micros(commits[i].timestamp_ms * 1000, when, sizeof when);
            printf("%-6lld %-26s %s\n", (long long)commits[i].version, when,
                   ci && ci->operation ? ci->operation : "-");
        }
    }
    bk_arena_free(a);
    return CLI_EXIT_OK;
}

/* ---- cat -------------------------------------------------------------------------------- */

typedef struct cat_state {
    bk_buf out;
    out_format format;
    const char **names;
    uint32_t n_cols;
    int64_t limit, printed;
} cat_state;

/* The scan runs on the calling thread (no pool), so rows print in file order. */
static bk_status cat_batch(void *ctx, bk_arena *a, bk_vector **cols, size_t n_rows, bk_error *err) {
    (void)a;
    cat_state *cs = ctx;
    if (cs->limit >= 0 && (int64_t)n_rows > cs->limit - cs->printed)
        n_rows = (size_t)(cs->limit - cs->printed);
    BK_TRY(cli_rows_print(&cs->out, cs->format, cs->names, cols, cs->n_cols, n_rows, err));
    cs->printed += (int64_t)n_rows;
    return BK_OK;
}

static int cmd_cat(int argc, char **argv) {
    if (wants_help(argc, argv)) return fputs(delta_usage, stdout), CLI_EXIT_OK;
    delta_opts o;
    int rc = parse_opts("bricks delta cat", argc, argv, &o);
    if (rc >= 0) return rc;
    bk_error err;
    bk_error_clear(&err);
    delta_snapshot *s;
    if (delta_snapshot_open(o.path, &o.at, &s, &err) != BK_OK) return cli_report(&err);
    const delta_schema *schema = delta_snapshot_schema(s);
    cat_state cs = {.format = o.format, .n_cols = schema->n_fields, .limit = o.limit};
    bk_buf_init(&cs.out);
    bk_arena *a = bk_arena_new(NULL, "delta cat", 0);
    const char **names = a ? bk_arena_array(a, schema->n_fields + 1, sizeof *names) : NULL;
    for (uint32_t i = 0; names && i < schema->n_fields; i++) names[i] = schema->fields[i].name;
    cs.names = names;
    pq_predicate preds[64];
    delta_scan_opts so = {.preds = preds, .filter_rows = true};
    if (names && o.where) {
        rc = cli_parse_where(a, "bricks delta cat", schema, o.where, preds, 64, &so.n_preds);
        if (rc >= 0) {
            bk_arena_free(a);
            delta_snapshot_free(s);
            return rc;
        }
    }
    bk_status st = names ? cli_rows_header(&cs.out, cs.format, names, cs.n_cols)
                         : bk_error_set(&err, BK_OUT_OF_MEMORY, "out of memory");
    if (st == BK_OK && o.limit != 0) st = delta_scan(s, &so, cat_batch, &cs, NULL, &err);
    if (st == BK_OK) st = cli_flush(&cs.out, 0, &err);
    if (st != BK_OK && err.code == BK_CODE_OK) bk_error_set(&err, st, "out of memory");
    bk_buf_destroy(&cs.out);
    bk_arena_free(a);
    delta_snapshot_free(s);
    if (st != BK_OK) {
        fflush(stdout);
        return cli_report(&err);
    }
    return CLI_EXIT_OK;
}

/* ---- scan: decode every row on all cores, count them (a decoding benchmark) ---- */

static bk_status count_batch(void *ctx, bk_arena *a, bk_vector **cols, size_t n_rows,
                             bk_error *err) {
    (void)ctx, (void)a, (void)cols, (void)n_rows, (void)err;
    return BK_OK;
}

static int cmd_scan(int argc, char **argv) {
    if (wants_help(argc, argv)) return fputs(delta_usage, stdout), CLI_EXIT_OK;
    delta_opts o;
    int rc = parse_opts("bricks delta scan", argc, argv, &o);
    if (rc >= 0) return rc;
    bk_error err;
    bk_error_clear(&err);
    double t0 = cli_now();
    delta_snapshot *s;
    if (delta_snapshot_open(o.path, &o.at, &s, &err) != BK_OK) return cli_report(&err);
    double t1 = cli_now();
    bk_pool *pool = bk_pool_new(bk_cpu_count());
    pq_predicate preds[64];
    delta_scan_opts so = {.pool = pool, .preds = preds, .filter_rows = true};
    bk_arena *a = bk_arena_new(NULL, "delta scan", 0);
    if (!a)
        rc = cli_fail("out of memory");
    else if (o.where)
        rc = cli_parse_where(a, "bricks delta scan", delta_snapshot_schema(s), o.where, preds, 64,
                             &so.n_preds);
    if (rc >= 0) {
        bk_arena_free(a);
        bk_pool_free(pool);
        delta_snapshot_free(s);
        return rc;
    }
    delta_scan_stats stats;
    bk_status st = delta_scan(s, &so, count_batch, NULL, &stats, &err);
    double t2 = cli_now();
    bk_arena_free(a);
    bk_pool_free(pool);
    delta_snapshot_free(s);
    if (st != BK_OK) return cli_report(&err);
    printf("%llu rows (%llu deleted by deletion vectors), %zu files, %zu skipped; snapshot "
           "%.3f s, scan %.3f s\n",
           (unsigned long long)stats.rows_returned, (unsigned long long)stats.rows_deleted,
           stats.files_total, stats.files_skipped, t1 - t0, t2 - t1);
    return CLI_EXIT_OK;
}

/* ---- changes ---------------------------------------------------------------------------- */

static int cmd_changes(int argc, char **argv) {
    if (wants_help(argc, argv)) return fputs(delta_usage, stdout), CLI_EXIT_OK;
    const char *cmd = "bricks delta changes";
    int64_t from = -1, to = -1;
    /* --from/--to are ours; the rest goes through the shared parser. */
    char **rest = bk_calloc((size_t)argc + 1, sizeof *rest);
    if (!rest) return cli_fail("out of memory");
    int n_rest = 0, rc = -1;
    for (int i = 0; i < argc && rc < 0; i++) {
        const char *val;
        int m;
        if (i > 0 && (m = cli_opt_value(argc, argv, &i, "--from", &val)) != 0) {
            if (m < 0 || !cli_parse_count(val, &from))
                rc =
                    m < 0 ? CLI_EXIT_USAGE : cli_usage(cmd, "--from: \"%s\" is not a version", val);
        } else if (i > 0 && (m = cli_opt_value(argc, argv, &i, "--to", &val)) != 0) {
            if (m < 0 || !cli_parse_count(val, &to))
                rc = m < 0 ? CLI_EXIT_USAGE : cli_usage(cmd, "--to: \"%s\" is not a version", val);
        } else {
            rest[n_rest++] = argv[i];
        }
    }
    delta_opts o;
    if (rc < 0) rc = parse_opts(cmd, n_rest, rest, &o);
    bk_free(rest);
    if (rc >= 0) return rc;
    if (from < 0) return cli_usage(cmd, "missing --from VERSION");
    bk_error err;
    bk_error_clear(&err);
    delta_at at = {DELTA_AT_VERSION, to, 0};
    if (to < 0) at.kind = DELTA_AT_LATEST;
    delta_snapshot *s;
    if (delta_snapshot_open(o.path, &at, &s, &err) != BK_OK) return cli_report(&err);
    const delta_schema *schema = delta_snapshot_schema(s);
    bk_arena *a = bk_arena_new(NULL, "delta changes", 0);
    const char **names = a ? bk_arena_array(a, schema->n_fields + 3, sizeof *names) : NULL;
    cat_state cs = {.format = o.format, .n_cols = schema->n_fields + 3, .limit = o.limit};
    bk_buf_init(&cs.out);
    /* The snapshot goes before the changes are read: keep copies of the names. */
    for (uint32_t i = 0; names && i < schema->n_fields; i++)
        if (!(names[i] = bk_arena_strdup(a, schema->fields[i].name))) names = NULL;
    if (names) {
        names[schema->n_fields] = "_change_type";
        names[schema->n_fields + 1] = "_commit_version";
        names[schema->n_fields + 2] = "_commit_timestamp";
    }
    cs.names = names;
    delta_snapshot_free(s);
    bk_status st = names ? cli_rows_header(&cs.out, cs.format, names, cs.n_cols)
                         : bk_error_set(&err, BK_OUT_OF_MEMORY, "out of memory");
    if (st == BK_OK) st = delta_changes(o.path, from, to, cat_batch, &cs, &err);
    if (st == BK_OK) st = cli_flush(&cs.out, 0, &err);
    if (st != BK_OK && err.code == BK_CODE_OK) bk_error_set(&err, st, "out of memory");
    bk_buf_destroy(&cs.out);
    bk_arena_free(a);
    if (st != BK_OK) {
        fflush(stdout);
        return cli_report(&err);
    }
    return CLI_EXIT_OK;
}

int cli_cmd_delta(int argc, char **argv) {
    if (argc < 2) {
        fputs(delta_usage, stderr);
        return CLI_EXIT_USAGE;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "--help") == 0 || strcmp(sub, "-h") == 0 || strcmp(sub, "help") == 0) {
        fputs(delta_usage, stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(sub, "info") == 0) return cmd_info(argc - 1, argv + 1);
    if (strcmp(sub, "history") == 0) return cmd_history(argc - 1, argv + 1);
    if (strcmp(sub, "cat") == 0) return cmd_cat(argc - 1, argv + 1);
    if (strcmp(sub, "changes") == 0) return cmd_changes(argc - 1, argv + 1);
    if (strcmp(sub, "scan") == 0) return cmd_scan(argc - 1, argv + 1);
    int rc = cli_cmd_delta_change(sub, argc - 1, argv + 1);
    if (rc >= 0) return rc;
    return cli_usage("bricks delta", "unknown delta command \"%s\"", sub);
}
