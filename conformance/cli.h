/* cli.h - pieces of the ancdata command shared between its files. */
#ifndef ANCDATA_CLI_H
#define ANCDATA_CLI_H
#include <stddef.h>
int cli_differential(int argc, char **argv);
int cli_report(int argc, char **argv);
int cli_guest_console(int argc, char **argv);   /* profile/console.c */
int cli_junit(int argc, char **argv);           /* report/junit_cli.c */
#endif
