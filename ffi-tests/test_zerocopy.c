/* Zero copy: sendfile, splice/tee, pipes, MSG_ZEROCOPY. */
#define _GNU_SOURCE
#include "check.h"

static int temp_file(const char *content, size_t len) {
    char path[] = "/tmp/wl-ffi-zc-XXXXXX";
    int fd = mkstemp(path);
    CHECK(fd >= 0);
    CHECK(unlink(path) == 0);
    CHECK(write(fd, content, len) == (ssize_t)len);
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    return fd;
}

static void read_exactly(wl_conn *c, char *buf, size_t len) {
    size_t got = 0;
    while (got < len) {
        ssize_t n = wl_conn_recv(c, buf + got, len - got, 0);
        CHECK(n > 0);
        got += (size_t)n;
    }
}

static void sendfile_with_and_without_offset(void) {
    const char text[] = "0123456789abcdef";
    int fd = temp_file(text, 16);
    wl_conn *a = NULL, *b = NULL;
    wl_stream_pair("127.0.0.1:0", &a, &b);
    char buf[32];

    uint64_t off = 4;
    CHECK(wl_conn_sendfile(a, fd, &off, 6) == 6);
    CHECK(off == 10);
    CHECK(lseek(fd, 0, SEEK_CUR) == 0); /* file position untouched */
    read_exactly(b, buf, 6);
    CHECK(memcmp(buf, "456789", 6) == 0);

    CHECK(wl_conn_sendfile(a, fd, NULL, 3) == 3); /* uses the file position */
    CHECK(lseek(fd, 0, SEEK_CUR) == 3);
    read_exactly(b, buf, 3);
    CHECK(memcmp(buf, "012", 3) == 0);

    off = 0;
    CHECK(wl_conn_sendfile_all(a, fd, &off, 100) == 16); /* stops at end of file */
    CHECK(off == 16);
    read_exactly(b, buf, 16);
    CHECK(memcmp(buf, text, 16) == 0);
    CHECK(wl_conn_sendfile(a, fd, &off, 10) == 0); /* at EOF */

    /* A socket is not a file. */
    CHECK_ERR(wl_conn_sendfile(a, wl_conn_fd(b), NULL, 1), EINVAL);
    CHECK_ERR(wl_conn_sendfile(a, -1, NULL, 1), EBADF);
    CHECK_ERR(wl_conn_sendfile(NULL, fd, NULL, 1), EINVAL);
    CHECK_ERR(wl_conn_sendfile_all(NULL, fd, NULL, 1), EINVAL);

    /* Unix streams too. */
    wl_conn *ua = NULL, *ub = NULL;
    CHECK_OK(wl_conn_pair(&ua, &ub));
    off = 10;
    CHECK(wl_conn_sendfile_all(ua, fd, &off, 6) == 6);
    CHECK(wl_conn_recv(ub, buf, sizeof buf, 0) == 6 && memcmp(buf, "abcdef", 6) == 0);
    wl_conn_free(ua);
    wl_conn_free(ub);
    wl_conn_free(a);
    wl_conn_free(b);
    close(fd);
}

static void pipes_splice_and_tee(void) {
    int fds[2];
    CHECK_OK(wl_pipe_fds(fds));
    CHECK(fcntl(fds[0], F_GETFD) & FD_CLOEXEC);
    CHECK_ERR(wl_pipe_fds(NULL), EINVAL);

    wl_pipe *p = NULL;
    CHECK_OK(wl_pipe_new(0, &p));
    size_t cap = 0, pending = 1;
    CHECK_OK(wl_pipe_capacity(p, &cap));
    CHECK(cap >= 4096);
    CHECK_OK(wl_pipe_pending(p, &pending));
    CHECK(pending == 0);
    size_t chosen = 0;
    CHECK_OK(wl_pipe_set_capacity(p, 8192, &chosen));
    CHECK(chosen >= 8192);
    CHECK_OK(wl_pipe_set_capacity(p, 8192, NULL));

    /* file -> pipe (with offset), pipe -> pipe (tee), pipe -> socket. */
    int fd = temp_file("hello splice", 12);
    int64_t off = 6;
    CHECK(wl_splice(fd, &off, wl_pipe_writer(p), NULL, 6, WL_SPLICE_F_MOVE) == 6);
    CHECK(off == 12);
    CHECK_OK(wl_pipe_pending(p, &pending));
    CHECK(pending == 6);
    CHECK(wl_tee(wl_pipe_reader(p), fds[1], 6, 0) == 6);
    char buf[16];
    CHECK(read(fds[0], buf, sizeof buf) == 6 && memcmp(buf, "splice", 6) == 0);
    wl_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_conn_pair(&a, &b));
    CHECK(wl_splice(wl_pipe_reader(p), NULL, wl_conn_fd(a), NULL, 6, WL_SPLICE_F_MOVE | WL_SPLICE_F_MORE) == 6);
    CHECK(wl_conn_recv(b, buf, sizeof buf, 0) == 6 && memcmp(buf, "splice", 6) == 0);
    CHECK_ERR(wl_splice(wl_pipe_reader(p), &off, wl_conn_fd(a), NULL, 1, 0), ESPIPE);
    CHECK_ERR(wl_splice(fd, NULL, wl_conn_fd(a), NULL, 1, 0), EINVAL); /* no pipe */

    /* splice_all: file -> socket through the pipe, with progress. */
    CHECK(lseek(fd, 0, SEEK_SET) == 0);
    uint64_t moved = 99;
    size_t left = 99;
    CHECK(wl_splice_all(fd, wl_conn_fd(a), 100, p, &moved, &left) == 12);
    CHECK(moved == 12 && left == 0);
    CHECK(wl_conn_recv(b, buf, sizeof buf, 0) == 12 && memcmp(buf, "hello splice", 12) == 0);
    /* A pipe that is not empty is refused, and the progress says so. */
    CHECK(write(wl_pipe_writer(p), "x", 1) == 1);
    CHECK_ERR(wl_splice_all(fd, wl_conn_fd(a), 1, p, &moved, &left), EINVAL);
    CHECK(moved == 0 && left == 1);
    CHECK_ERR(wl_splice_all(fd, wl_conn_fd(a), 1, NULL, NULL, NULL), EINVAL);

    int parts[2];
    CHECK_OK(wl_pipe_into_fds(p, parts)); /* p is gone; the fds are ours */
    CHECK(read(parts[0], buf, 1) == 1 && buf[0] == 'x');
    close(parts[0]);
    close(parts[1]);
    CHECK_ERR(wl_pipe_into_fds(NULL, parts), EINVAL);
    CHECK_ERR(wl_pipe_reader(NULL), EINVAL);
    CHECK_ERR(wl_pipe_writer(NULL), EINVAL);
    CHECK_ERR(wl_pipe_capacity(NULL, &cap), EINVAL);
    CHECK_ERR(wl_pipe_new(0, NULL), EINVAL);
    wl_pipe_free(NULL);

    wl_pipe *big = NULL;
    CHECK_OK(wl_pipe_new(1 << 16, &big));
    CHECK_OK(wl_pipe_capacity(big, &cap));
    CHECK(cap >= (1 << 16));
    wl_pipe_free(big);

    wl_conn_free(a);
    wl_conn_free(b);
    close(fd);
    close(fds[0]);
    close(fds[1]);
}

static const char ZC_DATA[] = "zero-copy payload";

static void msg_zerocopy(void) {
    wl_conn *a = NULL, *b = NULL;
    wl_stream_pair("127.0.0.1:0", &a, &b);
    bool on = true;
    CHECK_OK(wl_zerocopy(wl_conn_fd(a), &on));
    CHECK(!on);
    CHECK_OK(wl_set_zerocopy(wl_conn_fd(a), true));
    CHECK_OK(wl_zerocopy(wl_conn_fd(a), &on));
    CHECK(on);
    CHECK_ERR(wl_zerocopy(wl_conn_fd(a), NULL), EINVAL);

    wl_zerocopy_completion c;
    CHECK(wl_conn_recv_zerocopy_completion(a, &c) == 0); /* nothing yet */
    CHECK(wl_conn_send_zerocopy(a, ZC_DATA, sizeof ZC_DATA) == (ssize_t)sizeof ZC_DATA);
    char buf[64];
    read_exactly(b, buf, sizeof ZC_DATA);
    CHECK(memcmp(buf, ZC_DATA, sizeof ZC_DATA) == 0);
    CHECK(wl_conn_wait_zerocopy_completion(a, 5000, &c) == 1);
    CHECK(c.first == 0 && c.last == 0);
    CHECK(c.copied); /* loopback always copies */
    CHECK(wl_conn_wait_zerocopy_completion(a, 0, &c) == 0);
    CHECK_ERR(wl_conn_recv_zerocopy_completion(a, NULL), EINVAL);
    CHECK_ERR(wl_conn_wait_zerocopy_completion(a, 0, NULL), EINVAL);
    wl_conn_free(a);
    wl_conn_free(b);

    /* Unix streams have no MSG_ZEROCOPY. */
    CHECK_OK(wl_conn_pair(&a, &b));
    CHECK_ERR(wl_conn_send_zerocopy(a, ZC_DATA, 1), EAFNOSUPPORT);
    CHECK_ERR(wl_conn_recv_zerocopy_completion(a, &c), EAFNOSUPPORT);
    CHECK_ERR(wl_conn_wait_zerocopy_completion(a, 0, &c), EAFNOSUPPORT);
    wl_conn_free(a);
    wl_conn_free(b);
}

int main(void) {
    wl_test_start(60);
    RUN(sendfile_with_and_without_offset);
    RUN(pipes_splice_and_tee);
    RUN(msg_zerocopy);
    return wl_test_end("test_zerocopy");
}
