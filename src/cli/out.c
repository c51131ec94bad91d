/*
 * out.c — the CLI's small shared services: error messages, buffered stdout, and
 * the checked parsers for flag values (sizes, counts).
 *
 * Every command prints its results into a bk_buf and hands it to cli_flush in large
 * pieces, so output is one write per ~64 KiB rather than one stdio call per value.
 */
#include "cli/cli.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>
#include <time.h>

int cli_report(const bk_error *err) {
    fprintf(stderr, "bricks: %s\n", err->msg[0] ? err->msg : bk_code_name(err->code));
    if (err->detail[0]) fprintf(stderr, "bricks: detail: %s\n", err->detail);
    return CLI_EXIT_ERROR;
}

int cli_fail(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("bricks: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    return CLI_EXIT_ERROR;
}

int cli_usage(const char *cmd, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("bricks: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    fprintf(stderr, "Run '%s --help' for usage.\n", cmd);
    return CLI_EXIT_USAGE;
}

bk_status cli_flush(bk_buf *b, size_t threshold, bk_error *err) {
    if (b->len == 0 || b->len < threshold) return BK_OK;
    size_t want = b->len;
    size_t done = fwrite(b->data, 1, want, stdout);
    bk_buf_clear(b);
    if (done != want || ferror(stdout)) {
        return bk_error_set(err, BK_IO, "could not write to standard output: %s",
                            strerror(errno));
    }
    return BK_OK;
}

bool cli_parse_count(const char *s, int64_t *out) {
    if (!s || !*s) return false;
    int64_t v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') return false;
        int d = *p - '0';
        if (v > (INT64_MAX - d) / 10) return false;
        v = v * 10 + d;
    }
    *out = v;
    return true;
}

bool cli_parse_size(const char *s, size_t *out) {
    if (!s || !*s) return false;
    size_t len = strlen(s);
    uint64_t mult = 1;
    char last = s[len - 1];
    if (last == 'b' || last == 'B') {
        len--; /* "64KB", "2GB" */
        if (len == 0) return false;
        last = s[len - 1];
    }
    char upper = last >= 'a' && last <= 'z' ? (char)(last - 'a' + 'A') : last;
    const char *suffixes = "KMGT", *hit = upper ? strchr(suffixes, upper) : NULL;
    if (hit) {
        for (const char *p = suffixes; p <= hit; p++) mult *= 1024;
        len--;
    }
    if (len == 0 || len > 20) return false;
    char digits[24];
    memcpy(digits, s, len);
    digits[len] = '\0';
    int64_t v;
    if (!cli_parse_count(digits, &v)) return false;
    if ((uint64_t)v > SIZE_MAX / mult) return false;
    *out = (size_t)((uint64_t)v * mult);
    return true;
}

int cli_opt_value(int argc, char **argv, int *i, const char *name, const char **value) {
    const char *arg = argv[*i];
    size_t n = strlen(name);
    if (strncmp(arg, name, n) != 0) return 0;
    if (arg[n] == '=') {
        *value = arg + n + 1;
        return 1;
    }
    if (arg[n] != '\0') return 0;
    if (*i + 1 >= argc) {
        fprintf(stderr, "bricks: option %s needs a value\n", name);
        return -1;
    }
    *value = argv[++*i];
    return 1;
}

double cli_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}
