#pragma once

// The few Linux socket and process calls the listener makes outside its loop, with errors turned
// into Status values that name the call and the OS error.

#include "card_core/domain/result.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace yika::terminal {

// Raises the soft RLIMIT_NOFILE of the process to its hard limit (it affects the whole process:
// code that still uses select() must not see descriptors >= FD_SETSIZE). Errors: InvalidArgument
// if the soft limit is then below `descriptors_needed`; the detail says how to raise the hard
// limit.
Status raiseFileLimit(std::size_t descriptors_needed);

// A non-blocking, close-on-exec TCP socket listening on `address` (an IPv4 or IPv6 literal, no
// host names) and `port` (0: an ephemeral port), with SO_REUSEADDR so that a restart does not
// wait for TIME_WAIT. The backlog is SOMAXCONN (the kernel caps it at net.core.somaxconn).
// Ownership of the descriptor passes to the caller.
// Errors: InvalidArgument for a bad address or a failed socket(), bind() or listen().
Result<int> openListenSocket(const std::string& address, std::uint16_t port);

// The local port of a bound socket. Errors: InvalidArgument if getsockname() fails.
Result<std::uint16_t> localPort(int fd);

}  // namespace yika::terminal
