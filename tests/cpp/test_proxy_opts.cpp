// The proxy, multicast and classic-BPF options of wirelane.hpp: a
// source-filtered member hears 127.0.0.1 and not 127.0.0.2, the saved SYN
// is the client's, and CbpfProgram sends connections to the listener of a
// SO_REUSEPORT group the program names (constant, raw instructions, hash).
// SO_ORIGINAL_DST is read behind an nft REDIRECT rule, in user + network
// namespaces a forked child makes (unshare(2); nft from scripts/ensure-tools.sh).
#include "domains.hpp"

#include <net/if.h>
#include <sched.h>
#include <sys/wait.h>

#include <cstdio>
#include <fstream>

namespace {

constexpr int kCbpfGroup = 3;

std::vector<wl::Listener<wl::Ipv4>> cbpf_group() {
    std::vector<wl::Listener<wl::Ipv4>> group;
    std::uint16_t port = 0;
    for (int i = 0; i < kCbpfGroup; i++) {
        auto raw = wl::RawSocket<wl::Ipv4, wl::Stream>::create();
        wl::set_reuse_port(raw, true);
        group.push_back(std::move(raw).bind(wl::SocketAddrV4::localhost(port)).listen(64));
        port = group.back().local_addr().port();
        group.back().set_nonblocking(true);
    }
    return group;
}

std::vector<int> cbpf_spread(const std::vector<wl::Listener<wl::Ipv4>>& group, int n) {
    std::vector<wl::ConnectedStream<wl::Ipv4>> clients;
    for (int i = 0; i < n; i++)
        clients.push_back(wl::RawSocket<wl::Ipv4, wl::Stream>::create().connect(group[0].local_addr()));
    std::vector<int> got;
    int total = 0;
    for (const auto& listener : group) {
        int count = 0;
        while (listener.try_accept()) count++;
        got.push_back(count);
        total += count;
    }
    CHECK_EQ(total, n);
    return got;
}

void proxy_write_file(const char* path, const std::string& text) {
    std::ofstream f(path);
    f << text;
    f.close();
    if (!f) throw std::runtime_error(std::string("cannot write ") + path);
}

// In the forked child: root of fresh user + network namespaces, lo up.
void proxy_enter_namespaces() {
    const auto uid = static_cast<long>(getuid()), gid = static_cast<long>(getgid());
    if (unshare(CLONE_NEWUSER | CLONE_NEWNET) != 0) throw std::runtime_error("unshare failed");
    proxy_write_file("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1");
    proxy_write_file("/proc/self/setgroups", "deny");
    proxy_write_file("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1");
    if (std::system("ip link set lo up") != 0) throw std::runtime_error("ip link set lo up failed");
}

void proxy_nft(const std::string& ruleset) {
    FILE* nft = popen("nft -f -", "w");
    if (nft == nullptr) throw std::runtime_error("cannot run nft (scripts/ensure-tools.sh installs nftables)");
    std::fputs(ruleset.c_str(), nft);
    if (pclose(nft) != 0) throw std::runtime_error("nft rejected:\n" + ruleset);
}

void proxy_redirected_child() {
    proxy_enter_namespaces();
    auto l4 = wl::RawSocket<wl::Ipv4, wl::Stream>::create().bind(wl::SocketAddrV4::localhost(0)).listen(4);
    auto l6 = wl::RawSocket<wl::Ipv6, wl::Stream>::create().bind(wl::SocketAddrV6::localhost(0)).listen(4);
    proxy_nft("table ip wl {\n chain out {\n  type nat hook output priority -100;\n"
                           "  ip daddr 127.0.0.5 tcp dport 9999 redirect to :" +
                           std::to_string(l4.local_addr().port()) +
                           "\n }\n}\ntable ip6 wl {\n chain out {\n  type nat hook output priority -100;\n"
                           "  tcp dport 9999 redirect to :" +
                           std::to_string(l6.local_addr().port()) + "\n }\n}\n");
    const auto dialled4 = wl::SocketAddrV4({127, 0, 0, 5}, 9999);
    auto c4 = wl::RawSocket<wl::Ipv4, wl::Stream>::create().connect(dialled4);
    auto a4 = l4.accept();
    CHECK(a4.local_addr().port() != 9999);
    CHECK(wl::original_dst_v4(a4) == dialled4);
    auto c6 = wl::RawSocket<wl::Ipv6, wl::Stream>::create().connect(wl::SocketAddrV6::localhost(9999));
    auto a6 = l6.accept();
    CHECK(wl::original_dst_v6(a6) == wl::SocketAddrV6::localhost(9999));
}

}  // namespace

WLT_TEST(original_dst_behind_a_redirect_in_a_namespace) {
    // Before the fork: the child must not inherit this process's buffers twice.
    std::fflush(nullptr);
    const pid_t pid = fork();
    CHECK(pid >= 0);
    if (pid == 0) {
        int code = 0;
        try {
            proxy_redirected_child();
        } catch (const std::exception& e) {
            std::fprintf(stderr, "original_dst child: %s\n", e.what());
            code = 1;
        }
        _exit(code);
    }
    int status = 0;
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

WLT_TEST(ssm_member_hears_only_its_source) {
    const std::array<std::uint8_t, 4> group{232, 7, 17, 5}, lo{127, 0, 0, 1};
    auto rx = wl::RawSocket<wl::Ipv4, wl::Datagram>::create().bind(wl::SocketAddrV4::unspecified(0));
    wl::set_multicast_all_v4(rx, false);
    wl::join_ssm_v4(rx, group, lo, lo);
    CHECK_THROWS_ERRC(wl::join_ssm_v4(rx, group, lo, lo), std::errc::address_not_available);
    const auto port = rx.local_addr().port();
    for (std::uint8_t last : {std::uint8_t{2}, std::uint8_t{1}}) {
        auto tx = wl::RawSocket<wl::Ipv4, wl::Datagram>::create().bind(wl::SocketAddrV4({127, 0, 0, last}, 0));
        wl::set_multicast_if_v4(tx, lo);
        CHECK(wl::multicast_if_v4(tx) == lo);
        const char msg[1] = {static_cast<char>(last)};
        CHECK_EQ(tx.send_to(std::string_view(msg, 1), wl::SocketAddrV4(group, port)), 1u);
    }
    rx.set_read_timeout(std::chrono::milliseconds(300));
    char buf[8];
    auto [n, from] = rx.recv_from(buf, sizeof buf);
    CHECK_EQ(n, 1u);
    CHECK_EQ(buf[0], 1);
    CHECK(from.ip() == lo);
    CHECK(rx.try_recv_from(buf, sizeof buf).error() == std::errc::resource_unavailable_try_again);
    wl::leave_ssm_v4(rx, group, lo, lo);
    CHECK_THROWS_ERRC(wl::join_ssm_v4(rx, lo, lo, lo), std::errc::invalid_argument);
    wl::set_multicast_if_v4(rx, {}, if_nametoindex("lo"));
    CHECK(wl::multicast_if_v4(rx) == (std::array<std::uint8_t, 4>{}));
}

WLT_TEST(saved_syn_is_the_clients_syn) {
    auto raw = wl::RawSocket<wl::Ipv4, wl::Stream>::create();
    wl::set_tcp_save_syn(raw, true);
    auto listener = std::move(raw).bind(wl::SocketAddrV4::localhost(0)).listen(4);
    auto client = wl::RawSocket<wl::Ipv4, wl::Stream>::create().connect(listener.local_addr());
    auto server = listener.accept();
    const auto syn = wl::tcp_saved_syn(server);
    CHECK(syn.size() >= 40);
    CHECK_EQ(syn[0] >> 4, 4);
    CHECK_EQ(syn[9], IPPROTO_TCP);
    const std::size_t ihl = static_cast<std::size_t>(syn[0] & 0x0f) * 4;
    CHECK_EQ((syn[ihl] << 8) | syn[ihl + 1], client.local_addr().port());
    CHECK_EQ(syn[ihl + 13] & 0x12, 0x02);  // SYN, not ACK
    CHECK(wl::tcp_saved_syn(server).empty());
}

WLT_TEST(cbpf_programs_pick_the_listener) {
    auto group = cbpf_group();
    wl::attach_reuseport_cbpf(group[0], wl::CbpfProgram::constant(2));
    CHECK(cbpf_spread(group, 9) == (std::vector<int>{0, 0, 9}));
    // Raw instructions: BPF_RET | BPF_K, 1.
    wl::attach_reuseport_cbpf(group[1], wl::CbpfProgram({wl_bpf_insn{0x06, 0, 0, 1}}));
    CHECK(cbpf_spread(group, 9) == (std::vector<int>{0, 9, 0}));
    wl::attach_reuseport_cbpf(group[2], wl::CbpfProgram::steer_by_hash(kCbpfGroup));
    const auto by_hash = cbpf_spread(group, 60);
    CHECK(by_hash[0] > 0 && by_hash[1] > 0 && by_hash[2] > 0);
    CHECK_EQ(wl::CbpfProgram::steer_by_cpu(4).size(), 3u);
    CHECK_THROWS_ERRC(wl::CbpfProgram::steer_by_cpu(0), std::errc::invalid_argument);
    CHECK_THROWS_ERRC(wl::attach_filter(group[0], wl::CbpfProgram({})), std::errc::invalid_argument);
}

WLT_TEST(cbpf_filter_drops_until_detached) {
    auto rx = wl::RawSocket<wl::Ipv4, wl::Datagram>::create().bind(wl::SocketAddrV4::localhost(0));
    auto tx = wl::RawSocket<wl::Ipv4, wl::Datagram>::create().bind(wl::SocketAddrV4::localhost(0));
    rx.set_read_timeout(std::chrono::milliseconds(200));
    wl::attach_filter(rx, wl::CbpfProgram::constant(0));
    CHECK_EQ(tx.send_to("dropped", rx.local_addr()), 7u);
    char buf[16];
    CHECK(rx.try_recv_from(buf, sizeof buf).error() == std::errc::resource_unavailable_try_again);
    wl::detach_filter(rx);
    CHECK_EQ(tx.send_to("kept", rx.local_addr()), 4u);
    CHECK_EQ(rx.recv_from(buf, sizeof buf).first, 4u);
    CHECK_THROWS_ERRC(wl::detach_filter(rx), std::errc::no_such_file_or_directory);
}
