/* recv_fds_demo.c - CPython's recv_fds recipe, in C over a socketpair:
 * send three pipe read ends with a message, receive them with
 * ancdata_recv_fds, and show each received fd reads what its pipe holds. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "ancdata.h"

static int fail(const char *what, long rc)
{
	fprintf(stderr, "ancdata-demo: %s: %s\n", what, ancdata_strerror((int)rc));
	return 1;
}

int main(void)
{
	int sv[2], pipes[3][2], sent[3], got[3];
	char msg[64], text[16];
	size_t nfds = 0;
	int flags = 0;

	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0)
		return perror("socketpair"), 1;
	for (int i = 0; i < 3; i++) {
		if (pipe(pipes[i]) < 0)
			return perror("pipe"), 1;
		sent[i] = pipes[i][0];
	}
	struct iovec iov = { "hello, fds", 10 };
	ssize_t n = ancdata_send_fds(sv[0], &iov, 1, sent, 3, 0, NULL);
	if (n < 0)
		return fail("send_fds", n);
	printf("sent %zd bytes and fds %d %d %d\n", n, sent[0], sent[1], sent[2]);

	n = ancdata_recv_fds(sv[1], msg, sizeof msg - 1, got, 3, &nfds, &flags,
			     0, NULL);
	if (n < 0)
		return fail("recv_fds", n);
	msg[n] = '\0';
	printf("received %zd bytes \"%s\", %zu fds, msg_flags 0x%x\n", n, msg,
	       nfds, flags);
	for (size_t i = 0; i < nfds; i++) {
		int len = snprintf(text, sizeof text, "pipe %zu", i);
		if (write(pipes[i][1], text, (size_t)len) != len)
			return perror("write"), 1;
		ssize_t r = read(got[i], text, sizeof text - 1);
		text[r > 0 ? r : 0] = '\0';
		printf("  fd %d reads \"%s\"\n", got[i], text);
		close(got[i]);
	}
	for (int i = 0; i < 3; i++)
		close(pipes[i][0]), close(pipes[i][1]);
	close(sv[0]);
	close(sv[1]);
	return nfds == 3 ? 0 : 1;
}
