/* cli.c - the ancdata command.
 *   ancdata profile [--filter TEXT] [--output FILE] [--ktap]
 *   ancdata probe [--kernel KERNEL] FILE|-
 *   ancdata list
 *   ancdata show [AREA/]ID
 *   ancdata differential --driver PATH [--filter TEXT]
 *   ancdata report|diff [--out DIR] [--baseline F] [--update-baseline F] [NAME=]PROFILE...
 *   ancdata init        the guest mode, also chosen by the binary's name
 *                       being init (a guest kernel runs it as /init)
 *   ancdata help [COMMAND], ancdata [COMMAND] --help
 * Bad input gets one line on stderr and exit status 2, and nothing is
 * written; so does a standard output that cannot be written. */
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
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
#include "explore.h"
#include "files.h"
#include "json_text.h"
#include "say.h"
#include "ktap.h"
#include "obsjson.h"
#include "profile.h"

#define SEE_HELP(cmd) " (see ancdata " cmd " --help)"

static int dispatch(int argc, char **argv);

static const char general_help[] =
"usage: ancdata COMMAND [OPTION...]\n"
"The conformance suite of libancdata: scenarios of Unix-socket ancillary\n"
"data (SCM_RIGHTS and the rest) run on this kernel through real sockets.\n"
"\n"
"commands:\n"
"  profile        run every compiled-in case; the kernel behaviour profile (JSON)\n"
"  probe FILE     run one scenario file (- for stdin); its result (JSON)\n"
"  list           the compiled-in cases, one AREA/ID a line\n"
"  show ID        the text of one compiled-in case (ID or AREA/ID)\n"
"  differential   the cases CPython can express, through libancdata and CPython\n"
"  report         kernel profiles compared: Markdown, HTML, JUnit (alias: diff)\n"
"  init           the guest mode: process 1 of a test kernel's initramfs\n"
"  guest-console  a guest's console log made into a profile (or a kernel error)\n"
"  junit          JUnit XML from a TAB-separated table (the shell tools' JUnit)\n"
"  explore        differential exploration: generate, compare, shrink, findings\n"
"                 (ci/explore drives it across kernels)\n"
"  help [COMMAND] this text, or one command's (same as COMMAND --help)\n"
"\n"
"exit status:\n"
"  0  all held\n"
"  1  a case failed, or a difference or regression was found\n"
"  2  bad usage or bad input (one line on stderr, nothing written), or an\n"
"     output that cannot be written\n";

static const struct help {
	const char *cmd, *text;
} helps[] = {
	{ "profile",
"usage: ancdata profile [--filter TEXT] [--output FILE] [--ktap]\n"
"                       [--cases FILE|DIR...] [--step-budget MS] [--check]\n"
"Runs every compiled-in case on this kernel, each in its own process, and\n"
"prints the kernel behaviour profile as JSON: the kernel, measured limits,\n"
"probed features, each case's status and observations, and a summary.\n"
"\n"
"options:\n"
"  --filter TEXT  only the cases whose id contains TEXT or whose area is TEXT\n"
"  --output FILE  write the profile to FILE (replaced atomically), not stdout\n"
"  --ktap         print the results as KTAP version 1 on stdout (kselftest\n"
"                 runners, KernelCI, LAVA); with --output the JSON goes there\n"
"  --cases PATH.. also run a user's case files (a DIR: its *.case files),\n"
"                 beside the built-in ones, each as \"user/ID\" marked\n"
"                 \"user\": true (--filter user/ runs only them); every file\n"
"                 is read and parsed before anything runs\n"
"  --step-budget MS  a step that takes MS milliseconds (1 to 600000;\n"
"                 default 10000) makes its case an error, \"hung\"\n"
"  --check        read and check the options and case files, run nothing\n"
"  --help         this text\n"
"\n"
"exit status:\n"
"  0  every case passed, or was skipped or unsupported on this kernel\n"
"  1  a case failed or could not run (the profile says which and why)\n"
"  2  bad usage, no case matches --filter, or the output cannot be written\n" },
	{ "probe",
"usage: ancdata probe [--kernel KERNEL] FILE|-\n"
"Runs one scenario (the format of conformance/FORMAT.md) from FILE, or from\n"
"standard input for -, in its own process, and prints its result as JSON:\n"
"status, each step's observation, and what was expected where it differs.\n"
"\n"
"options:\n"
"  --kernel KERNEL  ask another kernel (uml, qemu, a bzImage or UML binary, a\n"
"                   linux-image-* package; host: this one, as without it):\n"
"                   runs ci/kernels --only-cases --cases FILE KERNEL from the\n"
"                   source folder (or $ANCDATA_KERNELS) with this binary as\n"
"                   the guest's /init, and answers as ci/kernels does (the\n"
"                   profile and report in $TMPDIR/ancdata-probe-PID)\n"
"  --help  this text\n"
"\n"
"exit status:\n"
"  0  the scenario passed, or was skipped on this kernel\n"
"  1  it failed, or could not run\n"
"  2  bad usage, or a file that cannot be read or is not a scenario\n"
"     (one line naming the file, the line and the problem)\n" },
	{ "list",
"usage: ancdata list\n"
"Prints the compiled-in cases, one AREA/ID a line.\n"
"\n"
"options:\n"
"  --help  this text\n"
"\n"
"exit status:\n"
"  0  listed\n"
"  2  bad usage, or standard output cannot be written\n" },
	{ "show",
"usage: ancdata show ID\n"
"       ancdata show AREA/ID\n"
"Prints the scenario text of one compiled-in case (as ancdata list names\n"
"it, with or without its area), ready for ancdata probe.\n"
"\n"
"options:\n"
"  --help  this text\n"
"\n"
"exit status:\n"
"  0  shown\n"
"  2  no case of that name, bad usage, or standard output cannot be written\n" },
	{ "differential",
"usage: ancdata differential --driver PATH [--filter TEXT]\n"
"Runs every case CPython can express twice on this kernel, receiving once\n"
"through libancdata and once through CPython's socket module (the driver),\n"
"and prints each difference in what was received as a line.\n"
"\n"
"options:\n"
"  --driver PATH  the CPython driver: conformance/run/cpython_driver.py\n"
"  --filter TEXT  only the cases whose id contains TEXT or whose area is TEXT\n"
"  --help         this text\n"
"\n"
"exit status:\n"
"  0  no difference\n"
"  1  a difference, or no scenario could be compared\n"
"  2  bad usage, or a driver that cannot be read\n" },
	{ "init",
"usage: ancdata init\n"
"       /init  (the same binary named init, as a guest kernel runs it)\n"
"The guest mode, for process 1 of a test kernel whose initramfs holds the\n"
"static ancdata as /init (ci/kernels builds it): mounts /proc and /dev,\n"
"mounts securityfs (for the LSMs), runs the profile (and the case files in\n"
"/cases, if any), prints it on the console between the lines\n"
"==ANCDATA-PROFILE-BEGIN== and ==ANCDATA-PROFILE-END==, and powers off.\n"
"Anywhere else (not process 1) it refuses, so a container entrypoint or a\n"
"process 1 of a PID namespace runs the other commands as usual.  Named\n"
"init, the binary ignores its arguments (a kernel passes its own).\n"
"\n"
"options:\n"
"  --help  this text\n"
"\n"
"exit status:\n"
"  none as process 1 (it powers off)\n"
"  2  not process 1, or bad usage\n" },
};

/* one line on stderr ("ancdata: " and the message, which names the
 * command); bad(): the same, exit status 2 */
#define say(...) io_say(NULL, __VA_ARGS__)
#define bad(...) io_bad(NULL, __VA_ARGS__)

static const char *help_of(const char *cmd)
{
	for (size_t i = 0; i < sizeof helps / sizeof helps[0]; i++)
		if (!strcmp(helps[i].cmd, cmd))
			return helps[i].text;
	return NULL;
}

static int asks_help(int argc, char **argv)
{
	for (int i = 0; i < argc; i++)
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h"))
			return 1;
	return 0;
}

/* A case's id: its file name without ".case". */
static size_t id_len(const struct sc_case *c)
{
	return strlen(c->file) - 5;
}

/* The filter of profile and differential: a part of the id, or the area. */
static int filter_matches(const char *filter, const struct sc_user_cases *user)
{
	for (size_t i = 0; user && i < user->n; i++) {
		char id[256];
		snprintf(id, sizeof id, "user/%s", user->c[i].id);
		if (strstr(id, filter))
			return 1;
	}
	for (unsigned i = 0; i < sc_ncases; i++) {
		char id[256];
		snprintf(id, sizeof id, "%.*s", (int)id_len(&sc_cases[i]), sc_cases[i].file);
		if (strstr(id, filter) || !strcmp(sc_cases[i].area, filter))
			return 1;
	}
	return 0;
}

static int emit(json_t *j, const char *output)
{
	char *text = json_dumps(j, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
	size_t len = text ? strlen(text) : 0;
	int rc = 0;

	if (!text) {
		say("out of memory writing the JSON");
		return 1;
	}
	if (output) {
		text[len] = '\n';   /* over the NUL: written with its length */
		if (io_write_atomic(output, text, len + 1) < 0)
			rc = bad("cannot write %s: %s", output, strerror(errno));
	} else {
		fwrite(text, 1, len, stdout);
		putchar('\n');
	}
	free(text);
	return rc;
}

/* a step budget in milliseconds (1 to 600000), or -1 */
static long step_budget(const char *s)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	return errno || end == s || *end || *s == '+' || *s == '-' || v < 1 || v > 600000 ? -1 : v;
}

/* ancdata profile's arguments after --cases: the paths up to the next option */
static int case_paths(int argc, char **argv, int i, struct sc_user_cases *uc)
{
	char err[512];
	int n = 0;
	while (i + 1 + n < argc && strncmp(argv[i + 1 + n], "--", 2))
		n++;
	if (!n)
		return bad("profile: --cases wants a FILE or DIR" SEE_HELP("profile"));
	if (sc_user_cases_load(argv + i + 1, n, uc, err, sizeof err) < 0)
		return bad("profile: --cases: %s", err);
	return -n;
}

static int cmd_profile(int argc, char **argv)
{
	const char *filter = NULL, *output = NULL, *budget = NULL;
	char err[512];
	int failed, ktap = 0, check = 0, rc;
	long step_ms = 0;
	static struct sc_user_cases user;

	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--ktap") || !strcmp(argv[i], "--check")) {
			if ((argv[i][2] == 'k' ? ktap++ : check++))
				return bad("profile: %s given twice", argv[i]);
			continue;
		}
		if (!strcmp(argv[i], "--cases")) {
			if ((rc = case_paths(argc, argv, i, &user)) > 0)
				return rc;
			i -= rc;
			continue;
		}
		const char **slot = !strcmp(argv[i], "--filter") ? &filter
			: !strcmp(argv[i], "--output") ? &output
			: !strcmp(argv[i], "--step-budget") ? &budget : NULL;
		if (!slot)
			return bad("profile: unknown option '%s'" SEE_HELP("profile"), argv[i]);
		if (*slot)
			return bad("profile: %s given twice", argv[i]);
		if (i + 1 == argc)
			return bad("profile: %s wants a value" SEE_HELP("profile"), argv[i]);
		*slot = argv[++i];
	}
	if (budget && (step_ms = step_budget(budget)) < 0)
		return bad("profile: --step-budget wants milliseconds from 1 to 600000, not '%s'",
			   budget);
	if (filter && !filter_matches(filter, &user))
		return bad("profile: no case matches --filter '%s' (see ancdata list)", filter);
	if (output && io_output_ok(output, err, sizeof err) < 0)
		return bad("profile: %s", err);
	if (check)
		return 0;
	json_t *p = sc_profile_with(filter, &user, step_ms, &failed);
	rc = ktap && output ? emit(p, output) : 0;
	if (ktap && !rc && sc_profile_ktap(p, stdout) < 0)
		rc = bad("profile: no cases to report");
	if (!ktap)
		rc = emit(p, output);
	json_decref(p);
	sc_user_cases_free(&user);
	return rc ? rc : failed ? 1 : 0;
}

/* probe --kernel K FILE, K not host: ci/kernels boots K with FILE alone
 * (--only-cases --cases FILE) and this very binary as its /init */
static int probe_kernel(const char *kernel, const char *file)
{
	const char *script = getenv("ANCDATA_KERNELS");
	char self[4096], out[64];
	ssize_t n = readlink("/proc/self/exe", self, sizeof self - 1);
	if (!script)
		script = "ci/kernels";
	if (access(script, X_OK) < 0)
		return bad("probe: --kernel %s wants ci/kernels (run from the source folder, or set "
			   "ANCDATA_KERNELS): %s: %s", kernel, script, strerror(errno));
	if (n < 0)
		return bad("probe: cannot find this binary: %s", strerror(errno));
	self[n] = '\0';
	snprintf(out, sizeof out, "%s/ancdata-probe-%d", getenv("TMPDIR") ? getenv("TMPDIR")
									: "/tmp", (int)getpid());
	fflush(stdout);
	execl(script, script, "--ancdata", self, "--out", out, "--only-cases", "--cases", file,
	      kernel, (char *)NULL);
	return bad("probe: cannot run %s: %s", script, strerror(errno));
}

static int cmd_probe(int argc, char **argv)
{
	static struct scenario sc;
	static struct sc_result res;
	const char *kernel = NULL;
	char err[512];

	if (argc >= 2 && !strcmp(argv[0], "--kernel")) {
		kernel = argv[1];
		argc -= 2, argv += 2;
		if (!*kernel)
			return bad("probe: --kernel wants host, uml, qemu or a kernel" SEE_HELP("probe"));
	}
	if (argc != 1)
		return bad("probe wants one FILE or -" SEE_HELP("probe"));
	if (argv[0][0] == '-' && argv[0][1])
		return bad("probe: unknown option '%s' (a file of that name: ./%s)",
			   argv[0], argv[0]);
	char *text = io_read_file(argv[0], 1 << 20, err, sizeof err);
	if (!text)
		return bad("probe: %s", err);
	int unparsed = sc_parse(text, &sc, err, sizeof err) < 0;
	free(text);
	if (unparsed)
		return bad("probe: %s: %s", argv[0], err);
	if (kernel && strcmp(kernel, "host")) {
		if (!strcmp(argv[0], "-"))
			return bad("probe: --kernel %s wants a FILE, not -", kernel);
		return probe_kernel(kernel, argv[0]);
	}
	sc_run_isolated(&sc, NULL, &res);
	json_t *j = sc_result_json(&sc, &res);
	int rc = emit(j, NULL);
	json_decref(j);
	return rc ? rc : res.status == SC_FAIL || res.status == SC_ERROR;
}

static int cmd_list(int argc, char **argv)
{
	if (argc)
		return bad("list takes no arguments, not '%s'" SEE_HELP("list"), argv[0]);
	for (unsigned i = 0; i < sc_ncases; i++)
		printf("%s/%.*s\n", sc_cases[i].area, (int)id_len(&sc_cases[i]),
		       sc_cases[i].file);
	return 0;
}

/* name is ID or AREA/ID, as list prints it. */
static int case_named(const struct sc_case *c, const char *name)
{
	size_t n = id_len(c), a = strlen(c->area);
	if (!strncmp(name, c->area, a) && name[a] == '/')
		name += a + 1;
	return strlen(name) == n && !strncmp(c->file, name, n);
}

static int cmd_show(int argc, char **argv)
{
	if (argc != 1)
		return bad("show wants one case id" SEE_HELP("show"));
	for (unsigned i = 0; i < sc_ncases; i++) {
		if (case_named(&sc_cases[i], argv[0])) {
			fputs(sc_cases[i].text, stdout);
			return 0;
		}
	}
	return bad("show: no case named '%s' (see ancdata list)", argv[0]);
}

/* As process 1 of a guest kernel: mount /proc and /dev, run the profile,
 * print it between markers on the console, power off.  Anywhere else it
 * refuses: a process 1 of a PID namespace or a container is not a guest. */
static int cmd_init(int argc, char **argv)
{
	int failed;

	if (argc)
		return bad("init takes no arguments, not '%s'" SEE_HELP("init"), argv[0]);
	if (getpid() != 1)
		return bad("init: only process 1 of a guest kernel runs it, and this is "
			   "process %d (this kernel's profile: ancdata profile)", (int)getpid());
	/* only what is missing: a process 1 that shares its mounts (unshare
	 * -pf without -m) must not cover the host's /proc and /dev */
	mkdir("/proc", 0755);
	mkdir("/dev", 0755);
	if (access("/proc/self", F_OK) < 0)
		mount("proc", "/proc", "proc", 0, NULL);
	if (access("/dev/null", F_OK) < 0)
		mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	/* sysfs and securityfs (the LSMs of the profile's environment), only
	 * where there is no sysfs yet: a guest's empty initramfs */
	mkdir("/sys", 0755);
	if (access("/sys/kernel", F_OK) < 0 && mount("sysfs", "/sys", "sysfs", 0, NULL) == 0)
		mount("securityfs", "/sys/kernel/security", "securityfs", 0, NULL);
	/* a user's cases travel in the initramfs as /cases/ (ci/kernels --cases);
	 * ci/kernels checked them before the boot */
	static struct sc_user_cases user;
	static char cases_dir[] = "/cases";
	char *dirs[] = { cases_dir }, err[512];
	if (access(cases_dir, F_OK) == 0 && sc_user_cases_load(dirs, 1, &user, err, sizeof err) < 0)
		printf("ancdata init: /cases: %s\n", err);
	/* /cases/.only (ci/kernels --only-cases): only the user's cases;
	 * /step-budget (ci/kernels --step-budget MS): the hang guard */
	long step_ms = 0;
	char *b = access("/step-budget", F_OK) == 0
			  ? io_read_file("/step-budget", 64, err, sizeof err) : NULL;
	if (b && (b[strcspn(b, "\n")] = '\0', step_ms = step_budget(b)) < 0)
		printf("ancdata init: /step-budget: not milliseconds from 1 to 600000\n");
	free(b);
	json_t *p = sc_profile_with(access("/cases/.only", F_OK) == 0 ? "user/" : NULL, &user,
				    step_ms > 0 ? step_ms : 0, &failed);
	char *text = json_dumps(p, JSON_COMPACT | JSON_PRESERVE_ORDER);
	/* KTAP first, for a lab that reads the console; then the profile */
	sc_profile_ktap(p, stdout);
	printf("\n==ANCDATA-PROFILE-BEGIN==\n%s\n==ANCDATA-PROFILE-END==\n",
	       text ? text : "{}");
	fflush(stdout);
	sync();
	reboot(RB_POWER_OFF);
	return 0;
}

static int cmd_help(int argc, char **argv)
{
	static char help_flag[] = "--help";
	char *again[] = { "ancdata", NULL, help_flag, NULL };

	if (argc > 1)
		return bad("help wants at most one COMMAND (see ancdata --help)");
	if (!argc) {
		fputs(general_help, stdout);
		return 0;
	}
	again[1] = argv[0];
	return dispatch(3, again);
}

/* Everything but the guest mode: the command named by argv[1]. */
static int dispatch(int argc, char **argv)
{
	if (argc < 2)
		return bad("no command given (commands: profile, probe, list, show, "
			   "differential, report, init, guest-console, junit, explore; see ancdata --help)");
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))
		return cmd_help(0, NULL);
	if (help_of(argv[1]) && asks_help(argc - 2, argv + 2)) {
		fputs(help_of(argv[1]), stdout);
		return 0;
	}
	if (!strcmp(argv[1], "help"))
		return cmd_help(argc - 2, argv + 2);
	if (!strcmp(argv[1], "profile"))
		return cmd_profile(argc - 2, argv + 2);
	if (!strcmp(argv[1], "probe"))
		return cmd_probe(argc - 2, argv + 2);
	if (!strcmp(argv[1], "list"))
		return cmd_list(argc - 2, argv + 2);
	if (!strcmp(argv[1], "show"))
		return cmd_show(argc - 2, argv + 2);
	if (!strcmp(argv[1], "init"))
		return cmd_init(argc - 2, argv + 2);
	if (!strcmp(argv[1], "differential"))
		return cli_differential(argc - 2, argv + 2);
	if (!strcmp(argv[1], "report") || !strcmp(argv[1], "diff"))
		return cli_report(argc - 2, argv + 2);
	if (!strcmp(argv[1], "guest-console"))
		return cli_guest_console(argc - 2, argv + 2);
	if (!strcmp(argv[1], "explore"))
		return cli_explore(argc - 2, argv + 2);
	if (!strcmp(argv[1], "junit"))
		return cli_junit(argc - 2, argv + 2);
	return bad("unknown command '%s' (see ancdata --help)", argv[1]);
}

/* Whatever went to standard output must have arrived: a full disk or a
 * closed output is an error (exit status 2), not a success. */
static int finish(int rc)
{
	int err = fflush(stdout) ? errno : ferror(stdout) ? EIO : 0;
	if (fclose(stdout) && !err)
		err = errno;
	if (!err)
		return rc;
	if (rc == 2)   /* the command has said its one line already */
		return 2;
	say("cannot write standard output: %s", strerror(err));
	return 2;
}

int main(int argc, char **argv)
{
	const char *self = argc ? strrchr(argv[0], '/') : NULL;
	self = self ? self + 1 : argc ? argv[0] : "";
	if (!strcmp(self, "init"))   /* a guest kernel's /init: the guest mode */
		return cmd_init(0, NULL);
	return finish(dispatch(argc, argv));
}
