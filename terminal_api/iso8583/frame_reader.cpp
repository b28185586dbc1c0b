#include "terminal_api/iso8583/frame_reader.h"

#include "card_core/domain/assert.h"

#include <algorithm>
#include <string>

namespace yika::iso8583 {

FrameReader::FrameReader(const CodecLimits& limits) : limits_(limits) {
    YIKA_ASSERT(checkLimits(limits).ok());
    body_.reserve(limits.frame_bytes_max);
}

Result<std::size_t> FrameReader::feed(std::span<const std::uint8_t> bytes) {
    YIKA_ASSERT(state_ == State::Prefix || state_ == State::Body);
    std::size_t consumed = 0;
    // Each pass consumes at least one byte, so the loop ends within bytes.size() passes.
    while (consumed < bytes.size() && state_ != State::Ready) {
        if (state_ == State::Prefix) {
            prefix_[prefix_have_++] = bytes[consumed++];
            if (prefix_have_ < kLengthPrefixBytes) {
                continue;
            }
            const std::size_t length = static_cast<std::size_t>(prefix_[0]) << 8 | prefix_[1];
            if (length < kFrameBodyBytesMin || length > limits_.frame_bytes_max) {
                state_ = State::Failed;
                return makeError(ErrorCode::InvalidArgument,
                                 "frame: length " + std::to_string(length) + " is outside [" +
                                     std::to_string(kFrameBodyBytesMin) + ", " +
                                     std::to_string(limits_.frame_bytes_max) + "]");
            }
            body_need_ = length;
            body_.clear();
            state_ = State::Body;
            continue;
        }
        const std::size_t take = std::min(body_need_ - body_.size(), bytes.size() - consumed);
        const auto first = bytes.begin() + static_cast<std::ptrdiff_t>(consumed);
        body_.insert(body_.end(), first, first + static_cast<std::ptrdiff_t>(take));
        consumed += take;
        if (body_.size() == body_need_) {
            state_ = State::Ready;
        }
    }
    return consumed;
}

std::span<const std::uint8_t> FrameReader::frame() const {
    YIKA_ASSERT(state_ == State::Ready);
    return body_;
}

void FrameReader::pop() {
    YIKA_ASSERT(state_ == State::Ready);
    state_ = State::Prefix;
    prefix_have_ = 0;
    body_need_ = 0;
    body_.clear();
}

bool FrameReader::midFrame() const {
    return state_ == State::Body || (state_ == State::Prefix && prefix_have_ > 0);
}

}  // namespace yika::iso8583
