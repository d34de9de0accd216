/* Descriptor and credential passing over Unix sockets, within a process
 * and between processes (fork). */
#define _GNU_SOURCE
#include "check.h"

#include <sys/wait.h>

static void one_fd_round_trip(void) {
    wl_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_conn_pair(&a, &b));
    int p[2];
    CHECK(pipe(p) == 0);
    CHECK_OK(wl_conn_send_fd(a, p[1]));
    CHECK(close(p[1]) == 0); /* ours to close: send_fd does not take it */
    int got = -1;
    CHECK_OK(wl_conn_recv_fd(b, &got));
    CHECK(got >= 0); /* may reuse the number of the closed p[1] */
    CHECK(fcntl(got, F_GETFD) & FD_CLOEXEC);
    CHECK(write(got, "z", 1) == 1);
    char c;
    CHECK(read(p[0], &c, 1) == 1 && c == 'z');
    close(got);
    close(p[0]);

    /* recv_fd on a message without a descriptor; at EOF. */
    CHECK(wl_conn_send(a, "x", 1, 0) == 1);
    CHECK_ERR(wl_conn_recv_fd(b, &got), EINVAL);
    CHECK_MSG("no descriptor");
    CHECK_ERR(wl_conn_recv_fd(b, NULL), EINVAL);
    CHECK_ERR(wl_conn_send_fd(a, -1), EBADF);
    wl_conn_free(a);
    CHECK_ERR(wl_conn_recv_fd(b, &got), ENODATA);
    wl_conn_free(b);
}

static void many_fds_with_data(void) {
    wl_dgram_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_dgram_conn_pair(&a, &b));
    int p1[2], p2[2];
    CHECK(pipe(p1) == 0 && pipe(p2) == 0);
    int send[2] = {p1[1], p2[1]};
    CHECK(wl_dgram_conn_send_fds(a, "hdr", 3, send, 2) == 3);
    char buf[8];
    int got[4] = {-1, -1, -1, -1};
    size_t n = 0;
    CHECK(wl_dgram_conn_recv_fds(b, buf, sizeof buf, got, 4, &n) == 3);
    CHECK(n == 2 && memcmp(buf, "hdr", 3) == 0);
    close(got[0]);
    close(got[1]);

    /* More than max_fds: an error, and none leaks (RUN counts fds). */
    CHECK(wl_dgram_conn_send_fds(a, "", 0, send, 2) == 0);
    n = 99;
    CHECK_ERR(wl_dgram_conn_recv_fds(b, buf, sizeof buf, got, 1, &n), EMSGSIZE);
    CHECK(n == 99);

    CHECK_ERR(wl_dgram_conn_send_fds(a, "x", 1, send, 0), EINVAL);
    CHECK_ERR(wl_dgram_conn_send_fds(a, "x", 1, NULL, 1), EINVAL);
    int negative[1] = {-5};
    CHECK_ERR(wl_dgram_conn_send_fds(a, "x", 1, negative, 1), EBADF);
    CHECK_ERR(wl_dgram_conn_recv_fds(b, buf, sizeof buf, got, 0, &n), EINVAL);
    CHECK_ERR(wl_dgram_conn_recv_fds(b, buf, sizeof buf, got, 1, NULL), EINVAL);

    CHECK_OK(wl_dgram_conn_send_fd(a, p1[0]));
    int one = -1;
    CHECK_OK(wl_dgram_conn_recv_fd(b, &one));
    close(one);
    close(p1[0]);
    close(p1[1]);
    close(p2[0]);
    close(p2[1]);
    wl_dgram_conn_free(a);
    wl_dgram_conn_free(b);
}

static void stream_fds_need_data(void) {
    wl_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_conn_pair(&a, &b));
    int fds[1] = {0};
    CHECK_ERR(wl_conn_send_fds(a, "", 0, fds, 1), EINVAL);
    CHECK(wl_conn_send_fds(a, "d", 1, fds, 1) == 1);
    int got = -1;
    size_t n = 0;
    char c;
    CHECK(wl_conn_recv_fds(b, &c, 1, &got, 1, &n) == 1);
    CHECK(n == 1);
    close(got);
    wl_conn_free(a);
    wl_conn_free(b);
}

static void credentials(void) {
    wl_ucred own;
    CHECK_OK(wl_own_credentials(&own));
    CHECK(own.pid == getpid() && own.uid == geteuid());
    CHECK_ERR(wl_own_credentials(NULL), EINVAL);

    wl_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_conn_pair(&a, &b));
    bool on = true;
    CHECK_OK(wl_passcred(wl_conn_fd(b), &on));
    CHECK(!on);
    CHECK_OK(wl_set_passcred(wl_conn_fd(b), true));
    CHECK_OK(wl_passcred(wl_conn_fd(b), &on));
    CHECK(on);
    CHECK_ERR(wl_passcred(wl_conn_fd(b), NULL), EINVAL);
    CHECK(wl_conn_send_with_credentials(a, "c", 1) == 1);
    wl_ucred cred;
    bool has = false;
    char c;
    CHECK(wl_conn_recv_with_credentials(b, &c, 1, &cred, &has) == 1);
    CHECK(has && cred.pid == getpid() && cred.uid == getuid());
    CHECK_ERR(wl_conn_recv_with_credentials(b, &c, 1, NULL, &has), EINVAL);
    wl_conn_free(a);
    wl_conn_free(b);

    wl_dgram_conn *da = NULL, *db = NULL;
    CHECK_OK(wl_dgram_conn_pair(&da, &db));
    CHECK_OK(wl_set_passcred(wl_dgram_conn_fd(db), true));
    CHECK(wl_dgram_conn_send_with_credentials(da, "d", 1) == 1);
    CHECK(wl_dgram_conn_recv_with_credentials(db, &c, 1, &cred, &has) == 1);
    CHECK(has && cred.pid == getpid());
    wl_dgram_conn_free(da);
    wl_dgram_conn_free(db);
}

static void tcp_cannot_pass_fds(void) {
    wl_conn *a = NULL, *b = NULL;
    wl_stream_pair("127.0.0.1:0", &a, &b);
    int fd = -1;
    CHECK_ERR(wl_conn_send_fd(a, 0), EAFNOSUPPORT);
    CHECK_MSG("Unix socket");
    CHECK_ERR(wl_conn_recv_fd(b, &fd), EAFNOSUPPORT);
    CHECK_ERR(wl_conn_send_with_credentials(a, "x", 1), EAFNOSUPPORT);
    size_t n;
    CHECK_ERR(wl_conn_send_fds(a, "x", 1, &fd, 1), EAFNOSUPPORT);
    CHECK_ERR(wl_conn_recv_fds(b, &n, 1, &fd, 1, &n), EAFNOSUPPORT);
    wl_ucred cred;
    bool has;
    CHECK_ERR(wl_conn_recv_with_credentials(b, &n, 1, &cred, &has), EAFNOSUPPORT);
    CHECK_ERR(wl_conn_send_fd(NULL, 0), EINVAL);
    wl_conn_free(a);
    wl_conn_free(b);
}

/* The parent opens a pipe, passes its write end to a child process over a
 * Unix socket, and reads what the child wrote through it. */
static void between_processes(void) {
    wl_conn *parent = NULL, *child = NULL;
    CHECK_OK(wl_conn_pair(&parent, &child));
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        wl_conn_free(parent);
        int fd = -1;
        if (wl_conn_recv_fd(child, &fd) != 0) _exit(2);
        if (write(fd, "from child", 10) != 10) _exit(3);
        close(fd);
        wl_conn_free(child);
        _exit(0);
    }
    wl_conn_free(child);
    int p[2];
    CHECK(pipe(p) == 0);
    CHECK_OK(wl_conn_send_fd(parent, p[1]));
    CHECK(close(p[1]) == 0);
    char buf[16] = {0};
    CHECK(read(p[0], buf, sizeof buf) == 10);
    CHECK(strcmp(buf, "from child") == 0);
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    close(p[0]);
    wl_conn_free(parent);
}

int main(void) {
    wl_test_start(60);
    RUN(one_fd_round_trip);
    RUN(many_fds_with_data);
    RUN(stream_fds_need_data);
    RUN(credentials);
    RUN(tcp_cannot_pass_fds);
    RUN(between_processes);
    return wl_test_end("test_fdpass");
}
