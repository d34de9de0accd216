/* Socket activation (wl_activation_listen_fds, typed takes with kind
 * checks, sd_notify) and listener handover to a successor process
 * (wl_handover_spawn re-executes this program with --successor). */
#define _GNU_SOURCE
#include "check.h"

#include <sys/wait.h>

static const char *self_path;

/* A copy of `fd` above the range activation uses, so that the original
 * can be closed (it may itself be 3 or 4). */
static int high_copy(int fd) {
    int high = fcntl(fd, F_DUPFD, 100);
    CHECK(high >= 100);
    return high;
}

/* Places the descriptors `high` (from high_copy, closed here) at 3, 4,
 * ... the way a service manager does (in a forked child: it owns its
 * descriptor table) and sets the variables. */
static void pass_like_systemd(const int *high, int n, const char *names, int pid) {
    for (int i = 0; i < n; i++) {
        CHECK(dup2(high[i], 3 + i) == 3 + i);
        close(high[i]);
    }
    char buf[32];
    snprintf(buf, sizeof buf, "%d", pid);
    CHECK(setenv("LISTEN_PID", buf, 1) == 0);
    snprintf(buf, sizeof buf, "%d", n);
    CHECK(setenv("LISTEN_FDS", buf, 1) == 0);
    if (names != NULL) {
        CHECK(setenv("LISTEN_FDNAMES", names, 1) == 0);
    } else {
        unsetenv("LISTEN_FDNAMES");
    }
}

/* Runs `body` in a forked child and checks it exited 0. */
static void in_child(void (*body)(void)) {
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        body();
        _exit(0);
    }
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

static wl_dgram *udp_v4(void) {
    wl_addr a = wl_parse("127.0.0.1:0");
    wl_raw *raw = NULL;
    wl_dgram *d = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_DGRAM, &raw));
    CHECK_OK(wl_raw_bind_dgram(raw, &a, &d));
    return d;
}

static wl_dgram_conn *udp_v4_connected(void) {
    wl_addr to = wl_parse("127.0.0.1:9");
    wl_raw *raw = NULL;
    wl_dgram_conn *c = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_DGRAM, &raw));
    CHECK_OK(wl_raw_connect_dgram(raw, &to, &c));
    return c;
}

static void activated_child(void) {
    wl_addr addr;
    wl_listener *web = wl_listen_on("127.0.0.1:0", &addr);
    wl_dgram *dns = udp_v4();
    wl_dgram_conn *peer = udp_v4_connected();
    int fds[3] = {high_copy(wl_listener_fd(web)), high_copy(wl_dgram_fd(dns)), high_copy(wl_dgram_conn_fd(peer))};
    wl_listener_free(web);
    wl_dgram_free(dns);
    wl_dgram_conn_free(peer);
    pass_like_systemd(fds, 3, "web:dns:peer", getpid());

    wl_inherited *set = NULL;
    CHECK_OK(wl_activation_listen_fds(true, &set));
    CHECK(getenv("LISTEN_FDS") == NULL && getenv("LISTEN_PID") == NULL);
    CHECK(wl_inherited_count(set) == 3);
    char name[8];
    CHECK(wl_inherited_name(set, 1, name, sizeof name) == 3 && strcmp(name, "dns") == 0);
    CHECK(wl_inherited_name(set, 0, NULL, 0) == 3);
    CHECK_ERR(wl_inherited_name(set, 3, name, sizeof name), EINVAL);
    CHECK(wl_inherited_index_of(set, "dns") == 1);
    CHECK_ERR(wl_inherited_index_of(set, "nope"), ENOENT);
    CHECK_MSG("no descriptor named \"nope\" (names: [\"web\", \"dns\", \"peer\"])");
    CHECK(wl_inherited_fd(set, 0) == 3 && wl_inherited_fd(set, 1) == 4);
    CHECK(fcntl(3, F_GETFD) & FD_CLOEXEC);
    CHECK(fcntl(4, F_GETFD) & FD_CLOEXEC);
    CHECK(fcntl(5, F_GETFD) & FD_CLOEXEC);

    /* Wrong kinds: the descriptor stays in the set, the message names it. */
    wl_listener *l = NULL;
    CHECK(wl_inherited_take_listener(set, 1, 0, &l) < 0);
    CHECK_MSG("LISTEN_FDS: fd 4 (\"dns\") is an AF_INET (IPv4) datagram socket; cannot adopt it as wl_listener");
    CHECK(l == NULL);
    CHECK_ERR(wl_inherited_take_listener_named(set, "web", AF_INET6, &l), EAFNOSUPPORT);
    CHECK_MSG("fd 3 (\"web\") is a listening AF_INET (IPv4) stream socket; cannot adopt it as "
              "wl_listener of AF_INET6 (IPv6): its domain is AF_INET (IPv4)");
    CHECK_ERR(wl_inherited_take_listener(set, 0, 12345, &l), EAFNOSUPPORT);
    CHECK_ERR(wl_inherited_take_listener(set, 0, 0, NULL), EINVAL);
    CHECK_ERR(wl_inherited_take_listener(NULL, 0, 0, &l), EINVAL);

    /* Right kinds. */
    CHECK_OK(wl_inherited_take_listener_named(set, "web", AF_INET, &l));
    CHECK(wl_domain_of(wl_listener_fd(l)) == AF_INET);
    CHECK_ERR(wl_inherited_take_listener(set, 0, 0, &l), EINVAL);
    CHECK_MSG("was already taken");
    wl_dgram *d = NULL;
    CHECK_OK(wl_inherited_take_dgram(set, 1, AF_INET, &d));
    wl_dgram_conn *c = NULL;
    CHECK_ERR(wl_inherited_take_dgram_conn(set, 1, 0, &c), EINVAL); /* taken already */
    CHECK_OK(wl_inherited_take_dgram_conn(set, 2, AF_INET, &c));
    wl_dgram_conn_free(c);
    wl_inherited_free(set);

    /* The adopted listener serves. */
    wl_addr local;
    CHECK_OK(wl_socket_local_addr(wl_listener_fd(l), &local));
    wl_raw *raw = NULL;
    wl_conn *client = NULL, *server = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &raw));
    CHECK_OK(wl_raw_connect(raw, &local, &client));
    CHECK_OK(wl_listener_accept(l, &server, NULL));
    CHECK(wl_conn_send(client, "hi", 2, 0) == 2);
    char buf[2];
    CHECK(wl_conn_recv(server, buf, 2, 0) == 2 && memcmp(buf, "hi", 2) == 0);
    wl_conn_free(client);
    wl_conn_free(server);
    wl_listener_free(l);
    wl_dgram_free(d);
    CHECK(!wl_fd_is_open(3) && !wl_fd_is_open(4) && !wl_fd_is_open(5));
}

static void not_a_socket_child(void) {
    int p[2];
    CHECK(pipe(p) == 0);
    int high[1] = {high_copy(p[0])};
    close(p[0]);
    close(p[1]);
    pass_like_systemd(high, 1, NULL, getpid());
    wl_inherited *set = NULL;
    CHECK_OK(wl_activation_listen_fds(true, &set));
    char name[16];
    CHECK(wl_inherited_name(set, 0, name, sizeof name) == 7 && strcmp(name, "unknown") == 0);
    wl_listener *l = NULL;
    CHECK_ERR(wl_inherited_take_listener(set, 0, 0, &l), ENOTSOCK);
    CHECK_MSG("fd 3 (\"unknown\") is a pipe (FIFO), not a socket");
    wl_inherited_free(set);
    CHECK(!wl_fd_is_open(3));
}

static void environment_errors_child(void) {
    wl_inherited *set = NULL;
    unsetenv("LISTEN_PID");
    unsetenv("LISTEN_FDS");
    CHECK_ERR(wl_activation_listen_fds(true, &set), ENOENT);
    CHECK_MSG("LISTEN_PID is not set: this process was not started by socket activation");
    CHECK(setenv("LISTEN_PID", "1", 1) == 0 && setenv("LISTEN_FDS", "1", 1) == 0);
    CHECK_ERR(wl_activation_listen_fds(false, &set), EINVAL);
    CHECK_MSG("LISTEN_PID=1 names another process");
    CHECK(getenv("LISTEN_PID") != NULL); /* false: left in place */
    char pid[16];
    snprintf(pid, sizeof pid, "%d", getpid());
    CHECK(setenv("LISTEN_PID", pid, 1) == 0 && setenv("LISTEN_FDS", "1", 1) == 0);
    close(3);
    CHECK_ERR(wl_activation_listen_fds(true, &set), EBADF);
    CHECK_MSG("LISTEN_FDS=1 but fd 3 (\"unknown\") is not open");
    CHECK(getenv("LISTEN_PID") == NULL);
    CHECK_ERR(wl_activation_listen_fds(true, NULL), EINVAL);
    CHECK(set == NULL);
}

static void activation(void) {
    in_child(activated_child);
    in_child(not_a_socket_child);
    in_child(environment_errors_child);
}

static void notify(void) {
    char path[64];
    wl_unique_path(path, sizeof path);
    wl_addr a;
    CHECK_OK(wl_addr_unix(path, &a));
    wl_raw *raw = NULL;
    wl_dgram *server = NULL;
    CHECK_OK(wl_raw_new(AF_UNIX, SOCK_DGRAM, &raw));
    CHECK_OK(wl_raw_bind_dgram(raw, &a, &server));
    CHECK_OK(wl_socket_set_read_timeout(wl_dgram_fd(server), 5000));
    char buf[64];
    CHECK_OK(wl_activation_notify_to(path, "READY=1"));
    CHECK(wl_dgram_recv_from(server, buf, sizeof buf, NULL, 0) == 7 && memcmp(buf, "READY=1", 7) == 0);

    CHECK(setenv("NOTIFY_SOCKET", path, 1) == 0);
    CHECK(wl_activation_notify("STOPPING=1") == 1);
    CHECK(wl_dgram_recv_from(server, buf, sizeof buf, NULL, 0) == 10 && memcmp(buf, "STOPPING=1", 10) == 0);
    CHECK_ERR(wl_activation_notify(""), EINVAL);
    CHECK_MSG("sd_notify state is empty");
    CHECK_ERR(wl_activation_notify(NULL), EINVAL);
    unsetenv("NOTIFY_SOCKET");
    CHECK(wl_activation_notify("READY=1") == 0);
    CHECK_ERR(wl_activation_notify_to("relative", "READY=1"), EINVAL);
    CHECK_MSG("neither an absolute path nor an abstract name");
    wl_dgram_free(server);
    unlink(path);
}

/* The successor: adopt, acknowledge, serve one echo, exit. */
static int successor(void) {
    wl_conn *channel = NULL;
    if (wl_handover_channel_from_env(&channel) != 1) return 10;
    if (getenv("WIRELANE_HANDOVER_FD") != NULL) return 11;
    wl_inherited *set = NULL;
    if (wl_handover_receive(channel, &set) != 0) return 12;
    if (wl_inherited_count(set) != 3) return 13;
    wl_listener *l = NULL;
    wl_dgram *d = NULL;
    if (wl_inherited_take_dgram(set, 0, 0, &d) != -EPROTOTYPE) return 14; /* "web" is a listener */
    if (wl_inherited_take_listener_named(set, "web", AF_INET, &l) != 0) return 15;
    if (wl_inherited_take_dgram_named(set, "dns", AF_INET, &d) != 0) return 16;
    wl_dgram_conn *peer = NULL;
    if (wl_inherited_take_dgram_conn_named(set, "dns", 0, &peer) != -EINVAL) return 20; /* taken */
    if (wl_inherited_take_dgram_conn_named(set, "peer", AF_INET, &peer) != 0) return 21;
    wl_dgram_conn_free(peer);
    wl_inherited_free(set);
    if (wl_handover_acknowledge(channel) != 0) return 17;
    wl_conn_free(channel);
    wl_conn *conn = NULL;
    if (wl_listener_accept(l, &conn, NULL) != 0) return 18;
    char buf[16];
    long n = wl_conn_recv(conn, buf, sizeof buf, 0);
    if (n <= 0 || wl_conn_send(conn, buf, (size_t)n, 0) != n) return 19;
    wl_conn_free(conn);
    wl_listener_free(l);
    wl_dgram_free(d);
    return 0;
}

static void handover_to_a_process(void) {
    wl_addr addr;
    wl_listener *web = wl_listen_on("127.0.0.1:0", &addr);
    wl_dgram *dns = udp_v4();
    wl_dgram_conn *peer = udp_v4_connected();
    const char *argv[] = {"test_activation", "--successor", NULL};
    pid_t pid = -1;
    wl_conn *channel = NULL;
    CHECK_OK(wl_handover_spawn(self_path, argv, &pid, &channel));
    CHECK(pid > 0);
    wl_handover *h = NULL;
    CHECK_OK(wl_handover_new(&h));
    CHECK(wl_handover_add_listener(h, "web", web) == 1);
    CHECK(wl_handover_add_dgram(h, "dns", dns) == 2);
    CHECK(wl_handover_add_dgram_conn(h, "peer", peer) == 3);
    CHECK_ERR(wl_handover_add_listener(h, "x", NULL), EINVAL);
    CHECK_OK(wl_handover_send(h, channel)); /* returns once adopted */
    wl_handover_free(h);
    wl_conn_free(channel);
    /* Stop accepting: the successor's descriptor keeps the socket. */
    wl_listener_free(web);
    wl_dgram_free(dns);
    wl_dgram_conn_free(peer);

    wl_raw *raw = NULL;
    wl_conn *client = NULL;
    CHECK_OK(wl_raw_new(AF_INET, SOCK_STREAM, &raw));
    CHECK_OK(wl_raw_connect(raw, &addr, &client)); /* not refused */
    CHECK_OK(wl_socket_set_read_timeout(wl_conn_fd(client), 10000));
    CHECK(wl_conn_send(client, "ping", 4, 0) == 4);
    char buf[4];
    CHECK(wl_conn_recv(client, buf, 4, 0) == 4 && memcmp(buf, "ping", 4) == 0);
    wl_conn_free(client);
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "successor exited with status %#x\n", status);
        exit(1);
    }
}

static void handover_errors(void) {
    wl_handover *h = NULL;
    wl_conn *a = NULL, *b = NULL;
    CHECK_OK(wl_handover_new(&h));
    CHECK_OK(wl_conn_pair(&a, &b));
    CHECK_ERR(wl_handover_send(h, a), EINVAL);
    CHECK_MSG("a handover carries 1 to 253 sockets, not 0");
    CHECK_ERR(wl_handover_send(NULL, a), EINVAL);

    /* The successor closes without acknowledging. */
    wl_addr addr;
    wl_listener *web = wl_listen_on("127.0.0.1:0", &addr);
    CHECK(wl_handover_add_listener(h, "web", web) == 1);
    wl_inherited *set = NULL;
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        wl_conn_free(a);
        int rc = wl_handover_receive(b, &set);
        wl_inherited_free(set);
        wl_conn_free(b);
        _exit(rc == 0 ? 0 : 1);
    }
    wl_conn_free(b);
    CHECK_ERR(wl_handover_send(h, a), ENODATA);
    CHECK_MSG("successor closed the handover channel without adopting the sockets");
    int status = 0;
    CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0);
    wl_conn_free(a);

    /* A TCP channel; a closed one; no successor environment. */
    wl_conn *client = NULL, *server = NULL;
    wl_stream_pair("127.0.0.1:0", &client, &server);
    CHECK_ERR(wl_handover_receive(client, &set), EAFNOSUPPORT);
    CHECK_ERR(wl_handover_acknowledge(client), EAFNOSUPPORT);
    wl_conn_free(client);
    wl_conn_free(server);
    CHECK_OK(wl_conn_pair(&a, &b));
    wl_conn_free(a);
    CHECK_ERR(wl_handover_receive(b, &set), ENODATA);
    CHECK_MSG("handover channel closed before the predecessor sent its sockets");
    wl_conn_free(b);

    unsetenv("WIRELANE_HANDOVER_FD");
    CHECK(wl_handover_channel_from_env(&a) == 0);
    CHECK(setenv("WIRELANE_HANDOVER_FD", "abc", 1) == 0);
    CHECK_ERR(wl_handover_channel_from_env(&a), EINVAL);
    CHECK_MSG("WIRELANE_HANDOVER_FD=\"abc\" is not a descriptor number");
    CHECK(getenv("WIRELANE_HANDOVER_FD") == NULL);

    pid_t none = -1;
    const char *empty[] = {NULL};
    CHECK_ERR(wl_handover_spawn(self_path, empty, &none, &a), EINVAL);
    CHECK_MSG("argv is empty");
    const char *argv[] = {"x", NULL};
    CHECK_ERR(wl_handover_spawn("/nonexistent/successor", argv, &none, &a), ENOENT);
    CHECK(none == -1);

    wl_handover_free(h);
    wl_listener_free(web);
}

int main(int argc, char **argv) {
    if (argc > 1 && strcmp(argv[1], "--successor") == 0) {
        return successor();
    }
    self_path = "/proc/self/exe";
    char resolved[4096];
    ssize_t n = readlink("/proc/self/exe", resolved, sizeof resolved - 1);
    if (n > 0) {
        resolved[n] = 0;
        self_path = resolved;
    }
    wl_test_start(60);
    RUN(activation);
    RUN(notify);
    RUN(handover_to_a_process);
    RUN(handover_errors);
    return wl_test_end("test_activation");
}
