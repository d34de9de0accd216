// Sockets made inside user + network namespaces the test creates (the C++
// side of ffi-tests/netns.h and tests/common/netns.rs): in_namespaces()
// forks; the child enters fresh namespaces (loopback up, net.ipv4.
// ping_group_range "0 0"; or a user namespace only), runs `make` -- which
// returns a descriptor it created through the C++ API (`into_fd()`) or a
// negative errno -- and passes the descriptor back over SCM_RIGHTS. The
// socket keeps its namespace alive, so this process uses it on that
// namespace's loopback, with no privilege and no change to the host.
#ifndef WLT_KINDS_NETNS_HPP
#define WLT_KINDS_NETNS_HPP

#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>

namespace wlt {

enum class Ns { UserAndNet, UserOnly };

inline void ns_write(const char* path, const std::string& text) {
    const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || ::write(fd, text.data(), text.size()) != static_cast<ssize_t>(text.size())) {
        std::fprintf(stderr, "netns: cannot write %s: %s\n", path, std::strerror(errno));
        ::_exit(127);
    }
    ::close(fd);
}

inline void ns_enter(Ns mode, uid_t uid, gid_t gid) {
    if (::unshare(CLONE_NEWUSER | (mode == Ns::UserAndNet ? CLONE_NEWNET : 0)) != 0) {
        std::fprintf(stderr, "netns: unshare: %s (unprivileged user namespaces disabled?)\n", std::strerror(errno));
        ::_exit(127);
    }
    ns_write("/proc/self/setgroups", "deny");
    ns_write("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1");
    ns_write("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1");
    if (mode != Ns::UserAndNet) return;
    const int s = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ifreq ifr{};
    std::strcpy(ifr.ifr_name, "lo");
    if (s < 0 || ::ioctl(s, SIOCGIFFLAGS, &ifr) != 0) ::_exit(127);
    ifr.ifr_flags = static_cast<short>(ifr.ifr_flags | IFF_UP);
    if (::ioctl(s, SIOCSIFFLAGS, &ifr) != 0) ::_exit(127);
    ::close(s);
    ns_write("/proc/sys/net/ipv4/ping_group_range", "0 0");
}

// The descriptor `make()` created in the namespaces, or its negative errno.
template <class Make>
int in_namespaces(Ns mode, Make make) {
    int sv[2];
    if (::socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) != 0) throw std::runtime_error("socketpair");
    const uid_t uid = ::getuid();
    const gid_t gid = ::getgid();
    const pid_t pid = ::fork();
    if (pid < 0) throw std::runtime_error("fork");
    alignas(cmsghdr) char cbuf[CMSG_SPACE(sizeof(int))] = {};
    int rc = 0;
    iovec iov{&rc, sizeof rc};
    msghdr msg{};
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    if (pid == 0) {
        ::close(sv[0]);
        ns_enter(mode, uid, gid);
        int fd = -1;
        try {
            fd = make();
        } catch (const std::system_error& e) {
            fd = -e.code().value();
        } catch (...) {
            ::_exit(125);
        }
        rc = fd < 0 ? fd : 0;
        if (fd >= 0) {
            msg.msg_control = cbuf;
            msg.msg_controllen = sizeof cbuf;
            cmsghdr* c = CMSG_FIRSTHDR(&msg);
            c->cmsg_level = SOL_SOCKET;
            c->cmsg_type = SCM_RIGHTS;
            c->cmsg_len = CMSG_LEN(sizeof(int));
            std::memcpy(CMSG_DATA(c), &fd, sizeof fd);
        }
        ::_exit(::sendmsg(sv[1], &msg, 0) == static_cast<ssize_t>(sizeof rc) ? 0 : 126);
    }
    ::close(sv[1]);
    msg.msg_control = cbuf;
    msg.msg_controllen = sizeof cbuf;
    const ssize_t n = ::recvmsg(sv[0], &msg, MSG_CMSG_CLOEXEC);
    ::close(sv[0]);
    int status = 0;
    ::waitpid(pid, &status, 0);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || n != static_cast<ssize_t>(sizeof rc))
        throw std::runtime_error("the namespaced child failed, status " + std::to_string(status));
    if (rc < 0) return rc;
    int fd = -1;
    cmsghdr* c = CMSG_FIRSTHDR(&msg);
    if (c == nullptr || c->cmsg_type != SCM_RIGHTS) throw std::runtime_error("no descriptor from the child");
    std::memcpy(&fd, CMSG_DATA(c), sizeof fd);
    return fd;
}

}  // namespace wlt

#endif
