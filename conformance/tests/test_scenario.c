/* test_scenario.c - the scenario format itself: every compiled-in case
 * survives parse -> print -> parse unchanged, and broken scenarios are
 * refused with an error naming the right line. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <jansson.h>
#include <stdio.h>
#include <linux/seccomp.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <string.h>

#include "cases.h"
#include "obsjson.h"
#include "scenario.h"

Test(scenario, every_case_round_trips)
{
	static struct scenario a, b;
	static char text[1 << 16], again[1 << 16];
	char err[256];

	cr_assert_gt(sc_ncases, 150, "only %u cases", sc_ncases);
	for (unsigned i = 0; i < sc_ncases; i++) {
		cr_assert_eq(sc_parse(sc_cases[i].text, &a, err, sizeof err), 0,
			     "%s: %s", sc_cases[i].file, err);
		cr_assert_lt(sc_print(&a, text, sizeof text), sizeof text);
		cr_assert_eq(sc_parse(text, &b, err, sizeof err), 0,
			     "%s printed does not parse: %s\n%s", sc_cases[i].file,
			     err, text);
		cr_assert(sc_equal(&a, &b), "%s: print changed it:\n%s",
			  sc_cases[i].file, text);
		sc_print(&b, again, sizeof again);
		cr_assert_str_eq(text, again, "%s: printing is not stable",
				 sc_cases[i].file);
	}
}

Test(scenario, equal_sees_differences)
{
	static struct scenario a, b;
	char err[256];
	const char *t = "id x\narea send\nsocket stream\nsend a data=x rights=2\nexpect ret=1\n";
	cr_assert_eq(sc_parse(t, &a, err, sizeof err), 0, "%s", err);
	cr_assert_eq(sc_parse("id x\narea send\nsocket stream\nsend a data=x rights=3\nexpect ret=1\n",
			      &b, err, sizeof err), 0);
	cr_assert_not(sc_equal(&a, &b));
	cr_assert_eq(sc_parse("id x\narea send\nsocket stream\n\nsend a data=x rights=2\nexpect ret=1\n",
			      &b, err, sizeof err), 0);
	cr_assert(sc_equal(&a, &b), "line numbers are not part of a scenario");
}

struct bad {
	char text[240];
	char want[80];  /* the start of the error */
};

static struct bad bads[] = {
	{ "", "line 1: no id" },
	{ "id x\n", "line 2: no area" },
	{ "id x\narea nope\n", "line 2: area is one of" },
	{ "id x-y\n", "line 1: id is letters" },
	{ "id x\narea send\nsend a\n", "line 3: 'socket' must come before" },
	{ "id x\narea send\nsocket stream\n", "line 4: no steps" },
	{ "id x\narea send\nsocket pipe\n", "line 3: socket type is" },
	{ "id x\narea send\nsocket stream\nsend q\n", "line 4: 'q' is not a socket" },
	{ "id x\narea send\nsocket stream\nsend a rights=p3\n", "line 4: pipe p3 is not made yet" },
	{ "id x\narea send\nsocket stream\nsend a rights=255x\n", "line 4: junk after number" },
	{ "id x\narea send\nsocket stream\nsend a data=\"abc\n", "line 4: unterminated string" },
	{ "id x\narea send\nsocket stream\nsend a data=\"\\q\"\n", "line 4: unknown escape" },
	{ "id x\narea send\nsocket stream\nsend a raw=hdr(20,SOL_SOCKET)\n", "line 4: hdr wants" },
	{ "id x\narea send\nsocket stream\nsend a raw=fd(new)fd(new)\n", "line 4: raw pieces are joined" },
	{ "id x\narea send\nsocket stream\nsend a raw=hex(1)\n", "line 4: bad or long hex" },
	{ "id x\narea send\nsocket stream\nsend a rights=1 raw=zero(4)\n", "line 4: send takes items, raw" },
	{ "id x\narea send\nsocket stream\nsend a flags=NOPE\n", "line 4: bad flags" },
	{ "id x\narea send\nsocket stream\nrecv b api=recvfrom\n", "line 4: unknown api" },
	{ "id x\narea send\nsocket stream\nrecv b ancbuf=CMSG_LEN(4\n", "line 4: missing ')'" },
	{ "id x\narea send\nsocket stream\nrecv b ancbuf=100000\n", "line 4: ancbuf over 65536" },
	{ "id x\narea send\nsocket stream\nrecv b maxfds=2\n", "line 4: maxfds goes with" },
	{ "id x\narea send\nsocket stream\nrecv b\nexpect\n", "line 5: expect names nothing" },
	{ "id x\narea send\nsocket stream\nrecv b\nexpect ret=EWHAT\n", "line 5: bad ret" },
	{ "id x\narea send\nsocket stream\nrecv b\nexpect ret=1\nexpect ret=1\n", "line 6: a second expect" },
	{ "id x\narea send\nsocket stream\nexpect ret=1\n", "line 4: expect before any step" },
	{ "id x\narea send\nsocket stream\nrecv b\nexpect items=rights\n", "line 5: items are TYPE:LEN" },
	{ "id x\narea send\nsocket stream\nsetopt b SO_NOPE 1\n", "line 4: unknown option" },
	{ "id x\narea send\nsocket stream\nconnect\n", "line 4: connect needs" },
	{ "id x\narea send\nsocket dgram listen\naccept\n", "line 4: a dgram listener" },
	{ "id x\narea send\nsocket stream\ngc p0\n", "line 4: 'p0' is not a pipe made" },
	{ "id x\narea send\nsocket stream\nfrobnicate\n", "line 4: unknown directive" },
	{ "id x\narea send\nrequires SO_NOPE\n", "line 3: unknown feature" },
	{ "id x\narea send\ntag nocolon\n", "line 3: a tag is KIND:VALUE" },
	{ "id x\narea send\nsocket stream\nsend a\nid y\n", "line 5: id must come before" },
	{ "id x\r\n", "line 1: control characters" },
	{ "id x\narea send\narea flags\n", "line 3: a second area" },
	{ "id x\narea send\npurpose a\npurpose b\n", "line 4: a second purpose" },
	{ "id x\nid y\n", "line 2: a second id" },
	{ "id x\narea send\nsocket stream\nsend a data=ab data=c\n", "line 4: data given twice" },
	{ "id x\narea send\nsocket stream\nrecv b\nexpect ret=1 ret=2\n", "line 5: ret given twice" },
	{ "id x\narea send\nsocket stream\nsocket dgram\n", "line 4: a second socket" },
	/* defect 16: decimal and 0x hex only, range-checked, nothing after */
	{ "id x\narea send\nsocket stream\nsend a data=\"\\x-1\"\n", "line 4: bad \\x escape" },
	{ "id x\narea send\nsocket stream\nsend a data=\"\\x 9\"\n", "line 4: bad \\x escape" },
	{ "id x\narea send\nsocket stream\nsend a data=\"\\x+9\"\n", "line 4: bad \\x escape" },
	{ "id x\narea send\nsocket stream\nsend a data=\"\\x9\"\n", "line 4: bad \\x escape" },
	{ "id x\narea send\nsocket stream\nrecv b bufsize=010\n", "line 4: bad number at '010'" },
	{ "id x\narea send\nsocket stream\nrecv b bufsize=0x\n", "line 4: bad number" },
	{ "id x\narea send\nsocket stream\nrecv b bufsize=99999999999999999999\n", "line 4: bad number" },
	{ "id x\narea send\nsocket stream\nrecv b bufsize=9223372036854775807+1\n", "line 4: number too large" },
	{ "id x\narea send\nsocket stream\nrecv b bufsize=0x10g\n", "line 4: junk after number" },
	{ "id x\narea send\nsocket stream\nsend a creds=1:2:3x\n", "line 4: junk after number" },
	{ "id x\narea send\nsocket stream\nsend a creds=1:2\n", "line 4: creds wants" },
	{ "id x\narea send\nsocket stream\nsend a creds=99999999999999999999:0:0\n", "line 4: bad number" },
	{ "id x\narea send\nsocket stream\nsend a creds=1:4294967296:0\n", "line 4: 4294967296 is out of range" },
	{ "id x\narea send\nsocket stream\nsend a creds=2147483648:0:0\n", "line 4: 2147483648 is out of range" },
	{ "id x\narea send\nsocket stream\nsend a raw=hex(-1)\n", "line 4: bad hex '-1'" },
	{ "id x\narea send\nsocket stream\nsend a item=SOL_SOCKET:1:0g\n", "line 4: bad hex '0g'" },
	{ "id x\narea send\nsocket stream\nsend a item=SOL_SOCKET:1:+1\n", "line 4: bad hex '+1'" },
	{ "id x\narea send\nsocket stream\nsend a item=010:1:00\n", "line 4: unknown level or type" },
	{ "id x\narea send\nsocket stream\nsend a item=4294967297:1:00\n", "line 4: unknown level or type" },
	{ "id x\narea send\nsocket stream\nsend a flags=010\n", "line 4: bad flags" },
	{ "id x\narea send\nsocket stream\nsend a flags=PEEK||OOB\n", "line 4: bad flags" },
	{ "id x\narea send\nsocket stream\nsend a flags=PEEK|\n", "line 4: bad flags" },
	{ "id x\narea send\nsocket stream\nsend a flags=0x100000000\n", "line 4: bad flags" },
	{ "id x\narea send\nsocket stream\nrecv b\nexpect ret=-022\n", "line 5: bad ret" },
	{ "id x\narea send\nsocket stream\nrecv b\nexpect ret=1x\n", "line 5: bad ret" },
	{ "id x\narea send\nsocket stream\nsend a rights=1\nsend a rights=p00\n", "line 5: bad pipe 'p00'" },
	{ "id x\narea send\nsocket stream\nsend a rights=1\nsend a rights=p0x0\n", "line 5: bad pipe" },
	{ "id x\narea send\nsocket stream\nsend a rights=1\nsend a rights=p0X0\n", "line 5: bad pipe" },
	{ "id x\narea send\nsocket stream\nsetopt a 0x1ffffffff 1\n", "line 4: unknown option" },
	/* issue 9: the new vocabulary refuses what it cannot mean */
	{ "id x\narea send\nsocket stream\ngetopt a SO_NOPE\n", "line 4: unknown option" },
	{ "id x\narea send\nsocket stream\ngetopt a\n", "line 4: getopt wants SOCKET OPTION" },
	{ "id x\narea send\nsocket stream\nioctl b SIOCNOPE\n", "line 4: unknown request" },
	{ "id x\narea send\nsocket stream\npoll\n", "line 4: poll wants a socket" },
	{ "id x\narea send\nsocket stream\npoll s20\n", "line 4: 's20' is not a socket" },
	{ "id x\narea send\nsocket stream\nopen c raw unix\n", "line 4: open wants" },
	{ "id x\narea send\nsocket stream\nopen c stream inet5\n", "line 4: open wants" },
	{ "id x\narea send\nsocket stream\npair c d raw\n", "line 4: pair wants two sockets" },
	{ "id x\narea send\nsocket stream\nbind c path=a/b\n", "line 4: an address name is" },
	{ "id x\narea send\nsocket stream\nbind c abstract=\n", "line 4: an address name is" },
	{ "id x\narea send\nsocket stream\nbind c d\n", "line 4: bind wants auto" },
	{ "id x\narea send\nsocket stream\nbind c path=aaaaaaaaaaaaaaaaaaaaaaaa\n", "line 4: an address name is" },
	{ "id x\narea send\nsocket stream\nlisten c 4097\n", "line 4: 4097 is out of range" },
	{ "id x\narea send\nsocket stream\nconnect a\n", "line 4: connect takes nothing or two" },
	{ "id x\narea send\nsocket stream\nsend a to=q\n", "line 4: 'q' is not a socket" },
	{ "id x\narea send\nsocket seqpacket inet4\n", "line 3: inet pairs are stream" },
	{ "id x\narea send\nsocket stream tcp\n", "line 3: socket is made by" },
	{ "id x\narea send\nsocket stream\nunshare user\n", "line 4: unshare wants net" },
	{ "id x\narea send\nsocket stream\nsetown\n", "line 4: setown wants a socket" },
	{ "id x\narea send\nsocket stream\nsigurg b\n", "line 4: sigurg takes nothing" },
	{ "id x\narea send\nsocket stream\nchild send a\n", "line 4: a child step needs a fork" },
	{ "id x\narea send\nsocket stream\nfork\nchild exit\nchild send a\n", "line 6: a child step needs a fork" },
	{ "id x\narea send\nsocket stream\nfork\nfork\n", "line 5: one fork" },
	{ "id x\narea send\nsocket stream\nexit\n", "line 4: exit is a child step" },
	{ "id x\narea send\nsocket stream\nfork\nchild fork\n", "line 5: the child does not fork" },
	{ "id x\narea send\nsocket stream\nlater 1 send a\n", "line 5: a later step needs a main-line step" },
	{ "id x\narea send\nsocket stream\nlater 1 send a\nlater 1 send a\n", "line 5: the step after a later step" },
	{ "id x\narea send\nsocket stream\nlater 1 recv b\nrecv b\n", "line 5: a later recv runs" },
	{ "id x\narea send\nsocket stream\nlater 1 fork\nsend a\n", "line 4: later runs" },
	{ "id x\narea send\nsocket stream\nlater 5001 send a\nrecv b\n", "line 4: 5001 is out of range" },
	{ "id x\narea send\nsocket stream\nlater\n", "line 4: later wants MS and a step" },
	{ "id x\narea send\nsocket stream\nlater 1 send a data=x data=y\nrecv b\n", "line 4: data given twice" },
	{ "id x\narea send\nsocket stream\npoll b\nexpect value=\n", "line 5: a value is" },
	{ "id x\narea send\nsocket stream\npoll b\nexpect value=IN OUT\n", "line 5: expect does not know" },
	{ "id x\narea send\nsocket stream\nrecv b\nexpect vals=creds:1;2\n", "line 5: a value is" },
	/* a list item is never cut to fit: cut, this one read as rights:0 */
	{ "id x\narea send\nsocket stream\nrecv b\nexpect items=rights:0x000000000000000000000000000000000000000000000000000000004zz\n",
	  "line 5: list item longer than 63" },
};

ParameterizedTestParameters(scenario, broken_input_names_its_line)
{
	return cr_make_param_array(struct bad, bads, sizeof bads / sizeof bads[0]);
}

ParameterizedTest(struct bad *b, scenario, broken_input_names_its_line)
{
	static struct scenario sc;
	char err[256];
	cr_assert_eq(sc_parse(b->text, &sc, err, sizeof err), -1, "accepted: %s",
		     b->text);
	cr_assert(!strncmp(err, b->want, strlen(b->want)), "wanted '%s...', got '%s'",
		  b->want, err);
	cr_assert_null(strchr(err, '\n'), "more than one line: %s", err);
}

/* Defect 9: jansson refuses text that is not UTF-8 and a key set to NULL
 * vanished; every key stays, with such bytes as \xNN. */
Test(observation_json, keeps_keys_whose_text_is_not_utf8)
{
	static struct scenario sc;
	static struct sc_result res;
	char err[256];

	cr_assert_eq(sc_parse("id x\narea send\npurpose caf\xe9 latin-1\n"
			      "tag ref:\xff\nsocket stream\nsend a data=x\n",
			      &sc, err, sizeof err), 0, "%s", err);
	res.status = SC_ERROR;
	res.nsteps = 1;
	res.obs[0].cloexec = -1;
	/* a why cut in the middle of a two-byte character */
	snprintf(res.why, sizeof res.why, "cut \xc3");
	json_t *j = sc_result_json(&sc, &res);
	cr_assert_not_null(j);
	cr_assert_str_eq(json_string_value(json_object_get(j, "purpose")),
			 "caf\\xe9 latin-1");
	cr_assert_str_eq(json_string_value(json_object_get(j, "why")), "cut \\xc3");
	cr_assert_str_eq(json_string_value(json_array_get(json_object_get(j, "tags"), 0)),
			 "ref:\\xff");
	cr_assert_str_eq(json_string_value(json_object_get(
				 json_array_get(json_object_get(j, "observation"), 0), "text")),
			 "ret=0 dropped=-");
	json_decref(j);
}

/* Issue 9: a skipped case (its kernel lacks a feature) still shows what
 * it observed; sc_result_json used to stop at the status. */
Test(observation_json, a_skipped_case_keeps_its_observations)
{
	static struct scenario sc;
	static struct sc_result res;
	char err[256];

	cr_assert_eq(sc_parse("id x\narea features\nrequires SO_INQ\nsocket stream\n"
			      "setopt b SO_INQ 1\nexpect ret=0\n", &sc, err, sizeof err), 0,
		     "%s", err);
	res.status = SC_SKIP;
	res.nsteps = 1;
	res.obs[0].ret = -92;   /* ENOPROTOOPT */
	res.obs[0].cloexec = -1;
	snprintf(res.why, sizeof res.why, "unsupported: SO_INQ");
	json_t *j = sc_result_json(&sc, &res);
	cr_assert_not_null(j);
	cr_assert_str_eq(json_string_value(json_object_get(j, "status")), "skip");
	json_t *o = json_array_get(json_object_get(j, "observation"), 0);
	cr_assert_not_null(o, "the skipped case's observation is missing");
	cr_assert_str_eq(json_string_value(json_object_get(o, "ret")), "ENOPROTOOPT");
	json_decref(j);
}

/* Issue 9: the new fields in JSON: value, vals, and who ran the step */
Test(observation_json, value_vals_and_who)
{
	static struct scenario sc;
	static struct sc_result res;
	char err[256];

	cr_assert_eq(sc_parse("id x\narea features\nsocket stream\nfork\n"
			      "child getopt a SO_PEERCRED\nrecv b\n", &sc, err, sizeof err),
		     0, "%s", err);
	memset(&res, 0, sizeof res);
	res.nsteps = 3;
	for (int i = 0; i < 3; i++)
		res.obs[i].cloexec = -1;
	snprintf(res.obs[1].value, sizeof res.obs[1].value, "self:own:own");
	res.obs[2].ret = 1;
	snprintf(res.obs[2].vals, sizeof res.obs[2].vals, "creds:child:own:own");
	json_t *j = sc_result_json(&sc, &res);
	json_t *obs = json_object_get(j, "observation");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(obs, 1), "by")),
			 "child");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(obs, 1), "value")),
			 "self:own:own");
	cr_assert_str_eq(json_string_value(json_object_get(json_array_get(obs, 2), "vals")),
			 "creds:child:own:own");
	cr_assert(strstr(json_string_value(json_object_get(json_array_get(obs, 2), "text")),
			 "vals=creds:child:own:own"));
	json_decref(j);
}

/* Issue 9: a prefix's words are not the step's: "later 1 listen c 1" */
Test(scenario, a_prefix_does_not_repeat_the_step_words)
{
	static struct scenario sc;
	char err[256];
	cr_assert_eq(sc_parse("id x\narea features\nsocket stream none\nopen c stream\n"
			      "later 1 listen c 1\naccept c d\n", &sc, err, sizeof err), 0,
		     "%s", err);
	cr_assert_eq(sc.steps[1].who, SC_WHO_LATER);
	cr_assert_eq(sc.steps[1].u.listen.backlog, 1);
}

/* Issue 9: value and vals are compared whole, each its own field */
Test(scenario, value_and_vals_differ_field_by_field)
{
	static struct sc_obs a, b;
	snprintf(a.value, sizeof a.value, "IN|OUT");
	snprintf(b.value, sizeof b.value, "IN|OUT|HUP");
	cr_assert_eq(sc_obs_diff(&a, &b, SC_F_ALL), (unsigned)SC_F_VALUE);
	snprintf(b.value, sizeof b.value, "IN|OUT");
	snprintf(b.vals, sizeof b.vals, "inq:0");
	cr_assert_eq(sc_obs_diff(&a, &b, SC_F_ALL), (unsigned)SC_F_VALS);
	cr_assert_eq(sc_obs_diff(&a, &b, SC_F_VALUE), 0u);
}

/* Defect 16: what the strict numbers still take */
Test(scenario, numbers_are_decimal_or_hex)
{
	static struct scenario sc;
	char err[256];
	cr_assert_eq(sc_parse("id x\narea send\nsocket stream\n"
			      "send a data=\"\\x41\\xfF\" creds=-1:0:4294967295 flags=0x0|PEEK\n"
			      "recv b bufsize=0x10 ancbuf=CMSG_LEN(0)+0\n"
			      "expect ret=-22 flags=0\n", &sc, err, sizeof err), 0, "%s", err);
	cr_assert_eq(sc.steps[0].u.send.datalen, 2);
	cr_assert_eq(sc.steps[0].u.send.data[1], 0xff);
	cr_assert_eq(sc.steps[0].u.send.items[0].pid, -1);
	cr_assert_eq(sc.steps[0].u.send.items[0].gid, 4294967295L);
	cr_assert_eq(sc.steps[1].u.recv.bufsize, 16);
	cr_assert_eq(sc.steps[1].want.ret, -22);
}

/* Parsing is pure: 'requires' checks the name, the runner probes the
 * kernel.  Under seccomp's strict mode (read, write, exit only) any probe
 * (a socket, geteuid) kills the child. */
Test(scenario, parsing_makes_no_system_call)
{
	static struct scenario sc;
	int st;
	fflush(NULL);
	pid_t pid = fork();
	if (pid == 0) {
		char err[256];
		int rc;
		if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_STRICT) < 0)
			_exit(3);
		rc = sc_parse("id x\narea features\nrequires UNIX_OOB\nrequires root\n"
			      "requires SO_PASSCRED\nrequires SCM_PIDFD\n"
			      "socket stream\nsend a data=x\n", &sc, err, sizeof err);
		rc = rc == 0 && sc_parse("id x\narea send\nrequires SO_NOPE\n", &sc,
					 err, sizeof err) < 0;
		syscall(SYS_exit, rc ? 0 : 1);   /* exit_group is not allowed */
	}
	cr_assert_gt(pid, 0);
	cr_assert_eq(waitpid(pid, &st, 0), pid);
	cr_assert(WIFEXITED(st), "the parser made a system call (signal %d)",
		  WIFSIGNALED(st) ? WTERMSIG(st) : 0);
	cr_assert_eq(WEXITSTATUS(st), 0);
}
