/* profile_read.c - fuzz target: the kernel behaviour profile reader.
 * Whatever it accepts must write back to JSON that reads to the same
 * profile; whatever it refuses gets one line and leaks nothing (ASan). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "profile_read.h"

static void die(const char *why)
{
	fprintf(stderr, "profile_read: %s\n", why);
	abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sc_profile a, b;
	char err[256];

	if (size > 1 << 20)
		return 0;
	if (sc_profile_read((const char *)data, size, &a, err, sizeof err) < 0) {
		if (!err[0] || strchr(err, '\n'))
			die("a refusal is not one line");
		return 0;
	}
	char *text = sc_profile_write(&a);
	if (!text)
		die("the profile cannot be written back");
	if (sc_profile_read(text, strlen(text), &b, err, sizeof err) < 0)
		die("the profile written back is refused");
	if (!sc_profile_equal(&a, &b))
		die("the profile written back reads differently");
	free(text);
	sc_profile_free(&a);
	sc_profile_free(&b);
	return 0;
}
