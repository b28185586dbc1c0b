#pragma once

// FrameReader: cuts the TCP byte stream of one terminal connection into frame bodies.
//
//   stream: | length (2 bytes, big-endian) | frame body (length bytes) | length | ... |
//
// Feed it whatever a non-blocking read returned; it consumes bytes up to the end of the current
// frame and then holds that frame until pop(). It never buffers more than one frame, so its
// memory is bounded by CodecLimits::frame_bytes_max (allocated once, at construction).
//
//   States:   Prefix --2 length bytes, length valid--> Body --length bytes--> Ready
//             Ready --pop()--> Prefix          Prefix --length invalid--> Failed (final)
//
// A length below kFrameBodyBytesMin or above frame_bytes_max is an error: the stream cannot be
// resynchronised, so the caller closes the connection. A length of 0 is not a keep-alive; it is
// refused like any other short frame.
//
// Typical use:
//
//   while (!input.empty()) {
//       auto consumed = reader.feed(input);
//       if (!consumed) { close(); return; }
//       input = input.subspan(*consumed);
//       if (reader.ready()) { handle(reader.frame()); reader.pop(); }
//   }
//
// Thread-safety: none; one reader per connection, used by the thread serving it.

#include "card_core/domain/result.h"
#include "terminal_api/iso8583/codec.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace yika::iso8583 {

class FrameReader {
  public:
    // Precondition: checkLimits(limits) succeeds.
    explicit FrameReader(const CodecLimits& limits);

    // Consumes a prefix of `bytes`, never past the end of the current frame, and returns how
    // many bytes it took (all of them unless a frame completed first). Preconditions: !ready()
    // and !failed().
    // Errors: InvalidArgument if a length prefix is out of range; the reader is then failed.
    Result<std::size_t> feed(std::span<const std::uint8_t> bytes);

    // True when a complete frame body is held.
    bool ready() const { return state_ == State::Ready; }
    // The held frame body, valid until pop(). Precondition: ready().
    std::span<const std::uint8_t> frame() const;
    // Drops the held frame. Precondition: ready().
    void pop();

    bool failed() const { return state_ == State::Failed; }
    // True when part of a frame (some length or body bytes, not yet a whole frame) is buffered:
    // if the peer closes now, its last frame was truncated.
    bool midFrame() const;

  private:
    enum class State : std::uint8_t { Prefix, Body, Ready, Failed };

    CodecLimits limits_;
    State state_ = State::Prefix;
    std::array<std::uint8_t, kLengthPrefixBytes> prefix_{};
    std::size_t prefix_have_ = 0;
    std::size_t body_need_ = 0;
    Bytes body_;
};

}  // namespace yika::iso8583
