/* wl_listener_try_clone: a second, close-on-exec handle to one listening
 * socket; both accept, and the socket listens until both are freed. */
#define _GNU_SOURCE
#include "check.h"

static void clone_accepts_and_outlives_the_original(void) {
    wl_addr addr;
    wl_listener *listener = wl_listen_on("127.0.0.1:0", &addr);
    wl_listener *copy = NULL;
    CHECK_OK(wl_listener_try_clone(listener, &copy));
    CHECK(copy != NULL && copy != listener);
    int fd = wl_listener_fd(listener), fd2 = wl_listener_fd(copy);
    CHECK(fd2 >= 0 && fd2 != fd);
    CHECK(fcntl(fd2, F_GETFD) & FD_CLOEXEC);
    /* The same socket: the same local address. */
    wl_addr local;
    CHECK_OK(wl_socket_local_addr(fd2, &local));
    CHECK(wl_addr_port(&local) == wl_addr_port(&addr));

    /* The copy accepts a connection made while both exist. */
    wl_raw *raw = NULL;
    wl_conn *client = NULL, *server = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &raw));
    CHECK_OK(wl_raw_connect(raw, &addr, &client));
    CHECK_OK(wl_listener_accept(copy, &server, NULL));
    wl_conn_free(server);
    wl_conn_free(client);

    /* Freeing the original leaves the socket listening through the copy. */
    wl_listener_free(listener);
    raw = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &raw));
    CHECK_OK(wl_raw_connect(raw, &addr, &client));
    CHECK_OK(wl_listener_accept(copy, &server, NULL));
    CHECK(wl_conn_send(client, "hi", 2, 0) == 2);
    char buf[2];
    CHECK(wl_conn_recv(server, buf, 2, 0) == 2 && memcmp(buf, "hi", 2) == 0);
    wl_conn_free(server);
    wl_conn_free(client);
    wl_listener_free(copy);

    /* Once both are gone, nobody listens. */
    raw = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &raw));
    CHECK_ERR(wl_raw_connect(raw, &addr, &client), ECONNREFUSED);
    wl_raw_free(raw);
}

static void clone_of_a_unix_listener_shares_nonblocking_mode(void) {
    char path[108];
    wl_unique_path(path, sizeof path);
    wl_addr want;
    CHECK_OK(wl_addr_unix(path, &want));
    wl_raw *raw = NULL;
    wl_bound *bound = NULL;
    wl_listener *listener = NULL, *copy = NULL;
    CHECK_OK(wl_raw_new(AF_UNIX, SOCK_STREAM, &raw));
    CHECK_OK(wl_raw_bind(raw, &want, &bound));
    CHECK_OK(wl_bound_listen(bound, 4, &listener));
    CHECK_OK(wl_listener_try_clone(listener, &copy));
    CHECK(wl_domain_of(wl_listener_fd(copy)) == AF_UNIX);
    /* One open file description: O_NONBLOCK set on one shows on the other. */
    CHECK_OK(wl_socket_set_nonblocking(wl_listener_fd(listener), true));
    CHECK(wl_socket_is_nonblocking(wl_listener_fd(copy)) == 1);
    wl_conn *conn = (wl_conn *)0x1;
    CHECK_ERR(wl_listener_accept(copy, &conn, NULL), EAGAIN);
    CHECK(conn == (wl_conn *)0x1);
    wl_listener_free(listener);
    wl_listener_free(copy);
    unlink(path);
}

static void bad_arguments_are_refused(void) {
    wl_addr addr;
    wl_listener *listener = wl_listen_on("127.0.0.1:0", &addr);
    wl_listener *copy = (wl_listener *)0x1;
    CHECK_ERR(wl_listener_try_clone(NULL, &copy), EINVAL);
    CHECK(copy == (wl_listener *)0x1);
    CHECK_ERR(wl_listener_try_clone(listener, NULL), EINVAL);
    wl_listener_free(listener);
}

int main(void) {
    wl_test_start(60);
    RUN(clone_accepts_and_outlives_the_original);
    RUN(clone_of_a_unix_listener_shares_nonblocking_mode);
    RUN(bad_arguments_are_refused);
    return wl_test_end("test_listener_clone");
}
