#pragma once

// Mailbox: replies and close requests from any thread to the loop thread.
//
// post() appends under a mutex and writes the eventfd only when the queue goes from empty to
// non-empty, so a group of replies (the database writer completes requests in groups) costs one
// wake-up of the loop however many it holds. takeAll() reads the eventfd *before* it swaps the
// queue out, so a post racing with it either lands in the taken batch or finds the queue empty
// again and writes the eventfd: no wake-up is lost, at worst one is spurious.
//
// Bound: at most commands_max commands wait; beyond that post() drops (the handler answers at
// most connections_max * in_flight_per_connection_max frames, so only a broken handler gets
// there).

#include "card_core/domain/result.h"
#include "terminal_api/tcp/frame_handler.h"

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <vector>

namespace yika::terminal {

struct MailboxCommand {
    ConnectionId id = 0;
    bool close = false;              // close after earlier replies are flushed; body unused
    std::vector<std::uint8_t> body;  // a reply frame body (without the length prefix)
};

class Mailbox {
  public:
    explicit Mailbox(std::size_t commands_max);
    ~Mailbox();  // closes the eventfd
    Mailbox(const Mailbox&) = delete;
    Mailbox& operator=(const Mailbox&) = delete;

    // Creates the eventfd; until then post() drops. Precondition: fd() < 0.
    // Errors: InvalidArgument with the OS error (out of file descriptors).
    Status open();
    // The eventfd, readable while commands wait (or after wake()). -1 before open().
    int fd() const { return event_fd_; }

    // Thread-safe. Queues the command and wakes the loop if the queue was empty. Returns false,
    // dropping the command, if commands_max commands already wait or the mailbox is not open
    // or shut.
    bool post(MailboxCommand command);
    // Thread-safe. Wakes the loop even with nothing queued (stop()).
    void wake();
    // Loop thread. Moves every waiting command into `out` (which the caller has emptied, keeping
    // its capacity) in posting order, and clears the eventfd.
    void takeAll(std::vector<MailboxCommand>& out);
    // Thread-safe. Drops what waits; later posts are dropped too.
    void shut();

  private:
    const std::size_t commands_max_;
    int event_fd_ = -1;
    std::mutex mutex_;
    std::vector<MailboxCommand> commands_;  // guarded by mutex_
    bool shut_ = true;                      // guarded by mutex_; open() opens it
};

}  // namespace yika::terminal
