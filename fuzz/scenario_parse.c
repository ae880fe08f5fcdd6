/* scenario_parse.c - fuzz target: the scenario text parser.  Whatever it
 * accepts must print back to text that parses to the same scenario, and
 * printing that again must give the same text; whatever it refuses must
 * get one line that names a line. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scenario.h"

static void die(const char *why)
{
	fprintf(stderr, "scenario_parse: %s\n", why);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct scenario a, b;
	static char text[1 << 17], again[1 << 17];
	char err[256];
	char *in;

	if (size > 1 << 16)
		return 0;
	in = malloc(size + 1);
	memcpy(in, data, size);
	in[size] = '\0';
	if (sc_parse(in, &a, err, sizeof err) < 0) {
		if (strncmp(err, "line ", 5) || strchr(err, '\n'))
			die("an error is not one line naming a line");
		free(in);
		return 0;
	}
	free(in);
	if (sc_print(&a, text, sizeof text) >= sizeof text)
		return 0;   /* too long to print here: nothing to compare */
	if (sc_parse(text, &b, err, sizeof err) < 0)
		die("the printed scenario is refused");
	if (!sc_equal(&a, &b))
		die("the printed scenario parses to another scenario");
	sc_print(&b, again, sizeof again);
	if (strcmp(text, again))
		die("printing is not stable");
	return 0;
}
