/* test_io.c - the file layer every tool writes and reads through:
 * io_write_atomic leaves no temporary file behind, follows no link planted
 * at a name it could have used, and fails cleanly; io_read_file refuses a
 * folder, a NUL byte and an input past its bound (even an endless one)
 * with one line, and reads pipes and FIFOs whole. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "files.h"
#include "json_text.h"

static char dir[64];

static void make_dir(void)
{
	strcpy(dir, "/tmp/ancdata-io-XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
}

static void remove_dir(void)
{
	char cmd[128];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	cr_assert_eq(system(cmd), 0);
}

TestSuite(io, .init = make_dir, .fini = remove_dir);

static char *in_dir(const char *name)
{
	static char path[4][PATH_MAX];
	static int next;
	char *p = path[next++ % 4];
	snprintf(p, PATH_MAX, "%s/%s", dir, name);
	return p;
}

/* The names in the folder, sorted, joined by spaces. */
static const char *listing(const char *folder)
{
	static char out[4096];
	struct dirent **names;
	int n = scandir(folder, &names, NULL, alphasort);
	cr_assert_geq(n, 0);
	out[0] = '\0';
	for (int i = 0; i < n; i++) {
		if (strcmp(names[i]->d_name, ".") && strcmp(names[i]->d_name, "..")) {
			strcat(out, *out ? " " : "");
			strcat(out, names[i]->d_name);
		}
		free(names[i]);
	}
	free(names);
	return out;
}

static char *slurp(const char *path)
{
	char err[256];
	char *text = io_read_file(path, 1 << 20, err, sizeof err);
	cr_assert_not_null(text, "%s", err);
	return text;
}

static void spit(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

Test(io, write_replaces_and_leaves_nothing_else)
{
	spit(in_dir("p.json"), "old\n");
	cr_assert_eq(io_write_atomic(in_dir("p.json"), "new\n", 4), 0);
	char *text = slurp(in_dir("p.json"));
	cr_assert_str_eq(text, "new\n");
	free(text);
	cr_assert_str_eq(listing(dir), "p.json");
	struct stat st;
	cr_assert_eq(stat(in_dir("p.json"), &st), 0);
	cr_assert_eq(st.st_mode & 07777, 0644);
}

Test(io, failed_write_leaves_no_temporary_file)
{
	/* rename onto a non-empty folder fails after the data was written */
	cr_assert_eq(mkdir(in_dir("p.json"), 0755), 0);
	spit(in_dir("p.json/inside"), "x");
	errno = 0;
	cr_assert_eq(io_write_atomic(in_dir("p.json"), "new\n", 4), -1);
	cr_assert_neq(errno, 0);
	cr_assert_str_eq(listing(dir), "p.json");
	cr_assert_str_eq(listing(in_dir("p.json")), "inside");
}

/* The old helper wrote PATH.tmp.PID through fopen, which follows a link
 * planted there; plant one at every name such a scheme could use. */
Test(io, links_planted_at_predictable_names_are_not_followed)
{
	const char *target = in_dir("p.json"), *victim = in_dir("victim");
	char link[PATH_MAX];
	spit(victim, "precious\n");
	for (pid_t pid = getpid() - 2; pid <= getpid() + 2; pid++) {
		snprintf(link, sizeof link, "%s.tmp.%d", target, (int)pid);
		cr_assert_eq(symlink(victim, link), 0);
		snprintf(link, sizeof link, "%s/.p.json.%d", dir, (int)pid);
		cr_assert_eq(symlink(victim, link), 0);
	}
	snprintf(link, sizeof link, "%s.tmp", target);
	cr_assert_eq(symlink(victim, link), 0);
	cr_assert_eq(io_write_atomic(target, "new\n", 4), 0);
	char *text = slurp(victim);
	cr_assert_str_eq(text, "precious\n", "the write went through a planted link");
	free(text);
	struct stat st;
	cr_assert_eq(lstat(target, &st), 0);
	cr_assert(S_ISREG(st.st_mode), "the target is not a regular file");
	text = slurp(target);
	cr_assert_str_eq(text, "new\n");
	free(text);
}

Test(io, write_into_a_missing_folder_fails_cleanly)
{
	errno = 0;
	cr_assert_eq(io_write_atomic(in_dir("none/p.json"), "x", 1), -1);
	cr_assert_eq(errno, ENOENT);
	cr_assert_str_eq(listing(dir), "");
	char err[256];
	cr_assert_eq(io_output_ok(in_dir("none/p.json"), err, sizeof err), -1);
	cr_assert(strstr(err, "does not exist"), "%s", err);
}

Test(io, write_to_a_folder_name_fails)
{
	errno = 0;
	cr_assert_eq(io_write_atomic(in_dir(""), "x", 1), -1);
	cr_assert_eq(errno, EISDIR);
	char err[256];
	cr_assert_eq(io_output_ok(dir, err, sizeof err), -1);
	cr_assert(strstr(err, "is a folder"), "%s", err);
	cr_assert_eq(io_output_ok(in_dir("p.json"), err, sizeof err), 0);
}

Test(io, write_of_a_name_at_the_longest)
{
	char name[256];
	memset(name, 'n', 255);
	name[255] = '\0';
	cr_assert_eq(io_write_atomic(in_dir(name), "x", 1), 0);
	cr_assert_str_eq(listing(dir), name);
}

Test(io, read_refuses_a_folder)
{
	char err[256];
	cr_assert_null(io_read_file(dir, 100, err, sizeof err));
	cr_assert(strstr(err, "is a folder"), "%s", err);
}

Test(io, read_refuses_a_nul_byte)
{
	char err[256];
	FILE *f = fopen(in_dir("nul"), "w");
	fwrite("ab\0cd", 1, 5, f);
	fclose(f);
	cr_assert_null(io_read_file(in_dir("nul"), 100, err, sizeof err));
	cr_assert(strstr(err, "NUL byte (at byte 2)"), "%s", err);
}

Test(io, read_takes_max_bytes_and_refuses_one_more)
{
	char err[256], *big = malloc(200001);
	memset(big, 'a', 200001);
	big[200000] = '\0';
	spit(in_dir("exact"), big);
	char *text = io_read_file(in_dir("exact"), 200000, err, sizeof err);
	cr_assert_not_null(text, "%s", err);
	cr_assert_eq(strlen(text), 200000);
	free(text);
	cr_assert_null(io_read_file(in_dir("exact"), 199999, err, sizeof err));
	cr_assert(strstr(err, "larger than the 199999 bytes allowed"), "%s", err);
	text = io_read_file(in_dir("exact"), 0, err, sizeof err);
	cr_assert_null(text);
	spit(in_dir("empty"), "");
	text = io_read_file(in_dir("empty"), 0, err, sizeof err);
	cr_assert_str_eq(text, "");
	free(text);
	free(big);
}

/* A writer that never stops (a file that keeps growing, /dev/zero behind
 * a FIFO): the read stops one byte past the bound. */
Test(io, read_of_an_endless_fifo_stops_at_the_bound)
{
	char err[256];
	cr_assert_eq(mkfifo(in_dir("fifo"), 0600), 0);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int fd = open(in_dir("fifo"), O_WRONLY);
		char block[4096];
		memset(block, 'a', sizeof block);
		while (fd >= 0 && write(fd, block, sizeof block) > 0)
			;
		_exit(0);
	}
	cr_assert_null(io_read_file(in_dir("fifo"), 1 << 20, err, sizeof err));
	cr_assert(strstr(err, "larger than"), "%s", err);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

Test(io, read_of_a_fifo_in_small_pieces_is_whole)
{
	char err[256];
	cr_assert_eq(mkfifo(in_dir("fifo"), 0600), 0);
	pid_t pid = fork();
	cr_assert_geq(pid, 0);
	if (pid == 0) {
		int fd = open(in_dir("fifo"), O_WRONLY);
		for (int i = 0; i < 100000 && fd >= 0; i++)
			if (write(fd, i % 1000 == 999 ? "\n" : "b", 1) != 1)
				_exit(1);
		_exit(0);
	}
	char *text = io_read_file(in_dir("fifo"), 1 << 20, err, sizeof err);
	int status;
	waitpid(pid, &status, 0);
	cr_assert_not_null(text, "%s", err);
	cr_assert_eq(strlen(text), 100000);
	free(text);
	cr_assert_eq(status, 0);
}

Test(io, errors_name_the_file_on_one_line)
{
	char err[512];
	cr_assert_null(io_read_file(in_dir("no\nsuch\033[2J"), 100, err, sizeof err));
	cr_assert_null(strchr(err, '\n'), "%s", err);
	cr_assert_null(strchr(err, '\033'), "%s", err);
	cr_assert(strstr(err, "no\\x0asuch\\x1b[2J: No such file or directory"), "%s", err);
}

Test(io, printable_keeps_utf8_and_escapes_controls)
{
	char out[64];
	io_printable("caf\xc3\xa9 \t\x7f\xc2\x85\xff!", out, sizeof out);
	cr_assert_str_eq(out, "caf\xc3\xa9 \\x09\\x7f\\xc2\\x85\\xff!");
	cr_assert_eq(io_printable("abcdef", out, 4), 3);
	cr_assert_str_eq(out, "abc");
	cr_assert_eq(io_printable("\n\n", out, 6), 4);   /* never half an escape */
	cr_assert_str_eq(out, "\\x0a");
}
