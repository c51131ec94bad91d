/*
 * cmd_serve.c — `bricks serve`: open the data directory and run the workspace
 * server until SIGINT or SIGTERM.
 *
 *     bricks serve [--data DIR] [--listen ADDR:PORT] [--threads N]
 *
 * Standard output carries what a user (or a test harness) needs, one fact a line:
 * on the first start the admin's personal access token on a line of its own
 * (shown this once; only its hash is stored), then
 * "bricks serve: listening on http://ADDR:PORT" once the socket is bound.  The
 * request log goes to standard error.
 *
 * Shutdown: the signals are blocked in every thread (the mask is set before the
 * server's threads start, so they inherit it) and the main thread waits for them
 * with sigwait; it then stops accepting, lets requests in flight finish, and closes
 * the metastore.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "base/log.h"
#include "base/str.h"
#include "cli/cli.h"
#include "server/srv.h"
#include "services/svc.h"
#include "services/svc_clusters.h"

#define GRACE_MS 10000

static const char serve_usage[] =
    "Usage: bricks serve [--data DIR] [--listen ADDR:PORT] [--threads N]\n"
    "\n"
    "The Databricks-compatible workspace server.  Point the Databricks SDK or CLI at it\n"
    "with DATABRICKS_HOST=http://ADDR:PORT and DATABRICKS_TOKEN=<token>.\n"
    "\n"
    "Options:\n"
    "  --data DIR          the data directory, created on first start (default ./bricks-data)\n"
    "  --listen ADDR:PORT  the address to listen on (default 127.0.0.1:8080; port 0 picks\n"
    "                      a free one; IPv6 as [::1]:8080)\n"
    "  --threads N         worker threads (default: one per core)\n"
    "\n"
    "On the first start it creates the admin user " SVC_ADMIN_USER " and prints a\n"
    "personal access token for it, once.  SIGINT or SIGTERM stop it gracefully.\n";

/* Split "host:port", "[v6]:port" or "port" into cfg->host (in buf) and cfg->port. */
static bool parse_listen(const char *text, char *buf, size_t cap, srv_config *cfg) {
    const char *host = NULL, *port = text;
    size_t host_len = 0;
    if (text[0] == '[') {
        const char *close = strchr(text, ']');
        if (!close || close[1] != ':') return false;
        host = text + 1;
        host_len = (size_t)(close - text - 1);
        port = close + 2;
    } else {
        const char *colon = strrchr(text, ':');
        if (colon) {
            host = text;
            host_len = (size_t)(colon - text);
            port = colon + 1;
        }
    }
    int64_t p;
    if (!bk_parse_i64(port, strlen(port), &p) || p < 0 || p > 65535) return false;
    cfg->port = (uint16_t)p;
    if (host) {
        if (host_len == 0 || host_len >= cap) return false;
        memcpy(buf, host, host_len);
        buf[host_len] = '\0';
        cfg->host = buf;
    }
    return true;
}

int cli_cmd_serve(int argc, char **argv) {
    const char *data_dir = "./bricks-data";
    const char *listen = NULL;
    srv_config cfg;
    srv_config_default(&cfg);
    char host_buf[256];
    for (int i = 1; i < argc; i++) {
        const char *v = NULL;
        int r;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(serve_usage, stdout);
            return CLI_EXIT_OK;
        }
        if ((r = cli_opt_value(argc, argv, &i, "--data", &v)) != 0) {
            if (r < 0) return CLI_EXIT_USAGE;
            data_dir = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--listen", &v)) != 0) {
            if (r < 0) return CLI_EXIT_USAGE;
            listen = v;
        } else if ((r = cli_opt_value(argc, argv, &i, "--threads", &v)) != 0) {
            int64_t n;
            if (r < 0) return CLI_EXIT_USAGE;
            if (!bk_parse_i64(v, strlen(v), &n) || n < 1 || n > 1024)
                return cli_usage("serve", "--threads wants a number from 1 to 1024, not \"%s\"",
                                 v);
            cfg.threads = (int)n;
        } else {
            return cli_usage("serve", "unknown argument \"%s\"", argv[i]);
        }
    }
    if (listen && !parse_listen(listen, host_buf, sizeof host_buf, &cfg))
        return cli_usage("serve", "--listen wants ADDR:PORT (e.g. 127.0.0.1:8080), not \"%s\"",
                         listen);

    bk_error err;
    bk_error_clear(&err);
    svc_env *env = NULL;
    char token[SVC_TOKEN_TEXT_MAX];
    /* The data directory holds token hashes, secrets and users' files: owner only. */
    umask(077);
    if (svc_env_open(data_dir, &env, token, &err) != BK_OK) return cli_report(&err);
    if (token[0]) {
        printf("bricks serve: first start in %s: created the admin user %s\n", data_dir,
               SVC_ADMIN_USER);
        printf("bricks serve: its personal access token (shown only this once):\n%s\n", token);
    }

    sigset_t stop_signals;
    sigemptyset(&stop_signals);
    sigaddset(&stop_signals, SIGINT);
    sigaddset(&stop_signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop_signals, NULL);
    signal(SIGPIPE, SIG_IGN);

    /* Clusters that were running come back (their worker pools restart) first. */
    if (svc_clusters_start(env, true, &err) != BK_OK) {
        svc_env_close(env);
        return cli_report(&err);
    }
    srv_server *srv = NULL;
    if (srv_start(&cfg, env, &srv, &err) != BK_OK) {
        svc_clusters_stop(env);
        svc_env_close(env);
        return cli_report(&err);
    }
    bool v6 = strchr(cfg.host, ':') != NULL;
    printf("bricks serve: listening on http://%s%s%s:%u (data: %s)\n", v6 ? "[" : "", cfg.host,
           v6 ? "]" : "", (unsigned)srv_port(srv), data_dir);
    fflush(stdout);

    int sig = 0;
    sigwait(&stop_signals, &sig);
    bk_log_info("received %s: stopping (requests in flight may take up to %d s)",
                sig == SIGINT ? "SIGINT" : "SIGTERM", GRACE_MS / 1000);
    srv_stop(srv, GRACE_MS);
    svc_clusters_stop(env); /* joins every cluster's worker threads */
    svc_env_close(env);
    bk_log_info("stopped");
    return CLI_EXIT_OK;
}
