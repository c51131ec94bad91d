/*
 * db.c — the SQLite metastore: the connection pool, transactions and prepared
 * statements behind meta.h.
 *
 * Every connection is opened with the same pragmas (WAL, synchronous=FULL,
 * foreign_keys, busy timeout), so any connection a thread gets behaves alike.
 * Idle connections sit on a free list guarded by one mutex; taking one costs a lock
 * and a pointer swap.  SQLite itself runs in its multi-thread mode: one connection
 * is never used by two threads at once, which is what the pool guarantees.
 *
 * The write generation (meta_write_generation) is bumped by SQLite's WAL hook, which
 * runs after a commit is in the WAL and its write lock released, i.e. once readers
 * can see it; the hook also does SQLite's default automatic checkpoint, which
 * installing it replaces.
 */
#include "meta/meta.h"

#include <sqlite3.h>
#include <stdatomic.h>
#include <string.h>
#include <strings.h>

#include "base/hash.h"
#include "base/log.h"
#include "base/mem.h"
#include "base/thread.h"

struct meta_stmt {
    sqlite3_stmt *st;
    bool cached; /* owned by the connection's cache; else finalized by meta_done */
    bool in_use; /* between meta_prepare and meta_done */
};

/* Cached statements by the address of their SQL text (mostly string literals). */
#define RECENT_SLOTS 32

struct meta_conn {
    sqlite3 *db;
    bk_hmap *cache; /* SQL text -> meta_stmt* */
    struct {
        const char *sql; /* the text's address at the last meta_prepare */
        meta_stmt *stmt; /* owned by cache */
    } recent[RECENT_SLOTS];
    meta_conn *next_idle;
};

struct meta_db {
    char *path;
    bk_mutex *lock;
    meta_conn *idle; /* free list */
    int n_idle;
    atomic_bool not_wal; /* a connection did not get WAL mode: no write generation */
};

/* SQLite's default automatic checkpoint threshold, in WAL frames (pages). */
#define WAL_CHECKPOINT_FRAMES 1000

/* One counter for the process (see meta_write_generation); 0 is never a value. */
static atomic_uint_fast64_t write_generation = 1;

/* The WAL hook: a write transaction committed on `db`. */
static int on_wal_commit(void *arg, sqlite3 *db, const char *name, int n_frames) {
    (void)arg;
    atomic_fetch_add(&write_generation, 1);
    if (n_frames >= WAL_CHECKPOINT_FRAMES)
        sqlite3_wal_checkpoint_v2(db, name, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    return SQLITE_OK;
}

/* sqlite3_exec callback of "PRAGMA journal_mode=WAL": whether the mode is now WAL. */
static int note_journal_mode(void *arg, int n, char **vals, char **names) {
    (void)names;
    *(bool *)arg = n == 1 && vals[0] && strcasecmp(vals[0], "wal") == 0;
    return 0;
}

/* Fill err from SQLite's last error on `db`, with `what` in front; BK_IO or BK_ALREADY_EXISTS. */
static bk_status sql_fail(sqlite3 *db, int rc, const char *what, bk_error *err) {
    int ext = db ? sqlite3_extended_errcode(db) : rc;
    bk_code code = BK_IO;
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
        code = BK_ALREADY_EXISTS;
    return bk_error_set(err, code, "metastore: could not %s: %s", what,
                        db ? sqlite3_errmsg(db) : sqlite3_errstr(rc));
}

static void conn_close(meta_conn *c) {
    if (!c) return;
    if (c->cache) {
        for (size_t i = 0; i < bk_hmap_count(c->cache); i++) {
            meta_stmt *s = bk_hmap_ptr(c->cache, i);
            if (s) {
                sqlite3_finalize(s->st);
                bk_free(s);
            }
        }
        bk_hmap_free(c->cache);
    }
    if (c->db) sqlite3_close_v2(c->db);
    bk_free(c);
}

/* A new connection to db's file with the standard pragmas and the WAL hook. */
static meta_conn *conn_open(meta_db *db, bk_error *err) {
    const char *path = db->path;
    meta_conn *c = bk_calloc(1, sizeof *c);
    if (!c) {
        bk_error_set(err, BK_OUT_OF_MEMORY, "metastore: out of memory");
        return NULL;
    }
    c->cache = bk_hmap_new(true);
    int rc = sqlite3_open_v2(path, &c->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             NULL);
    if (rc != SQLITE_OK || !c->cache) {
        if (!c->cache)
            bk_error_set(err, BK_OUT_OF_MEMORY, "metastore: out of memory");
        else
            bk_error_set(err, BK_IO, "metastore \"%s\": could not open: %s", path,
                         c->db ? sqlite3_errmsg(c->db) : sqlite3_errstr(rc));
        conn_close(c);
        return NULL;
    }
    sqlite3_busy_timeout(c->db, META_BUSY_MS);
    sqlite3_extended_result_codes(c->db, 1);
    /*
     * Why these: WAL lets readers run while one writer commits; synchronous=FULL
     * fsyncs the WAL on every commit, so an acknowledged write survives SIGKILL and
     * power loss (NORMAL would only survive the former).
     */
    static const char pragmas[] = "PRAGMA synchronous=FULL;"
                                  "PRAGMA foreign_keys=ON;";
    char *msg = NULL;
    bool wal = false;
    rc = sqlite3_exec(c->db, "PRAGMA journal_mode=WAL", note_journal_mode, &wal, &msg);
    if (rc == SQLITE_OK) rc = sqlite3_exec(c->db, pragmas, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        bk_error_set(err, BK_IO, "metastore \"%s\": could not set up the connection: %s", path,
                     msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        conn_close(c);
        return NULL;
    }
    if (wal)
        sqlite3_wal_hook(c->db, on_wal_commit, NULL);
    else
        atomic_store(&db->not_wal, true);
    return c;
}

bk_status meta_open(const char *path, meta_db **out, bk_error *err) {
    *out = NULL;
    /*
     * SQLite's memory statistics (on by default) take a global mutex around every
     * allocation of every connection; nothing here reads them.  This must precede
     * SQLite's initialization: later calls fail harmlessly (SQLITE_MISUSE).
     */
    static atomic_flag configured = ATOMIC_FLAG_INIT;
    if (!atomic_flag_test_and_set(&configured)) sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    meta_db *db = bk_calloc(1, sizeof *db);
    if (!db) return bk_error_set(err, BK_OUT_OF_MEMORY, "metastore: out of memory");
    db->path = bk_strdup(path);
    db->lock = bk_mutex_new();
    atomic_init(&db->not_wal, false);
    atomic_fetch_add(&write_generation, 1); /* a new database: nothing cached is about it */
    if (!db->path || !db->lock) {
        meta_close(db);
        return bk_error_set(err, BK_OUT_OF_MEMORY, "metastore: out of memory");
    }
    meta_conn *c = meta_conn_get(db, err);
    if (!c) {
        meta_close(db);
        return err ? err->code : BK_IO;
    }
    bk_status st = meta_migrate(c, err);
    meta_conn_put(db, c);
    if (st != BK_OK) {
        meta_close(db);
        return st;
    }
    *out = db;
    return BK_OK;
}

void meta_close(meta_db *db) {
    if (!db) return;
    atomic_fetch_add(&write_generation, 1);
    while (db->idle) {
        meta_conn *c = db->idle;
        db->idle = c->next_idle;
        conn_close(c);
    }
    bk_mutex_free(db->lock);
    bk_free(db->path);
    bk_free(db);
}

meta_conn *meta_conn_get(meta_db *db, bk_error *err) {
    bk_mutex_lock(db->lock);
    meta_conn *c = db->idle;
    if (c) {
        db->idle = c->next_idle;
        db->n_idle--;
    }
    bk_mutex_unlock(db->lock);
    if (c) {
        c->next_idle = NULL;
        return c;
    }
    return conn_open(db, err);
}

uint64_t meta_write_generation(meta_db *db) {
    if (atomic_load(&db->not_wal)) return 0;
    return atomic_load(&write_generation);
}

void meta_conn_put(meta_db *db, meta_conn *c) {
    if (!c) return;
    if (meta_in_transaction(c)) meta_rollback(c);
    bk_mutex_lock(db->lock);
    bool keep = db->n_idle < META_MAX_IDLE;
    if (keep) {
        c->next_idle = db->idle;
        db->idle = c;
        db->n_idle++;
    }
    bk_mutex_unlock(db->lock);
    if (!keep) conn_close(c);
}

bk_status meta_exec(meta_conn *c, const char *sql, bk_error *err) {
    char *msg = NULL;
    int rc = sqlite3_exec(c->db, sql, NULL, NULL, &msg);
    if (rc == SQLITE_OK) return BK_OK;
    bk_code code = BK_IO;
    int ext = sqlite3_extended_errcode(c->db);
    if (ext == SQLITE_CONSTRAINT_UNIQUE || ext == SQLITE_CONSTRAINT_PRIMARYKEY)
        code = BK_ALREADY_EXISTS;
    bk_error_set(err, code, "metastore: could not run SQL: %s", msg ? msg : sqlite3_errstr(rc));
    sqlite3_free(msg);
    return code;
}

bk_status meta_begin(meta_conn *c, bk_error *err) { return meta_exec(c, "BEGIN IMMEDIATE", err); }

bk_status meta_commit(meta_conn *c, bk_error *err) {
    bk_status st = meta_exec(c, "COMMIT", err);
    if (st != BK_OK && meta_in_transaction(c)) meta_rollback(c);
    return st;
}

void meta_rollback(meta_conn *c) {
    if (!meta_in_transaction(c)) return;
    char *msg = NULL;
    if (sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, &msg) != SQLITE_OK)
        bk_log_warn("metastore: could not roll back: %s", msg ? msg : "unknown error");
    sqlite3_free(msg);
}

bool meta_in_transaction(const meta_conn *c) { return sqlite3_get_autocommit(c->db) == 0; }

meta_stmt *meta_prepare(meta_conn *c, const char *sql, bk_error *err) {
    size_t len = strlen(sql), idx = 0;
    /*
     * Fast path: the same address as last time and the same text (compared, since
     * an address may be a reused buffer) is the same statement, without hashing.
     */
    size_t slot = ((uintptr_t)sql >> 3) % RECENT_SLOTS;
    meta_stmt *seen = c->recent[slot].sql == sql ? c->recent[slot].stmt : NULL;
    if (seen && !seen->in_use) {
        const char *text = sqlite3_sql(seen->st);
        if (text && strcmp(text, sql) == 0) {
            seen->in_use = true;
            return seen;
        }
    }
    bool inserted = false;
    if (bk_hmap_insert(c->cache, sql, len, &idx, &inserted) != BK_OK) {
        bk_error_set(err, BK_OUT_OF_MEMORY, "metastore: out of memory");
        return NULL;
    }
    meta_stmt *s = bk_hmap_ptr(c->cache, idx);
    if (s && !s->in_use) {
        s->in_use = true;
        c->recent[slot].sql = sql;
        c->recent[slot].stmt = s;
        return s;
    }
    /* Not cached yet (cache it), or busy in an outer loop (a one-off statement). */
    bool cache_it = s == NULL;
    meta_stmt *fresh = bk_calloc(1, sizeof *fresh);
    if (!fresh) {
        bk_error_set(err, BK_OUT_OF_MEMORY, "metastore: out of memory");
        return NULL;
    }
    int rc = sqlite3_prepare_v3(c->db, sql, (int)len, cache_it ? SQLITE_PREPARE_PERSISTENT : 0,
                                &fresh->st, NULL);
    if (rc != SQLITE_OK) {
        sql_fail(c->db, rc, "prepare a statement", err);
        bk_free(fresh);
        return NULL;
    }
    fresh->cached = cache_it;
    fresh->in_use = true;
    if (cache_it) {
        bk_hmap_set_ptr(c->cache, idx, fresh);
        c->recent[slot].sql = sql;
        c->recent[slot].stmt = fresh;
    }
    return fresh;
}

static bk_status bind_rc(meta_stmt *s, int rc, bk_error *err) {
    if (rc == SQLITE_OK) return BK_OK;
    return sql_fail(sqlite3_db_handle(s->st), rc, "bind a parameter", err);
}

bk_status meta_bind_i64(meta_stmt *s, int idx, int64_t v, bk_error *err) {
    return bind_rc(s, sqlite3_bind_int64(s->st, idx, v), err);
}

bk_status meta_bind_text(meta_stmt *s, int idx, const char *v, bk_error *err) {
    if (!v) return meta_bind_null(s, idx, err);
    return bind_rc(s, sqlite3_bind_text(s->st, idx, v, -1, SQLITE_TRANSIENT), err);
}

bk_status meta_bind_textn(meta_stmt *s, int idx, const char *v, size_t len, bk_error *err) {
    if (!v) return meta_bind_null(s, idx, err);
    return bind_rc(s, sqlite3_bind_text64(s->st, idx, v, len, SQLITE_TRANSIENT, SQLITE_UTF8), err);
}

bk_status meta_bind_blob(meta_stmt *s, int idx, const void *v, size_t len, bk_error *err) {
    return bind_rc(s, sqlite3_bind_blob64(s->st, idx, v ? v : "", len, SQLITE_TRANSIENT), err);
}

bk_status meta_bind_null(meta_stmt *s, int idx, bk_error *err) {
    return bind_rc(s, sqlite3_bind_null(s->st, idx), err);
}

int meta_step(meta_stmt *s, bk_error *err) {
    int rc = sqlite3_step(s->st);
    if (rc == SQLITE_ROW) return META_ROW;
    if (rc == SQLITE_DONE) return META_DONE;
    return sql_fail(sqlite3_db_handle(s->st), rc, "run a statement", err);
}

int64_t meta_col_i64(meta_stmt *s, int col) { return sqlite3_column_int64(s->st, col); }

const char *meta_col_text(meta_stmt *s, int col) {
    return (const char *)sqlite3_column_text(s->st, col);
}

const void *meta_col_blob(meta_stmt *s, int col, size_t *len) {
    const void *p = sqlite3_column_blob(s->st, col);
    *len = (size_t)sqlite3_column_bytes(s->st, col);
    return p;
}

bool meta_col_is_null(meta_stmt *s, int col) {
    return sqlite3_column_type(s->st, col) == SQLITE_NULL;
}

void meta_done(meta_stmt *s) {
    if (!s) return;
    if (!s->cached) {
        sqlite3_finalize(s->st);
        bk_free(s);
        return;
    }
    sqlite3_reset(s->st);
    sqlite3_clear_bindings(s->st);
    s->in_use = false;
}

bk_status meta_run(meta_stmt *s, bk_error *err) {
    int rc;
    while ((rc = meta_step(s, err)) == META_ROW) {
    }
    meta_done(s);
    return rc == META_DONE ? BK_OK : rc;
}

int64_t meta_changes(meta_conn *c) { return sqlite3_changes64(c->db); }

int64_t meta_last_rowid(meta_conn *c) { return sqlite3_last_insert_rowid(c->db); }
