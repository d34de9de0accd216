/* The stream helpers: send_all, recv_until, is_connected, wait, errno
 * classification. */
#define _GNU_SOURCE
#include "check.h"

#include <pthread.h>
#include <stdatomic.h>

static void send_all_and_recv_until(void) {
    wl_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_conn_pair(&a, &b));
    size_t sent = 0;
    CHECK_OK(wl_conn_send_all(a, "HELLO\r\nrest", 11, 5000, NULL, &sent));
    CHECK(sent == 11);
    char buf[64];
    size_t consumed = 0;
    CHECK(wl_conn_recv_until(b, "\r\n", 2, buf, sizeof buf, 5000, &consumed) == 7);
    CHECK(consumed == 7 && memcmp(buf, "HELLO\r\n", 7) == 0);
    CHECK(wl_conn_recv(b, buf, sizeof buf, 0) == 4); /* "rest" was not consumed */

    /* No terminator within max_len: all consumed, reported. */
    CHECK_OK(wl_conn_send_all(a, "abcdefgh", 8, 5000, NULL, NULL));
    CHECK_ERR(wl_conn_recv_until(b, "\n", 1, buf, 4, 5000, &consumed), EINVAL);
    CHECK(consumed == 4 && memcmp(buf, "abcd", 4) == 0);
    CHECK_MSG("max_len");
    CHECK(wl_conn_recv(b, buf, sizeof buf, 0) == 4);
    /* Deadline. */
    CHECK_ERR(wl_conn_recv_until(b, "\n", 1, buf, sizeof buf, 20, &consumed), ETIMEDOUT);
    CHECK(consumed == 0);
    /* Bad arguments. */
    CHECK_ERR(wl_conn_recv_until(b, "", 0, buf, sizeof buf, 20, NULL), EINVAL);
    CHECK_ERR(wl_conn_recv_until(b, "\r\n", 2, buf, 1, 20, NULL), EINVAL);
    CHECK_ERR(wl_conn_recv_until(NULL, "\n", 1, buf, 1, 20, NULL), EINVAL);
    /* Peer closes before the terminator. */
    CHECK_OK(wl_conn_send_all(a, "tail", 4, 5000, NULL, NULL));
    wl_conn_free(a);
    CHECK_ERR(wl_conn_recv_until(b, "\n", 1, buf, sizeof buf, 5000, &consumed), ENODATA);
    CHECK(consumed == 4);
    /* The peer is gone: send_all fails with EPIPE, no SIGPIPE. */
    CHECK_ERR(wl_conn_send_all(b, "x", 1, 5000, NULL, &sent), EPIPE);
    CHECK(sent == 0);
    CHECK_ERR(wl_conn_send_all(NULL, "x", 1, 5000, NULL, NULL), EINVAL);
    wl_conn_free(b);
}

static void send_all_times_out_and_cancels(void) {
    wl_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_conn_pair(&a, &b));
    CHECK_OK(wl_set_send_buffer_size(wl_conn_fd(a), 4096));
    static char big[1 << 20];
    size_t sent = 0;
    CHECK_ERR(wl_conn_send_all(a, big, sizeof big, 50, NULL, &sent), ETIMEDOUT);
    CHECK(sent > 0 && sent < sizeof big);
    atomic_bool cancel = true;
    CHECK_ERR(wl_conn_send_all(a, big, sizeof big, -1, &cancel, &sent), ECANCELED);
    CHECK(sent == 0);
    wl_conn_free(a);
    wl_conn_free(b);
}

static void liveness(void) {
    wl_conn *a = NULL, *b = NULL;
    wl_stream_pair("127.0.0.1:0", &a, &b);
    CHECK(wl_conn_is_connected(a) == 1);
    CHECK(wl_conn_send(b, "x", 1, 0) == 1);
    usleep(10000);
    CHECK(wl_conn_is_connected(a) == 1);
    char c;
    CHECK(wl_conn_recv(a, &c, 1, 0) == 1); /* the probe did not consume it */
    CHECK_OK(wl_conn_shutdown(b, SHUT_WR));
    usleep(10000);
    CHECK(wl_conn_is_connected(a) == 0);
    wl_conn_free(a);
    wl_conn_free(b);

    /* A reset (linger 0, then close with unread data) on a fresh connection. */
    wl_stream_pair("127.0.0.1:0", &a, &b);
    CHECK_OK(wl_set_linger(wl_conn_fd(b), true, 0));
    CHECK(wl_conn_send(a, "y", 1, 0) == 1);
    wl_conn_free(b);
    usleep(10000);
    CHECK_ERR(wl_conn_is_connected(a), ECONNRESET);
    CHECK_ERR(wl_conn_is_connected(NULL), EINVAL);
    wl_conn_free(a);
}

static void readiness_and_errnos(void) {
    wl_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_conn_pair(&a, &b));
    CHECK(wl_wait(wl_conn_fd(a), WL_READABLE, 10) == 0);
    CHECK(wl_wait(wl_conn_fd(a), WL_WRITABLE, 10) & WL_WRITABLE);
    CHECK(wl_conn_send(b, "x", 1, 0) == 1);
    CHECK(wl_wait(wl_conn_fd(a), WL_READABLE, -1) & WL_READABLE);
    wl_conn_free(b);
    int r = wl_wait(wl_conn_fd(a), WL_READ_HANGUP, 1000);
    CHECK(r & (WL_READ_HANGUP | WL_HANGUP));
    CHECK_ERR(wl_wait(-1, WL_READABLE, 0), EBADF);
    CHECK_ERR(wl_wait(wl_conn_fd(a), 0x10000, 0), EINVAL);
    (void)WL_PRIORITY;
    (void)WL_ERROR;
    wl_conn_free(a);

    CHECK(wl_is_transient(-EAGAIN) == 1);
    CHECK(wl_is_transient(EINTR) == 1);
    CHECK(wl_is_transient(-ENOBUFS) == 1);
    CHECK(wl_is_transient(-EPIPE) == 0);
    CHECK(strcmp(wl_errno_name(-ECONNREFUSED), "ECONNREFUSED") == 0);
    CHECK(strcmp(wl_errno_name(EWOULDBLOCK), "EAGAIN") == 0);
    CHECK(strcmp(wl_errno_name(100000), "UNKNOWN") == 0);
    CHECK(strcmp(wl_errno_name(-2147483647 - 1), "UNKNOWN") == 0);
}

int main(void) {
    wl_test_start(60);
    RUN(send_all_and_recv_until);
    RUN(send_all_times_out_and_cancels);
    RUN(liveness);
    RUN(readiness_and_errnos);
    return wl_test_end("test_stream_ext");
}
