#include "terminal_api/tcp/mailbox.h"

#include "card_core/domain/assert.h"

#include <cerrno>
#include <string>
#include <system_error>
#include <utility>

#include <sys/eventfd.h>
#include <unistd.h>

namespace yika::terminal {

Mailbox::Mailbox(std::size_t commands_max) : commands_max_(commands_max) {
    YIKA_ASSERT(commands_max > 0);
}

Mailbox::~Mailbox() {
    if (event_fd_ >= 0) {
        ::close(event_fd_);
    }
}

Status Mailbox::open() {
    YIKA_ASSERT(event_fd_ < 0);
    event_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (event_fd_ < 0) {
        return makeError(ErrorCode::InvalidArgument,
                         "tcp: eventfd: " + std::generic_category().message(errno));
    }
    std::lock_guard lock(mutex_);
    shut_ = false;
    return Ok{};
}

bool Mailbox::post(MailboxCommand command) {
    bool was_empty = false;
    {
        std::lock_guard lock(mutex_);
        if (shut_ || commands_.size() >= commands_max_) {
            return false;
        }
        was_empty = commands_.empty();
        commands_.push_back(std::move(command));
    }
    if (was_empty) {
        wake();
    }
    return true;
}

void Mailbox::wake() {
    YIKA_ASSERT(event_fd_ >= 0);
    const std::uint64_t one = 1;
    // EAGAIN means the counter is at its maximum, i.e. a wake-up is pending anyway.
    const ssize_t written = ::write(event_fd_, &one, sizeof one);
    YIKA_ASSERT(written == static_cast<ssize_t>(sizeof one) || errno == EAGAIN);
}

void Mailbox::takeAll(std::vector<MailboxCommand>& out) {
    YIKA_ASSERT(out.empty());
    std::uint64_t count = 0;
    // Cleared before the swap: see the header for why this order loses no wake-up. EAGAIN means
    // the counter was already zero (a spurious wake-up).
    const ssize_t got = ::read(event_fd_, &count, sizeof count);
    YIKA_ASSERT(got == static_cast<ssize_t>(sizeof count) || errno == EAGAIN);
    std::lock_guard lock(mutex_);
    out.swap(commands_);
}

void Mailbox::shut() {
    std::vector<MailboxCommand> dropped;
    {
        std::lock_guard lock(mutex_);
        shut_ = true;
        dropped.swap(commands_);
    }
    // `dropped` frees the reply bodies outside the lock.
}

}  // namespace yika::terminal
