#pragma once

// How the POS service answers: the TCP listener implements it (thread-safe: the service
// replies from the writer thread), tests implement it in memory.

#include <cstdint>
#include <span>
#include <vector>

namespace yika::pos {

using ConnectionId = std::uint64_t;

class FrameSink {
  public:
    virtual ~FrameSink() = default;
    // Sends `body` (a frame body, without the 2-byte length) on connection `id`.
    virtual void reply(ConnectionId id, std::vector<std::uint8_t> body) = 0;
    // Closes the connection (after what was already queued).
    virtual void close(ConnectionId id) = 0;
};

}  // namespace yika::pos
