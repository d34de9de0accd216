/* A blocking connect interrupted by a signal (-EINTR) goes on in the
 * kernel; retrying wl_raw_connect after the handshake completed gets
 * EISCONN from the kernel, which the library reports as success.
 *
 * To make connect block on loopback, the listener's accept queue is full
 * (backlog 0 with one connection queued): the kernel drops the SYN and
 * the client retransmits it after ~1 s. A helper thread interrupts the
 * connect with SIGUSR1 (no SA_RESTART); accepting the queued connection
 * then makes room, so the retransmitted SYN completes the handshake.
 * (Linux returns EISCONN once the socket is marked connected, e.g. after
 * a retry through another descriptor of the same socket.)
 * EISCONN for another address than asked stays an error. */
#define _GNU_SOURCE
#include "check.h"

#include <poll.h>
#include <pthread.h>
#include <time.h>

static volatile sig_atomic_t signals;

static void on_usr1(int sig) {
    (void)sig;
    signals++;
}

struct poker {
    pthread_t target;
    int delay_ms;
};

/* Sends SIGUSR1 to the target thread after delay_ms. */
static void *poke(void *arg) {
    struct poker *p = arg;
    struct timespec ts = {p->delay_ms / 1000, (long)(p->delay_ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    pthread_kill(p->target, SIGUSR1);
    return NULL;
}

static void interrupted_connect_then_retry_is_connected(void) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_usr1;
    sa.sa_flags = 0; /* no SA_RESTART: connect returns EINTR */
    sigemptyset(&sa.sa_mask);
    CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);

    /* A listener whose accept queue holds one connection: full. */
    wl_addr want = wl_parse("127.0.0.1:0"), addr;
    wl_raw *raw = NULL;
    wl_bound *bound = NULL;
    wl_listener *listener = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &raw));
    CHECK_OK(wl_raw_bind(raw, &want, &bound));
    CHECK_OK(wl_bound_listen(bound, 0, &listener));
    CHECK_OK(wl_socket_local_addr(wl_listener_fd(listener), &addr));
    wl_conn *filler = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &raw));
    CHECK_OK(wl_raw_connect(raw, &addr, &filler));

    /* This connect blocks (its SYN is dropped) until the signal. */
    wl_raw *sock = NULL;
    wl_conn *conn = (wl_conn *)0x1;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &sock));
    signals = 0;
    struct poker p = {pthread_self(), 100};
    pthread_t thread;
    CHECK(pthread_create(&thread, NULL, poke, &p) == 0);
    CHECK_ERR(wl_raw_connect(sock, &addr, &conn), EINTR);
    CHECK(pthread_join(thread, NULL) == 0);
    CHECK(signals == 1);
    CHECK(conn == (wl_conn *)0x1); /* nothing written, sock still ours */

    /* Make room; the kernel's SYN retransmit completes the handshake. */
    wl_conn *first = NULL;
    CHECK_OK(wl_listener_accept(listener, &first, NULL));
    struct pollfd pfd = {wl_raw_fd(sock), POLLOUT, 0};
    CHECK(poll(&pfd, 1, 10000) == 1 && (pfd.revents & POLLOUT));
    struct sockaddr_storage peer;
    socklen_t plen = sizeof peer;
    CHECK(getpeername(wl_raw_fd(sock), (struct sockaddr *)&peer, &plen) == 0);

    /* Linux answers the first retry after the handshake completed with 0
     * (it then marks the socket connected) and every later one with
     * EISCONN. Another thread retrying through a duplicate descriptor
     * does the first; the library's retry below then gets EISCONN. */
    struct sockaddr_storage to;
    socklen_t tlen = sizeof to;
    CHECK(getsockname(wl_listener_fd(listener), (struct sockaddr *)&to, &tlen) == 0);
    int dup_fd = fcntl(wl_raw_fd(sock), F_DUPFD_CLOEXEC, 0);
    CHECK(dup_fd >= 0);
    int first_retry = connect(dup_fd, (struct sockaddr *)&to, tlen);
    CHECK(first_retry == 0 || errno == EISCONN);
    CHECK(connect(dup_fd, (struct sockaddr *)&to, tlen) == -1 && errno == EISCONN);
    close(dup_fd);

    /* Connected, but to another address than asked: still an error,
     * naming both, and the socket stays the caller's. */
    wl_addr other_addr;
    wl_listener *other = wl_listen_on("127.0.0.1:0", &other_addr);
    CHECK_ERR(wl_raw_connect(sock, &other_addr, &conn), EISCONN);
    CHECK_MSG("already connected to");
    CHECK(conn == (wl_conn *)0x1);
    wl_listener_free(other);

    /* For the address asked, the library reports the success it is. */
    CHECK_OK(wl_raw_connect(sock, &addr, &conn));
    CHECK(conn != NULL && conn != (wl_conn *)0x1);
    wl_conn *server = NULL;
    CHECK_OK(wl_listener_accept(listener, &server, NULL));
    CHECK(wl_conn_send(conn, "ok", 2, 0) == 2);
    char buf[2];
    CHECK_OK(wl_socket_set_read_timeout(wl_conn_fd(server), 5000));
    CHECK(wl_conn_recv(server, buf, 2, 0) == 2 && memcmp(buf, "ok", 2) == 0);

    wl_conn_free(server);
    wl_conn_free(conn);
    wl_conn_free(first);
    wl_conn_free(filler);
    wl_listener_free(listener);
    CHECK(signal(SIGUSR1, SIG_DFL) != SIG_ERR);
}

int main(void) {
    wl_test_start(60);
    RUN(interrupted_connect_then_retry_is_connected);
    return wl_test_end("test_connect_eintr");
}
