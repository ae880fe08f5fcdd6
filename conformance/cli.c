/* cli.c - the ancdata command.
 *   ancdata profile [--filter TEXT] [--output FILE]
 *   ancdata probe FILE|-
 *   ancdata list
 *   ancdata show ID
 *   ancdata differential --driver PATH [--filter TEXT]
 *   ancdata report|diff [--out DIR] [--baseline F] [--update-baseline F] [NAME=]PROFILE...
 * Bad input gets one line on stderr and exit status 2. */
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <unistd.h>

#include "backend.h"
#include "cases.h"
#include "cli.h"
#include "files.h"
#include "obsjson.h"
#include "profile.h"

static int usage(const char *msg, const char *arg)
{
	fprintf(stderr, "ancdata: %s%s%s (commands: profile, probe, list, show, differential, report, guest-console)\n",
		msg, arg ? " " : "", arg ? arg : "");
	return 2;
}

static int emit(json_t *j, const char *output)
{
	char *text = json_dumps(j, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	int rc = 0;
	if (!text)
		return 1;
	if (output) {
		size_t len = strlen(text);
		char *with_nl = malloc(len + 2);
		if (!with_nl) {
			free(text);
			return 1;
		}
		memcpy(with_nl, text, len);
		strcpy(with_nl + len, "\n");
		if (io_write_atomic(output, with_nl, len + 1) < 0) {
			fprintf(stderr, "ancdata: cannot write %s: %s\n", output,
				strerror(errno));
			rc = 2;
		}
		free(with_nl);
	} else {
		puts(text);
	}
	free(text);
	return rc;
}

static int cmd_profile(int argc, char **argv)
{
	const char *filter = NULL, *output = NULL;
	int failed;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--filter") && i + 1 < argc)
			filter = argv[++i];
		else if (!strcmp(argv[i], "--output") && i + 1 < argc)
			output = argv[++i];
		else
			return usage("profile: unknown option", argv[i]);
	}
	json_t *p = sc_profile(filter, &failed);
	int rc = emit(p, output);
	json_decref(p);
	return rc ? rc : failed ? 1 : 0;
}

static int cmd_probe(int argc, char **argv)
{
	static struct scenario sc;
	static struct sc_result res;
	char err[512];
	if (argc != 1)
		return usage("probe wants one FILE or -", NULL);
	char *text = io_read_file(argv[0], 1 << 20, err, sizeof err);
	if (!text) {
		fprintf(stderr, "ancdata: probe: %s\n", err);
		return 2;
	}
	int bad = sc_parse(text, &sc, err, sizeof err) < 0;
	free(text);
	if (bad) {
		fprintf(stderr, "ancdata: probe: %s: %s\n", argv[0], err);
		return 2;
	}
	sc_run_isolated(&sc, NULL, &res);
	json_t *j = sc_result_json(&sc, &res);
	int rc = emit(j, NULL);
	json_decref(j);
	return rc ? rc : res.status == SC_FAIL || res.status == SC_ERROR;
}

static int cmd_list(int argc, char **argv)
{
	(void)argv;
	if (argc)
		return usage("list takes no arguments", NULL);
	for (unsigned i = 0; i < sc_ncases; i++)
		printf("%s/%.*s\n", sc_cases[i].area,
		       (int)(strlen(sc_cases[i].file) - 5), sc_cases[i].file);
	return 0;
}

static int cmd_show(int argc, char **argv)
{
	if (argc != 1)
		return usage("show wants one case id", NULL);
	for (unsigned i = 0; i < sc_ncases; i++) {
		size_t n = strlen(sc_cases[i].file) - 5;
		if (strlen(argv[0]) == n && !strncmp(sc_cases[i].file, argv[0], n)) {
			fputs(sc_cases[i].text, stdout);
			return 0;
		}
	}
	return usage("show: no case named", argv[0]);
}

/* As PID 1 of a guest kernel: mount /proc, run the profile, print it
 * between markers on the console, power off. */
static int as_init(void)
{
	int failed;
	mkdir("/proc", 0755);
	mkdir("/dev", 0755);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	json_t *p = sc_profile(NULL, &failed);
	char *text = json_dumps(p, JSON_COMPACT | JSON_PRESERVE_ORDER);
	printf("\n==ANCDATA-PROFILE-BEGIN==\n%s\n==ANCDATA-PROFILE-END==\n",
	       text ? text : "{}");
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}

int main(int argc, char **argv)
{
	if (getpid() == 1)
		return as_init();
	if (argc < 2)
		return usage("no command given", NULL);
	if (!strcmp(argv[1], "profile"))
		return cmd_profile(argc - 2, argv + 2);
	if (!strcmp(argv[1], "probe"))
		return cmd_probe(argc - 2, argv + 2);
	if (!strcmp(argv[1], "list"))
		return cmd_list(argc - 2, argv + 2);
	if (!strcmp(argv[1], "show"))
		return cmd_show(argc - 2, argv + 2);
	if (!strcmp(argv[1], "differential"))
		return cli_differential(argc - 2, argv + 2);
	if (!strcmp(argv[1], "report") || !strcmp(argv[1], "diff"))
		return cli_report(argc - 2, argv + 2);
	if (!strcmp(argv[1], "guest-console"))
		return cli_guest_console(argc - 2, argv + 2);
	return usage("unknown command", argv[1]);
}
