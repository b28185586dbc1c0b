#include "terminal_api/tcp/socket_ops.h"

#include <cerrno>
#include <cstring>
#include <system_error>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace yika::terminal {

namespace {

Error osError(const std::string& what) {
    return makeError(ErrorCode::InvalidArgument,
                     "tcp: " + what + ": " + std::generic_category().message(errno));
}

// Fills `storage` from an IPv4 or IPv6 literal; returns the address length, or 0 if `address`
// is neither.
socklen_t parseAddress(const std::string& address, std::uint16_t port, sockaddr_storage& storage) {
    storage = {};
    auto* v4 = reinterpret_cast<sockaddr_in*>(&storage);
    if (::inet_pton(AF_INET, address.c_str(), &v4->sin_addr) == 1) {
        v4->sin_family = AF_INET;
        v4->sin_port = htons(port);
        return sizeof(sockaddr_in);
    }
    storage = {};
    auto* v6 = reinterpret_cast<sockaddr_in6*>(&storage);
    if (::inet_pton(AF_INET6, address.c_str(), &v6->sin6_addr) == 1) {
        v6->sin6_family = AF_INET6;
        v6->sin6_port = htons(port);
        return sizeof(sockaddr_in6);
    }
    return 0;
}

}  // namespace

Status raiseFileLimit(std::size_t descriptors_needed) {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0) {
        return osError("getrlimit(RLIMIT_NOFILE)");
    }
    if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < limit.rlim_max) {
        rlimit raised = limit;
        raised.rlim_cur = limit.rlim_max;
        // Failure leaves the old soft limit, which the check below judges.
        if (::setrlimit(RLIMIT_NOFILE, &raised) == 0) {
            limit = raised;
        }
    }
    if (limit.rlim_cur != RLIM_INFINITY && limit.rlim_cur < descriptors_needed) {
        return makeError(
            ErrorCode::InvalidArgument,
            "tcp: the open file limit (RLIMIT_NOFILE) is " + std::to_string(limit.rlim_cur) +
                " (hard limit " + std::to_string(limit.rlim_max) +
                ") but tcp.connections_max needs " + std::to_string(descriptors_needed) +
                "; raise the hard limit (systemd LimitNOFILE=, /etc/security/limits.conf, "
                "ulimit -Hn) or lower tcp.connections_max");
    }
    return Ok{};
}

Result<int> openListenSocket(const std::string& address, std::uint16_t port) {
    sockaddr_storage storage{};
    const socklen_t length = parseAddress(address, port, storage);
    if (length == 0) {
        return makeError(ErrorCode::InvalidArgument,
                         "tcp: listen address '" + address + "' is not an IPv4 or IPv6 literal");
    }
    const int fd = ::socket(storage.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) {
        return osError("socket");
    }
    const std::string where = address + " port " + std::to_string(port);
    const int one = 1;
    if (::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0) {
        Error error = osError("setsockopt(SO_REUSEADDR)");
        ::close(fd);
        return error;
    }
    if (::bind(fd, reinterpret_cast<const sockaddr*>(&storage), length) != 0) {
        Error error = osError("bind " + where);
        ::close(fd);
        return error;
    }
    if (::listen(fd, SOMAXCONN) != 0) {
        Error error = osError("listen " + where);
        ::close(fd);
        return error;
    }
    return fd;
}

Result<std::uint16_t> localPort(int fd) {
    sockaddr_storage storage{};
    socklen_t length = sizeof storage;
    if (::getsockname(fd, reinterpret_cast<sockaddr*>(&storage), &length) != 0) {
        return osError("getsockname");
    }
    if (storage.ss_family == AF_INET6) {
        return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage)->sin6_port);
    }
    return ntohs(reinterpret_cast<const sockaddr_in*>(&storage)->sin_port);
}

}  // namespace yika::terminal
