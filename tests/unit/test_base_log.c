/*
 * test_base_log.c — leveled logging: level names and parsing, filtering, the line
 * layout, truncation of long messages, and the sink hook.
 */
#include "base/log.h"
#include "test.h"

typedef struct captured {
    int n;
    bk_log_level level;
    char line[8192];
} captured;

static void capture(void *arg, bk_log_level level, const char *line) {
    captured *c = arg;
    c->n++;
    c->level = level;
    snprintf(c->line, sizeof c->line, "%s", line);
}

BK_TEST(log_parse_level_names) {
    bk_log_level l = BK_LOG_INFO;
    ASSERT_TRUE(bk_log_parse_level("debug", &l) && l == BK_LOG_DEBUG);
    ASSERT_TRUE(bk_log_parse_level("WARN", &l) && l == BK_LOG_WARN);
    ASSERT_TRUE(bk_log_parse_level("Warning", &l) && l == BK_LOG_WARN);
    ASSERT_TRUE(bk_log_parse_level("error", &l) && l == BK_LOG_ERROR);
    ASSERT_TRUE(bk_log_parse_level("off", &l) && l == BK_LOG_OFF);
    ASSERT_TRUE(!bk_log_parse_level("loud", &l));
    ASSERT_TRUE(!bk_log_parse_level("", &l));
    ASSERT_STR_EQ(bk_log_level_name(BK_LOG_WARN), "WARNING");
    ASSERT_STR_EQ(bk_log_level_name(BK_LOG_INFO), "INFO");
}

BK_TEST(log_filters_and_formats) {
    static captured c;
    memset(&c, 0, sizeof c);
    bk_log_level saved = bk_log_get_level();
    bk_log_set_sink(capture, &c);
    bk_log_set_level(BK_LOG_WARN);
    bk_log_info("not shown");
    ASSERT_EQ(c.n, 0);
    ASSERT_TRUE(!bk_log_enabled(BK_LOG_INFO));
    ASSERT_TRUE(bk_log_enabled(BK_LOG_ERROR));
    bk_log_warn("could not remove file \"%s\"\n", "x");
    ASSERT_EQ(c.n, 1);
    ASSERT_EQ(c.level, BK_LOG_WARN);
    /* "YYYY-MM-DD HH:MM:SS.mmm UTC [pid] WARNING:  message", newline dropped */
    ASSERT_EQ(strlen(c.line) > 24, 1);
    ASSERT_EQ(c.line[4], '-');
    ASSERT_EQ(c.line[10], ' ');
    ASSERT_EQ(c.line[19], '.');
    ASSERT_TRUE(strncmp(c.line + 23, " UTC [", 6) == 0);
    ASSERT_CONTAINS(c.line, "] WARNING:  could not remove file \"x\"");
    ASSERT_TRUE(c.line[strlen(c.line) - 1] == '"');

    bk_log_set_level(BK_LOG_OFF);
    bk_log_error("nothing");
    bk_log(BK_LOG_OFF, "nothing either");
    ASSERT_EQ(c.n, 1);

    bk_log_set_level(BK_LOG_DEBUG);
    bk_log_debug("d %d", 1);
    ASSERT_EQ(c.n, 2);
    ASSERT_CONTAINS(c.line, "DEBUG:  d 1");

    /* a very long message is cut and marked */
    static char big[10000];
    memset(big, 'q', sizeof big - 1);
    bk_log_info("%s", big);
    ASSERT_TRUE(strlen(c.line) < 4096);
    ASSERT_STR_EQ(c.line + strlen(c.line) - 4, "q...");

    /* bk_log_text: the same head, the text as it is (no format), cut the same way */
    bk_log_text(BK_LOG_INFO, "GET /x 200 0.05ms %d", 20);
    ASSERT_EQ(c.level, BK_LOG_INFO);
    ASSERT_EQ(c.line[19], '.');
    ASSERT_TRUE(strncmp(c.line + 23, " UTC [", 6) == 0);
    ASSERT_STR_EQ(strstr(c.line, "] INFO:  "), "] INFO:  GET /x 200 0.05ms %d");
    bk_log_text(BK_LOG_INFO, big, sizeof big - 1);
    ASSERT_TRUE(strlen(c.line) < 4096);
    ASSERT_STR_EQ(c.line + strlen(c.line) - 4, "q...");
    int before = c.n;
    bk_log_set_level(BK_LOG_WARN);
    bk_log_text(BK_LOG_INFO, "hidden", 6);
    ASSERT_EQ(c.n, before);

    bk_log_set_sink(NULL, NULL);
    bk_log_set_level(saved);
}
