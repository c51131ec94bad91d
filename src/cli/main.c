/*
 * main.c — the `bricks` binary: one executable, one subcommand per area.
 *
 *     bricks --help | --version
 *     bricks parquet schema|meta|cat|write|scan …      (cmd_parquet*.c)
 *
 * main() only dispatches; every command parses its own flags.  Exit status: 0 on
 * success, 1 on a runtime error (a bad file, a bad value), 2 on a usage error (an
 * unknown command or flag, a missing argument).
 */
#include <stdio.h>
#include <string.h>

#include "base/mem.h"
#include "bricks.h"
#include "cli/cli.h"

static const char usage[] =
    "Usage: bricks COMMAND [ARGS]\n"
    "\n"
    "Bricks — an open, Databricks-compatible lakehouse in one binary.\n"
    "\n"
    "Commands:\n"
    "  parquet schema FILE           print the Parquet schema and the Spark types\n"
    "  parquet meta FILE             row groups, column chunks, encodings, statistics\n"
    "  parquet cat FILE              print rows as JSON lines or CSV\n"
    "  parquet write …               write CSV or JSON lines as a Parquet file\n"
    "  delta info PATH               a Delta table's version, protocol, schema and files\n"
    "  delta history PATH            the table's commits, newest first\n"
    "  delta cat PATH                print rows (--version N, --timestamp T for time travel)\n"
    "  sql [-c SQL] [FILE]           the embedded SQL shell (Spark SQL)\n"
    "  serve [--data DIR] [--listen ADDR:PORT]\n"
    "                                the Databricks-compatible workspace server\n"
    "\n"
    "Options:\n"
    "  -h, --help                    show this help (also: bricks COMMAND --help)\n"
    "  -V, --version                 print the version\n";

int main(int argc, char **argv) {
    bk_mem_init();
    if (argc < 2) {
        fputs(usage, stderr);
        return CLI_EXIT_USAGE;
    }
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return CLI_EXIT_OK;
    }
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "-V") == 0 || strcmp(cmd, "version") == 0) {
        printf("bricks %s\n", bricks_version());
        return CLI_EXIT_OK;
    }
    if (strcmp(cmd, "parquet") == 0 || strcmp(cmd, "delta") == 0) {
        int rc =
            cmd[0] == 'p' ? cli_cmd_parquet(argc - 1, argv + 1) : cli_cmd_delta(argc - 1, argv + 1);
        if (fflush(stdout) != 0 && rc == CLI_EXIT_OK) rc = cli_fail("could not write output");
        return rc;
    }
    if (strcmp(cmd, "sql") == 0) {
        int rc = cli_cmd_sql(argc - 1, argv + 1);
        if (fflush(stdout) != 0 && rc == CLI_EXIT_OK) rc = cli_fail("could not write output");
        return rc;
    }
    if (strcmp(cmd, "serve") == 0) return cli_cmd_serve(argc - 1, argv + 1);
    if (cmd[0] == '-') return cli_usage("bricks", "unknown option \"%s\"", cmd);
    return cli_usage("bricks", "unknown command \"%s\"", cmd);
}
