/* Signals: a closed peer never raises SIGPIPE (default disposition kept),
 * and a signal interrupts blocking calls with -EINTR (no retry inside). */
#define _GNU_SOURCE
#include "check.h"

#include <sys/time.h>

static volatile sig_atomic_t alarms;

static void on_alarm(int sig) {
    (void)sig;
    alarms++;
}

static void no_sigpipe_on_closed_unix_peer(void) {
    CHECK(signal(SIGPIPE, SIG_DFL) != SIG_ERR);
    wl_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_conn_pair(&a, &b));
    wl_conn_free(b);
    /* Without MSG_NOSIGNAL this would kill the process. */
    CHECK_ERR(wl_conn_send(a, "x", 1, 0), EPIPE);
    struct iovec iov = {(void *)"y", 1};
    CHECK_ERR(wl_conn_send_vectored(a, &iov, 1), EPIPE);
    wl_conn_free(a);

    wl_dgram_conn *da = NULL, *db = NULL;
    CHECK_OK(wl_dgram_conn_pair(&da, &db));
    wl_dgram_conn_free(db);
    long rc = wl_dgram_conn_send(da, "x", 1, 0);
    CHECK(rc == -ECONNREFUSED || rc == -EPIPE);
    wl_dgram_conn_free(da);
}

static void no_sigpipe_on_closed_tcp_peer(void) {
    CHECK(signal(SIGPIPE, SIG_DFL) != SIG_ERR);
    wl_conn *a = NULL, *b = NULL;
    wl_stream_pair("127.0.0.1:0", &a, &b);
    CHECK_OK(wl_conn_shutdown(b, SHUT_RDWR));
    wl_conn_free(b);
    long rc = 0;
    for (int i = 0; i < 100 && rc >= 0; i++) {
        rc = wl_conn_send(a, "x", 1, 0);
        if (rc >= 0) usleep(1000);
    }
    CHECK(rc == -EPIPE || rc == -ECONNRESET);
    wl_conn_free(a);
}

static void arm_alarm(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_alarm;
    sa.sa_flags = 0; /* no SA_RESTART: the kernel returns EINTR */
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(SIGALRM, &sa, NULL) == 0);
    struct itimerval it;
    memset(&it, 0, sizeof it);
    it.it_value.tv_usec = 100 * 1000;
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
}

static void disarm_alarm(void) {
    struct itimerval it;
    memset(&it, 0, sizeof it);
    CHECK(setitimer(ITIMER_REAL, &it, NULL) == 0);
    CHECK(signal(SIGALRM, SIG_DFL) != SIG_ERR);
}

static void blocking_calls_return_eintr(void) {
    wl_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_conn_pair(&a, &b));
    char c;
    alarms = 0;
    arm_alarm();
    CHECK_ERR(wl_conn_recv(a, &c, 1, 0), EINTR);
    CHECK(alarms == 1);

    wl_addr addr;
    wl_listener *listener = wl_listen_on("127.0.0.1:0", &addr);
    wl_conn *conn = (wl_conn *)0x1;
    arm_alarm();
    CHECK_ERR(wl_listener_accept(listener, &conn, NULL), EINTR);
    CHECK(conn == (wl_conn *)0x1);
    CHECK(alarms == 2);

    wl_dgram_conn *da = NULL, *db = NULL;
    CHECK_OK(wl_dgram_conn_pair(&da, &db));
    arm_alarm();
    CHECK_ERR(wl_dgram_conn_recv(da, &c, 1, 0), EINTR);
    disarm_alarm();

    wl_dgram_conn_free(da);
    wl_dgram_conn_free(db);
    wl_listener_free(listener);
    wl_conn_free(a);
    wl_conn_free(b);
    wl_test_start(60); /* re-arm the hang guard */
}

int main(void) {
    wl_test_start(60);
    RUN(no_sigpipe_on_closed_unix_peer);
    RUN(no_sigpipe_on_closed_tcp_peer);
    RUN(blocking_calls_return_eintr);
    return wl_test_end("test_signals");
}
