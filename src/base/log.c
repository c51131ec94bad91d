/*
 * log.c — leveled logging (see log.h).
 *
 * The level is an atomic so that bk_log_enabled costs one load; BRICKS_LOG is read
 * once, under pthread_once, before the first use.  Output goes through one mutex so
 * that a line is written whole (and the sink is never called concurrently).  The
 * line's head is built by hand, with the date and time of day cached per thread
 * for the current second (a server logs one line per request).
 */
#include "base/log.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "base/clock.h"

#define LINE_MAX_BYTES 4096

static atomic_int current_level = BK_LOG_INFO;
static pthread_once_t env_once = PTHREAD_ONCE_INIT;
static pthread_mutex_t out_lock = PTHREAD_MUTEX_INITIALIZER;
static bk_log_sink sink_fn;
static void *sink_arg;

static const char *const level_names[] = {"DEBUG", "INFO", "WARNING", "ERROR", "OFF"};

static char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? (char)(c - 'A' + 'a') : c; }

static bool ieq(const char *a, const char *b) {
    for (; *a && *b; a++, b++) {
        if (ascii_lower(*a) != ascii_lower(*b)) return false;
    }
    return *a == *b;
}

bool bk_log_parse_level(const char *text, bk_log_level *out) {
    static const struct {
        const char *name;
        bk_log_level level;
    } names[] = {
        {"debug", BK_LOG_DEBUG}, {"info", BK_LOG_INFO},   {"warning", BK_LOG_WARN},
        {"warn", BK_LOG_WARN},   {"error", BK_LOG_ERROR}, {"off", BK_LOG_OFF},
        {"none", BK_LOG_OFF},
    };
    for (size_t i = 0; i < BK_ARRAY_LEN(names); i++) {
        if (ieq(text, names[i].name)) {
            *out = names[i].level;
            return true;
        }
    }
    return false;
}

/* Apply BRICKS_LOG; an unknown value is reported once and otherwise ignored. */
static void read_env(void) {
    const char *env = getenv("BRICKS_LOG");
    if (!env || !*env) return;
    bk_log_level level;
    if (bk_log_parse_level(env, &level))
        atomic_store(&current_level, (int)level);
    else
        fprintf(stderr, "bricks: WARNING:  invalid value for BRICKS_LOG: \"%s\"\n", env);
}

bk_log_level bk_log_get_level(void) {
    pthread_once(&env_once, read_env);
    return (bk_log_level)atomic_load(&current_level);
}

void bk_log_set_level(bk_log_level level) {
    pthread_once(&env_once, read_env); /* so that a later first use cannot override this */
    atomic_store(&current_level, (int)level);
}

bool bk_log_enabled(bk_log_level level) {
    return level < BK_LOG_OFF && (int)level >= (int)bk_log_get_level();
}

const char *bk_log_level_name(bk_log_level level) {
    if ((int)level < 0 || level > BK_LOG_OFF) return "LOG";
    return level_names[level];
}

void bk_log_set_sink(bk_log_sink fn, void *arg) {
    pthread_mutex_lock(&out_lock);
    sink_fn = fn;
    sink_arg = arg;
    pthread_mutex_unlock(&out_lock);
}

/*
 * The process id, cached (getpid is a system call); pthread_atfork clears it in a
 * child, which then reads its own.
 */
static atomic_long cached_pid;

static void forget_pid(void) { atomic_store(&cached_pid, 0); }

static void register_atfork(void) { pthread_atfork(NULL, NULL, forget_pid); }

static long log_pid(void) {
    long pid = atomic_load_explicit(&cached_pid, memory_order_relaxed);
    if (pid) return pid;
    static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
    pthread_once(&atfork_once, register_atfork);
    pid = (long)getpid();
    atomic_store(&cached_pid, pid);
    return pid;
}

/* Write the decimal digits of v >= 0 at dst; returns how many. */
static size_t put_digits(char *dst, unsigned long v) {
    char tmp[24];
    size_t n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    for (size_t i = 0; i < n; i++) dst[i] = tmp[n - 1 - i];
    return n;
}

/*
 * The line's head, "YYYY-MM-DD HH:MM:SS.mmm UTC [pid] LEVEL:  ", into `line`
 * (LINE_MAX_BYTES); returns its length.  The date and time of day are formatted
 * once per second per thread (they are most of a line's cost when a thread logs
 * a request after request), the rest by hand.
 */
static size_t format_head(char *line, bk_log_level level) {
    static _Thread_local int64_t cached_second = INT64_MIN;
    static _Thread_local char cached_stamp[BK_TIMESTAMP_TEXT_MAX];
    static _Thread_local size_t cached_len;
    int64_t now = bk_now_micros();
    int64_t days, of_day;
    bk_micros_split(now, &days, &of_day);
    int64_t second = now - of_day % BK_MICROS_PER_SECOND;
    if (second != cached_second) {
        size_t n = bk_format_timestamp_micros(second, cached_stamp, sizeof cached_stamp);
        cached_len = n < sizeof cached_stamp ? n : sizeof cached_stamp - 1;
        cached_second = second;
    }
    size_t len = cached_len;
    memcpy(line, cached_stamp, len);
    int ms = (int)(of_day % BK_MICROS_PER_SECOND / 1000);
    line[len++] = '.';
    line[len++] = (char)('0' + ms / 100);
    line[len++] = (char)('0' + ms / 10 % 10);
    line[len++] = (char)('0' + ms % 10);
    memcpy(line + len, " UTC [", 6);
    len += 6;
    len += put_digits(line + len, (unsigned long)log_pid());
    line[len++] = ']';
    line[len++] = ' ';
    const char *name = bk_log_level_name(level);
    size_t name_len = strlen(name);
    memcpy(line + len, name, name_len);
    len += name_len;
    memcpy(line + len, ":  ", 3);
    return len + 3;
}

/*
 * Finish line[0..len) (its message starts at `head`; `cut`: it did not fit and
 * ends in "..." on a UTF-8 boundary) and hand it to the sink or stderr.
 */
static void emit(bk_log_level level, char *line, size_t head, size_t len, bool cut) {
    if (cut) {
        len = LINE_MAX_BYTES - 5;
        while (len > head && ((unsigned char)line[len] & 0xC0) == 0x80) len--;
        memcpy(line + len, "...", 3);
        len += 3;
    }
    while (len > head && line[len - 1] == '\n') len--;
    line[len] = '\0';

    pthread_mutex_lock(&out_lock);
    if (sink_fn) {
        sink_fn(sink_arg, level, line);
    } else {
        line[len] = '\n';
        fwrite(line, 1, len + 1, stderr);
        fflush(stderr);
    }
    pthread_mutex_unlock(&out_lock);
}

void bk_logv(bk_log_level level, const char *fmt, va_list ap) {
    if (!bk_log_enabled(level)) return;
    char line[LINE_MAX_BYTES];
    size_t head = format_head(line, level);
    int n = vsnprintf(line + head, sizeof line - head - 1, fmt, ap);
    if (n < 0) n = 0;
    bool cut = (size_t)n >= sizeof line - head - 1;
    emit(level, line, head, cut ? sizeof line : head + (size_t)n, cut);
}

void bk_log_text(bk_log_level level, const char *msg, size_t len) {
    if (!bk_log_enabled(level)) return;
    char line[LINE_MAX_BYTES];
    size_t head = format_head(line, level);
    bool cut = len >= sizeof line - head - 1;
    size_t take = cut ? sizeof line - head - 1 : len;
    memcpy(line + head, msg, take);
    emit(level, line, head, head + take, cut);
}

void bk_log(bk_log_level level, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    bk_logv(level, fmt, ap);
    va_end(ap);
}

#define LEVEL_FN(name, level)                                                                      \
    void name(const char *fmt, ...) {                                                              \
        va_list ap;                                                                                \
        va_start(ap, fmt);                                                                         \
        bk_logv(level, fmt, ap);                                                                   \
        va_end(ap);                                                                                \
    }

LEVEL_FN(bk_log_debug, BK_LOG_DEBUG)
LEVEL_FN(bk_log_info, BK_LOG_INFO)
LEVEL_FN(bk_log_warn, BK_LOG_WARN)
LEVEL_FN(bk_log_error, BK_LOG_ERROR)
