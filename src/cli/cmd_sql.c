/*
 * cmd_sql.c — `bricks sql`: the embedded SQL shell.
 *
 *     bricks sql [--data DIR] [--format MODE] [-c SQL] [FILE.sql]
 *
 * With -c or a FILE (or when standard input is not a terminal) it runs the
 * statements in order, prints each result, and stops with exit status 1 at the
 * first error, printed as "[CLASS.SUB] message" with the statement's line and
 * a caret under the offending fragment.  A FILE or a pipe is read line by line
 * and each statement runs as soon as its ';' arrives, so a program can drive
 * one warm session over a pipe (bench/tpch/run.py does); there a line starting
 * with '.' between statements is a dot command (`.timer on` prints each
 * statement's time, result output included, to stderr).  On a terminal it is interactive:
 * line editing and history (libedit), statements may span lines and end with
 * ';', and dot commands change the shell (.help lists them).  A statement
 * running longer than a second shows a progress line (elapsed time and rows
 * read so far) on the terminal, erased when it ends; Ctrl-C then cancels the
 * statement instead of ending the shell.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <editline/readline.h>

#include "base/mem.h"
#include "cli/cli.h"
#include "engine/engine.h"

typedef struct shell {
    eng_session *session;
    cli_table_mode mode;
    bool timer;
    bool interactive;
    size_t max_rows; /* box mode on a terminal */
    bk_buf out;
} shell;

static const char sql_usage[] =
    "Usage: bricks sql [--data DIR] [--format box|csv|json|tsv|markdown] [-c SQL] [FILE.sql]\n"
    "\n"
    "The embedded SQL shell (Spark SQL, ANSI mode).  Without -c or FILE it reads\n"
    "standard input: interactively on a terminal, else as a script.\n"
    "\n"
    "Options:\n"
    "  --data DIR      the data directory (default: ./bricks-data when it exists)\n"
    "  --format MODE   output mode (default box; csv for scripts is common)\n"
    "  -c SQL          run SQL (one or more statements) and exit\n"
    "\n"
    "Exit status: 0 when every statement succeeded, 1 at the first error, 2 on a\n"
    "usage error.\n";

static const char dot_help[] = ".help              this text\n"
                               ".mode MODE         box, csv, json, tsv or markdown\n"
                               ".timer on|off      print the time each statement takes\n"
                               ".maxrows N         box mode shows at most N rows (0 = all)\n"
                               ".quit, .exit       leave the shell\n";

/* ---- splitting a script into statements ---- */

/*
 * The end of the statement starting at text[pos]: the index of its ';' (or len).
 * Quotes ('…', "…", `…` with doubling or backslash escapes), -- comments and
 * nested block comments are skipped.  *complete says whether a semicolon ended it.
 */
static size_t statement_end(const char *text, size_t len, size_t pos, bool *complete) {
    size_t i = pos;
    int depth = 0;
    while (i < len) {
        char c = text[i];
        if (depth > 0) {
            if (c == '*' && i + 1 < len && text[i + 1] == '/') {
                depth--;
                i += 2;
            } else if (c == '/' && i + 1 < len && text[i + 1] == '*') {
                depth++;
                i += 2;
            } else {
                i++;
            }
            continue;
        }
        if (c == '-' && i + 1 < len && text[i + 1] == '-') {
            while (i < len && text[i] != '\n') i++;
            continue;
        }
        if (c == '/' && i + 1 < len && text[i + 1] == '*') {
            depth = 1;
            i += 2;
            continue;
        }
        if (c == '\'' || c == '"' || c == '`') {
            i++;
            while (i < len && text[i] != c) {
                if (text[i] == '\\' && c != '`' && i + 1 < len) i++;
                i++;
            }
            i++;
            continue;
        }
        if (c == ';') {
            *complete = true;
            return i;
        }
        i++;
    }
    *complete = false;
    return len;
}

/* True when text[0..len) holds only whitespace and comments. */
static bool is_blank(const char *text, size_t len) {
    size_t i = 0;
    while (i < len) {
        if (text[i] == ' ' || text[i] == '\t' || text[i] == '\n' || text[i] == '\r') {
            i++;
        } else if (text[i] == '-' && i + 1 < len && text[i + 1] == '-') {
            while (i < len && text[i] != '\n') i++;
        } else if (text[i] == '/' && i + 1 < len && text[i + 1] == '*') {
            const char *end = NULL;
            for (size_t j = i + 2; j + 1 < len; j++)
                if (text[j] == '*' && text[j + 1] == '/') {
                    end = text + j;
                    break;
                }
            if (!end) return false;
            i = (size_t)(end - text) + 2;
        } else {
            return false;
        }
    }
    return true;
}

/* ---- running statements ---- */

/* "[CLASS.SUB] message", then the line of the fragment with a caret under it. */
static void print_error(const bk_error *err, const char *sql, size_t len) {
    char cls[BK_ERROR_CLASS_MAX];
    fprintf(stderr, "[%s] %s SQLSTATE: %s", bk_error_class(err, cls, sizeof cls), err->msg,
            bk_error_sqlstate(err));
    if (err->sql_pos >= 0 && (size_t)err->sql_pos <= len) {
        size_t pos = (size_t)err->sql_pos, line_start = pos, line_no = 1;
        while (line_start > 0 && sql[line_start - 1] != '\n') line_start--;
        for (size_t i = 0; i < line_start; i++) line_no += sql[i] == '\n';
        size_t line_end = pos;
        while (line_end < len && sql[line_end] != '\n') line_end++;
        fprintf(stderr, "; line %zu pos %zu\n", line_no, pos - line_start);
        fprintf(stderr, "%.*s\n%*s^\n", (int)(line_end - line_start), sql + line_start,
                (int)(pos - line_start), "");
    } else {
        fprintf(stderr, "\n");
    }
    if (err->detail[0]) fprintf(stderr, "%s\n", err->detail);
}

/* The progress line's thread: from one second on, redraws it every 100 ms. */
typedef struct progress {
    eng_session *session;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    bool done, shown;
    double t0;
} progress;

static volatile sig_atomic_t interrupted; /* Ctrl-C while a statement runs */

static void on_sigint(int sig) {
    (void)sig;
    interrupted = 1;
}

static void *progress_main(void *arg) {
    progress *p = arg;
    pthread_mutex_lock(&p->lock);
    while (!p->done) {
        struct timespec until;
        clock_gettime(CLOCK_REALTIME, &until);
        long ns = until.tv_nsec + 100 * 1000000L;
        until.tv_sec += ns / 1000000000L;
        until.tv_nsec = ns % 1000000000L;
        pthread_cond_timedwait(&p->wake, &p->lock, &until);
        if (interrupted) eng_cancel(p->session); /* not from the handler: it takes a lock */
        uint64_t rows;
        if (p->done || cli_now() - p->t0 < 1.0 || !eng_progress(p->session, &rows)) continue;
        fprintf(stderr, "\r\033[K[running %.1f s, %llu rows read] (Ctrl-C cancels)",
                cli_now() - p->t0, (unsigned long long)rows);
        fflush(stderr);
        p->shown = true;
    }
    if (p->shown) fprintf(stderr, "\r\033[K");
    pthread_mutex_unlock(&p->lock);
    return NULL;
}

static bool run_statement(shell *sh, const char *sql, size_t len) {
    bk_error err;
    bk_error_clear(&err);
    eng_result *r = NULL;
    double t0 = cli_now();
    progress p = {.session = sh->session, .t0 = t0};
    pthread_t thread;
    bool show = sh->interactive && isatty(STDERR_FILENO);
    struct sigaction old_int;
    if (show) {
        pthread_mutex_init(&p.lock, NULL);
        pthread_cond_init(&p.wake, NULL);
        interrupted = 0;
        struct sigaction sa = {.sa_handler = on_sigint};
        sigemptyset(&sa.sa_mask);
        sigaction(SIGINT, &sa, &old_int);
        show = pthread_create(&thread, NULL, progress_main, &p) == 0;
        if (!show) sigaction(SIGINT, &old_int, NULL);
    }
    bk_status s = eng_execute(sh->session, sql, (ptrdiff_t)len, &r, &err);
    if (show) {
        pthread_mutex_lock(&p.lock);
        p.done = true;
        pthread_cond_signal(&p.wake);
        pthread_mutex_unlock(&p.lock);
        pthread_join(thread, NULL);
        sigaction(SIGINT, &old_int, NULL);
        pthread_cond_destroy(&p.wake);
        pthread_mutex_destroy(&p.lock);
    }
    if (s != BK_OK) {
        print_error(&err, sql, len);
        return false;
    }
    cli_set_display_zone(r->tz);
    bk_arena *scratch = bk_arena_new(NULL, "shell output", 0);
    bk_status ps = BK_OK;
    if (r->table && r->table->schema->n_children > 0 && scratch)
        ps = cli_print_table(scratch, &sh->out, sh->mode, r->table,
                             sh->mode == CLI_MODE_BOX ? sh->max_rows : 0);
    bk_arena_free(scratch);
    eng_result_free(r);
    if (ps == BK_OK) ps = cli_flush(&sh->out, 0, &err);
    if (ps == BK_OK && fflush(stdout) != 0) ps = BK_IO; /* a driver on a pipe waits for it */
    if (ps != BK_OK) {
        fprintf(stderr, "bricks: could not write the result\n");
        return false;
    }
    if (sh->timer) fprintf(stderr, "Run Time: %.3f s\n", cli_now() - t0);
    return true;
}

/* Run every statement of a script; false at the first failure. */
static bool run_script(shell *sh, const char *text, size_t len) {
    size_t pos = 0;
    while (pos < len) {
        bool complete;
        size_t end = statement_end(text, len, pos, &complete);
        if (!is_blank(text + pos, end - pos) && !run_statement(sh, text + pos, end - pos))
            return false;
        pos = end + 1;
    }
    return true;
}

/* A dot command; false to leave the shell. */
static bool dot_command(shell *sh, char *line) {
    char *arg = strchr(line, ' ');
    if (arg) {
        *arg++ = '\0';
        while (*arg == ' ') arg++;
        size_t n = strlen(arg);
        while (n && (arg[n - 1] == ' ' || arg[n - 1] == ';')) arg[--n] = '\0';
    }
    if (strcmp(line, ".quit") == 0 || strcmp(line, ".exit") == 0) return false;
    if (strcmp(line, ".help") == 0) {
        fputs(dot_help, stdout);
    } else if (strcmp(line, ".mode") == 0) {
        if (!arg || !cli_table_mode_parse(arg, &sh->mode))
            fprintf(stderr, "Error: .mode takes box, csv, json, tsv or markdown\n");
    } else if (strcmp(line, ".timer") == 0) {
        if (arg && (strcmp(arg, "on") == 0 || strcmp(arg, "off") == 0))
            sh->timer = strcmp(arg, "on") == 0;
        else
            fprintf(stderr, "Error: .timer takes on or off\n");
    } else if (strcmp(line, ".maxrows") == 0) {
        int64_t n;
        if (arg && cli_parse_count(arg, &n))
            sh->max_rows = (size_t)n;
        else
            fprintf(stderr, "Error: .maxrows takes a number\n");
    } else {
        fprintf(stderr, "Error: unknown command \"%s\"; .help lists the commands\n", line);
    }
    return true;
}

static void interactive(shell *sh) {
    printf("bricks %s SQL shell. Statements end with ';'. .help for help, .quit to leave.\n",
           BRICKS_VERSION);
    bk_buf stmt;
    bk_buf_init(&stmt);
    for (;;) {
        fflush(stdout);
        char *line = readline(stmt.len ? "   ...> " : "bricks> ");
        if (!line) break; /* end of input */
        if (stmt.len == 0 && line[0] == '.') {
            add_history(line);
            bool go_on = dot_command(sh, line);
            bk_free_foreign(line); /* libedit's malloc */
            if (!go_on) break;
            continue;
        }
        if (bk_buf_append(&stmt, line, strlen(line)) != BK_OK ||
            bk_buf_append_u8(&stmt, '\n') != BK_OK) {
            bk_free_foreign(line);
            break;
        }
        bk_free_foreign(line);
        bool complete;
        const char *text = (const char *)stmt.data;
        statement_end(text, stmt.len, 0, &complete);
        if (!complete && !is_blank(text, stmt.len)) continue;
        /* history gets the whole statement on one line */
        char *hist = bk_malloc(stmt.len + 1);
        if (hist) {
            memcpy(hist, text, stmt.len);
            hist[stmt.len] = '\0';
            for (char *p = hist; *p; p++)
                if (*p == '\n') *p = ' ';
            add_history(hist);
            bk_free(hist);
        }
        if (!is_blank(text, stmt.len)) run_script(sh, text, stmt.len);
        bk_buf_clear(&stmt);
    }
    bk_buf_destroy(&stmt);
    printf("\n");
}

/* Run and drop every complete statement at the start of `stmt`; false at a failure. */
static bool run_complete(shell *sh, bk_buf *stmt) {
    for (;;) {
        const char *text = (const char *)stmt->data;
        bool complete;
        size_t end = statement_end(text, stmt->len, 0, &complete);
        if (!complete) return true;
        if (!is_blank(text, end) && !run_statement(sh, text, end)) return false;
        size_t rest = stmt->len - end - 1;
        memmove(stmt->data, stmt->data + end + 1, rest);
        stmt->len = rest;
    }
}

/*
 * Run a script from `f` as its lines arrive: each statement when its ';' has been
 * read, a line starting with '.' outside a statement as a dot command, and what is
 * left at the end of input as a last statement.  False at the first failure
 * (*io_error set when reading failed or memory ran out).
 */
static bool run_stream(shell *sh, FILE *f, bool *io_error) {
    bk_buf stmt;
    bk_buf_init(&stmt);
    char chunk[65536];
    bool ok = true, line_start = true;
    *io_error = false;
    while (ok && fgets(chunk, sizeof chunk, f)) {
        size_t n = strlen(chunk);
        bool at_start = line_start;
        line_start = n > 0 && chunk[n - 1] == '\n';
        if (at_start && chunk[0] == '.' && is_blank((const char *)stmt.data, stmt.len)) {
            while (n && (chunk[n - 1] == '\n' || chunk[n - 1] == '\r')) chunk[--n] = '\0';
            bk_buf_clear(&stmt);
            if (!dot_command(sh, chunk)) break;
            continue;
        }
        if (bk_buf_append(&stmt, chunk, n) != BK_OK) {
            ok = false;
            *io_error = true;
        } else if (line_start && memchr(chunk, ';', n)) {
            ok = run_complete(sh, &stmt);
        }
    }
    if (ok && ferror(f)) {
        ok = false;
        *io_error = true;
    }
    if (ok && !*io_error) ok = run_complete(sh, &stmt);
    if (ok && !is_blank((const char *)stmt.data, stmt.len))
        ok = run_statement(sh, (const char *)stmt.data, stmt.len);
    bk_buf_destroy(&stmt);
    return ok;
}

int cli_cmd_sql(int argc, char **argv) {
    const char *data = NULL, *command = NULL, *file = NULL, *format = NULL;
    for (int i = 1; i < argc; i++) {
        const char *v;
        int got;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(sql_usage, stdout);
            return CLI_EXIT_OK;
        }
        if ((got = cli_opt_value(argc, argv, &i, "--data", &v)) != 0) {
            if (got < 0) return CLI_EXIT_USAGE;
            data = v;
        } else if ((got = cli_opt_value(argc, argv, &i, "--format", &v)) != 0) {
            if (got < 0) return CLI_EXIT_USAGE;
            format = v;
        } else if ((got = cli_opt_value(argc, argv, &i, "-c", &v)) != 0) {
            if (got < 0) return CLI_EXIT_USAGE;
            command = v;
        } else if (argv[i][0] == '-' && argv[i][1]) {
            return cli_usage("sql", "unknown option \"%s\"", argv[i]);
        } else if (!file) {
            file = argv[i];
        } else {
            return cli_usage("sql", "more than one FILE given (\"%s\")", argv[i]);
        }
    }
    if (command && file) return cli_usage("sql", "give -c SQL or a FILE, not both");
    shell sh = {.mode = CLI_MODE_BOX, .max_rows = 40};
    if (format && !cli_table_mode_parse(format, &sh.mode))
        return cli_usage("sql", "--format takes box, csv, json, tsv or markdown, not \"%s\"",
                         format);
    if (!data && access("bricks-data", F_OK) == 0) data = "bricks-data";
    bk_error err;
    bk_error_clear(&err);
    eng_options o = {.data_dir = data};
    if (eng_session_open(&o, &sh.session, &err) != BK_OK) return cli_report(&err);
    bk_buf_init(&sh.out);
    int rc = CLI_EXIT_OK;
    if (command) {
        sh.max_rows = 0;
        if (!run_script(&sh, command, strlen(command))) rc = CLI_EXIT_ERROR;
    } else if (file || !isatty(STDIN_FILENO)) {
        sh.max_rows = 0;
        FILE *f = file ? fopen(file, "rb") : stdin;
        bool io_error = false;
        if (!f) {
            rc = cli_fail("could not open \"%s\": %s", file, strerror(errno));
        } else if (!run_stream(&sh, f, &io_error)) {
            rc = io_error ? cli_fail("could not read \"%s\"", file ? file : "standard input")
                          : CLI_EXIT_ERROR;
        }
        if (f && f != stdin) fclose(f);
    } else {
        sh.interactive = true;
        interactive(&sh);
    }
    bk_buf_destroy(&sh.out);
    eng_session_close(sh.session);
    return rc;
}
