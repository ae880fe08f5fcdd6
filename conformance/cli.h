/* cli.h - pieces of the ancdata command shared between its files. */
#ifndef ANCDATA_CLI_H
#define ANCDATA_CLI_H
#include <stddef.h>
int cli_write_atomic(const char *path, const char *text);
char *cli_read_file(const char *path, size_t max, char *err, size_t errlen);
int cli_differential(int argc, char **argv);
int cli_report(int argc, char **argv);
#endif
