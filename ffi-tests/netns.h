/*
 * netns.h -- sockets made inside user + network namespaces the test
 * creates itself, for the C tests of ICMP echo and raw IP sockets (the
 * C side of tests/common/netns.rs and scripts/in-netns.sh).
 *
 * wl_in_namespaces(mode, make) forks; the child enters fresh namespaces
 * (WL_NS_USER_AND_NET: a user and a network namespace, loopback up,
 * net.ipv4.ping_group_range = "0 0"; WL_NS_USER_ONLY: a user namespace
 * only, so root there but with no capability over the host's network
 * namespace), calls make() -- which creates a socket through the C ABI and
 * returns its descriptor (wl_*_into_fd) or a negative errno -- and passes
 * the descriptor back over SCM_RIGHTS. A socket keeps the network
 * namespace it was created in alive and bound to it, so the parent (this
 * test, under ASan or valgrind too) then uses it on the namespace's own
 * loopback, with no privilege and no change to the host.
 *
 * Returns the descriptor, or the child's negative errno; any failure to
 * set the namespaces up fails the test (never a silent skip).
 */
#ifndef WL_NETNS_H
#define WL_NETNS_H

#define _GNU_SOURCE
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#include "check.h"

enum wl_ns_mode { WL_NS_USER_AND_NET, WL_NS_USER_ONLY };

static inline void wl_ns_write(const char *path, const char *text) {
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text)) {
        fprintf(stderr, "netns: cannot write \"%s\" to %s: %s\n", text, path, strerror(errno));
        _exit(127);
    }
    close(fd);
}

static inline void wl_ns_enter(enum wl_ns_mode mode, uid_t uid, gid_t gid) {
    int flags = CLONE_NEWUSER | (mode == WL_NS_USER_AND_NET ? CLONE_NEWNET : 0);
    char map[64];
    if (unshare(flags) != 0) {
        fprintf(stderr, "netns: unshare failed: %s (unprivileged user namespaces disabled?)\n", strerror(errno));
        _exit(127);
    }
    wl_ns_write("/proc/self/setgroups", "deny");
    snprintf(map, sizeof map, "0 %ld 1", (long)uid);
    wl_ns_write("/proc/self/uid_map", map);
    snprintf(map, sizeof map, "0 %ld 1", (long)gid);
    wl_ns_write("/proc/self/gid_map", map);
    if (mode != WL_NS_USER_AND_NET) {
        return;
    }
    /* Loopback up (ip link set lo up), then ICMP echo sockets for group 0. */
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    struct ifreq ifr;
    memset(&ifr, 0, sizeof ifr);
    strcpy(ifr.ifr_name, "lo");
    if (s < 0 || ioctl(s, SIOCGIFFLAGS, &ifr) != 0 ||
        (ifr.ifr_flags |= IFF_UP, ioctl(s, SIOCSIFFLAGS, &ifr) != 0)) {
        fprintf(stderr, "netns: cannot bring lo up: %s\n", strerror(errno));
        _exit(127);
    }
    close(s);
    wl_ns_write("/proc/sys/net/ipv4/ping_group_range", "0 0");
}

static inline int wl_in_namespaces(enum wl_ns_mode mode, int (*make)(void)) {
    int sv[2];
    uid_t uid = getuid();
    gid_t gid = getgid();
    CHECK(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) == 0);
    pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        close(sv[0]);
        wl_ns_enter(mode, uid, gid);
        int fd = make();
        int rc = fd < 0 ? fd : 0;
        char cbuf[CMSG_SPACE(sizeof(int))];
        struct iovec iov = {&rc, sizeof rc};
        struct msghdr msg;
        memset(&msg, 0, sizeof msg);
        memset(cbuf, 0, sizeof cbuf);
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        if (fd >= 0) {
            msg.msg_control = cbuf;
            msg.msg_controllen = sizeof cbuf;
            struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
            c->cmsg_level = SOL_SOCKET;
            c->cmsg_type = SCM_RIGHTS;
            c->cmsg_len = CMSG_LEN(sizeof(int));
            memcpy(CMSG_DATA(c), &fd, sizeof fd);
        }
        _exit(sendmsg(sv[1], &msg, 0) == (ssize_t)sizeof rc ? 0 : 126);
    }
    close(sv[1]);
    int rc = 0, fd = -1, status = 0;
    char cbuf[CMSG_SPACE(sizeof(int))];
    struct iovec iov = {&rc, sizeof rc};
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = cbuf;
    msg.msg_controllen = sizeof cbuf;
    ssize_t n = recvmsg(sv[0], &msg, MSG_CMSG_CLOEXEC);
    close(sv[0]);
    CHECK(waitpid(pid, &status, 0) == pid);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || n != (ssize_t)sizeof rc) {
        fprintf(stderr, "netns: the namespaced child failed (status %d)\n", status);
        exit(1);
    }
    if (rc < 0) {
        return rc;
    }
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    CHECK(c != NULL && c->cmsg_type == SCM_RIGHTS);
    memcpy(&fd, CMSG_DATA(c), sizeof fd);
    return fd;
}

#endif
