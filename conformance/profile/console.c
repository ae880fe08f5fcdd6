/* console.c - `ancdata guest-console`: the console log of a guest kernel
 * (or of any run of ancdata profile) made into a profile file.
 *
 *   ancdata guest-console NAME LOG EXIT_STATUS --output FILE [--timeout S]
 *
 * The guest prints its profile between ==ANCDATA-PROFILE-BEGIN== and
 * ==ANCDATA-PROFILE-END==.  When that is there and reads as a profile, it
 * is written to FILE (exit 0).  Otherwise FILE gets a profile that records
 * a kernel error: why (kernel panic, no power-off within the timeout, a
 * truncated or broken profile, no profile) and the tail of the console,
 * whatever bytes it holds (TAB, NUL, terminal escapes, bytes that are not
 * UTF-8), written through the profile model and jansson (exit 1).  Bad
 * usage: one line, exit 2, nothing written. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "console.h"
#include "files.h"
#include "text.h"

#define BEGIN_MARK "==ANCDATA-PROFILE-BEGIN=="
#define END_MARK "==ANCDATA-PROFILE-END=="
#define PANIC "Kernel panic - not syncing"
#define TAIL_LINES 25
#define MAX_LOG (256u << 20)

/* the length of the terminal escape sequence at s (s[0] is ESC) */
static size_t escape_len(const unsigned char *s, size_t n)
{
	size_t i = 1;
	if (n < 2)
		return n;
	if (s[1] == '[') {   /* CSI: parameters, intermediates, a final byte */
		for (i = 2; i < n && s[i] >= 0x20 && s[i] <= 0x3f; i++)
			;
		return i < n && s[i] >= 0x40 && s[i] <= 0x7e ? i + 1 : i;
	}
	if (s[1] == ']') {   /* OSC: up to BEL or ESC \ */
		for (i = 2; i < n; i++) {
			if (s[i] == 0x07)
				return i + 1;
			if (s[i] == 0x1b && i + 1 < n && s[i + 1] == '\\')
				return i + 2;
			if (s[i] == '\n')
				return i;
		}
		return n;
	}
	if (strchr("()*+#", s[1]) && n >= 3)   /* charset selection: one more byte */
		return 3;
	return 2;
}

char *sc_console_clean(const char *log, size_t len)
{
	const unsigned char *u = (const unsigned char *)log;
	struct tx_buf b = { 0 };
	tx_put(&b, "", 0);
	for (size_t i = 0; i < len;) {
		size_t run = 0;
		while (i + run < len && u[i + run] != '\r' && u[i + run] != 0x1b && u[i + run])
			run++;
		tx_put(&b, log + i, run);
		i += run;
		if (i >= len)
			break;
		if (u[i] == '\r')
			i++;
		else if (u[i] == 0x1b)
			i += escape_len(u + i, len - i);
		else
			tx_puts(&b, "\\x00"), i++;
	}
	return tx_take(&b);
}

/* the start of the line holding s at or after from, or NULL */
static const char *line_with(const char *text, const char *from, const char *s)
{
	const char *hit = strstr(from, s);
	if (!hit)
		return NULL;
	while (hit > text && hit[-1] != '\n')
		hit--;
	return hit;
}

/* the last n lines of text (a trailing newline and blank lines left out) */
static const char *tail_start(const char *text, size_t *len, int n)
{
	size_t end = strlen(text);
	while (end > 0 && (text[end - 1] == '\n' || text[end - 1] == ' ' ||
			   text[end - 1] == '\t'))
		end--;
	size_t i = end;
	for (int lines = 0; i > 0; i--)
		if (text[i - 1] == '\n' && ++lines == n)
			break;
	*len = end - i;
	return text + i;
}

static char *console_tail(const char *clean)
{
	struct tx_buf b = { 0 };
	size_t len;
	const char *t = tail_start(clean, &len, TAIL_LINES);
	const char *panic = line_with(clean, clean, PANIC);
	tx_put(&b, "", 0);
	if (panic && panic < t) {   /* the panic line itself, then the tail */
		size_t pl = strcspn(panic, "\n");
		tx_put(&b, panic, pl);
		tx_puts(&b, "\n[...]\n");
	}
	tx_put(&b, t, len);
	return tx_take(&b);
}

static int error_profile(const char *clean, const char *name, const char *why,
			 struct sc_profile *p)
{
	memset(p, 0, sizeof *p);
	p->release = strdup(name);
	p->kernel_error = strdup(why);
	p->console_tail = console_tail(clean);
	p->cases = NULL;
	if (!p->release || !p->kernel_error || !p->console_tail) {
		sc_profile_free(p);
		return -2;
	}
	return -1;
}

int sc_console_profile(const char *clean, const char *name, int exit_status, int timeout_s,
		       struct sc_profile *p, char **json)
{
	const char *begin = line_with(clean, clean, BEGIN_MARK), *end = NULL;
	char err[300] = "", why[512];
	*json = NULL;
	if (begin) {
		begin += strcspn(begin, "\n");
		end = line_with(clean, begin, END_MARK);
	}
	if (begin && end) {
		size_t n = (size_t)(end - begin);
		if (sc_profile_read(begin, n, p, err, sizeof err) == 0) {
			if (!(*json = strndup(begin, n))) {
				sc_profile_free(p);
				return -2;
			}
			return 0;
		}
	}
	if (line_with(clean, clean, PANIC))
		snprintf(why, sizeof why, "kernel panic (exit status %d)", exit_status);
	else if (exit_status == 124)
		snprintf(why, sizeof why, "no power-off within %ds (exit status 124)", timeout_s);
	else if (begin && !end)
		snprintf(why, sizeof why, "truncated profile (exit status %d)", exit_status);
	else if (begin)
		snprintf(why, sizeof why, "broken profile: %s (exit status %d)", err, exit_status);
	else
		snprintf(why, sizeof why, "no profile on the console (exit status %d)",
			 exit_status);
	return error_profile(clean, name, why, p);
}

static int usage(const char *msg, const char *arg)
{
	fprintf(stderr, "ancdata: guest-console: %s%s%s (see ancdata guest-console --help)\n",
		msg, arg ? " " : "", arg ? arg : "");
	return 2;
}

static const char USAGE[] =
	"usage: ancdata guest-console NAME LOG EXIT_STATUS --output FILE [--timeout S]\n"
	"Makes the console LOG of a guest kernel (or of ancdata profile) named NAME\n"
	"into a profile.  The profile printed between ==ANCDATA-PROFILE-BEGIN== and\n"
	"==ANCDATA-PROFILE-END== is written to FILE when it reads as one; otherwise FILE\n"
	"records a kernel error (kernel panic, no power-off within S seconds, a\n"
	"truncated or broken profile, no profile) with the tail of the console.\n"
	"EXIT_STATUS is the guest's (124: killed by timeout).\n"
	"Exit status: 0 a profile, 1 a kernel-error profile, 2 bad usage (nothing written).\n";

/* the whole log, whatever bytes it holds */
static char *read_log(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct tx_buf b = { 0 };
	char chunk[65536];
	size_t n;
	if (!f)
		return NULL;
	tx_put(&b, "", 0);
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.n < MAX_LOG)
		tx_put(&b, chunk, n);
	int bad = ferror(f) || b.n >= MAX_LOG || b.oom;
	fclose(f);
	*len = b.n;
	if (bad) {
		tx_free(&b);
		errno = errno ? errno : EFBIG;
		return NULL;
	}
	return tx_take(&b);
}

static int number(const char *s, int max, int *out)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (!*s || *end || errno || v < 0 || v > max || s[0] == '+' || s[0] == ' ')
		return -1;
	*out = (int)v;
	return 0;
}

int cli_guest_console(int argc, char **argv)
{
	const char *pos[3], *output = NULL;
	int npos = 0, status, timeout_s = 0;
	for (int i = 0; i < argc; i++) {
		if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			fputs(USAGE, stdout);
			return 0;
		} else if (!strcmp(argv[i], "--output") && i + 1 < argc && argv[i + 1][0]) {
			output = argv[++i];
		} else if (!strcmp(argv[i], "--timeout") && i + 1 < argc) {
			if (number(argv[++i], 1 << 30, &timeout_s) < 0)
				return usage("--timeout wants seconds, not", argv[i]);
		} else if (argv[i][0] == '-' && argv[i][1]) {
			return usage("unknown option", argv[i]);
		} else if (npos == 3) {
			return usage("one NAME, LOG and EXIT_STATUS; extra", argv[i]);
		} else {
			pos[npos++] = argv[i];
		}
	}
	if (npos < 3 || !output)
		return usage("wants NAME LOG EXIT_STATUS --output FILE", NULL);
	if (!pos[0][0])
		return usage("the NAME is empty", NULL);
	if (number(pos[2], 255, &status) < 0)
		return usage("EXIT_STATUS wants 0 to 255, not", pos[2]);
	size_t len;
	char *log = read_log(pos[1], &len);
	if (!log) {
		fprintf(stderr, "ancdata: guest-console: %s: %s\n", pos[1], strerror(errno));
		return 2;
	}
	char *clean = sc_console_clean(log, len), *json = NULL, *text = NULL;
	struct sc_profile p;
	int rc = clean ? sc_console_profile(clean, pos[0], status, timeout_s, &p, &json) : -2;
	free(log);
	free(clean);
	if (rc == -2) {
		fprintf(stderr, "ancdata: guest-console: out of memory\n");
		return 2;
	}
	if (rc == -1 && !(text = sc_profile_write(&p))) {
		fprintf(stderr, "ancdata: guest-console: the kernel-error profile cannot be written\n");
		sc_profile_free(&p);
		return 2;
	}
	const char *out = rc == 0 ? json : text;
	out += strspn(out, "\n ");
	size_t n = strlen(out);
	while (n && (out[n - 1] == '\n' || out[n - 1] == ' '))
		n--;
	char *with_nl = malloc(n + 2);
	int bad = !with_nl;
	if (with_nl) {
		memcpy(with_nl, out, n);
		memcpy(with_nl + n, "\n", 2);
		bad = io_write_atomic(output, with_nl, n + 1) < 0;
	}
	if (bad)
		fprintf(stderr, "ancdata: guest-console: cannot write %s: %s\n", output,
			strerror(errno));
	else if (rc == -1)
		fprintf(stderr, "ancdata: guest-console: %s: KERNEL ERROR: %s\n", pos[0],
			p.kernel_error);
	free(with_nl);
	free(json);
	free(text);
	sc_profile_free(&p);
	return bad ? 2 : rc == 0 ? 0 : 1;
}
