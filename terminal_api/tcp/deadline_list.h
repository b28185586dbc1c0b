#pragma once

// DeadlineList: the timers of one kind (idle, or slow frame) for every connection, as an intrusive
// doubly linked list ordered by deadline.
//
// Every timer of a list has the same timeout, and the loop's clock never goes back, so a timer
// (re)started now always belongs at the back: starting, restarting and stopping a timer are O(1)
// pointer updates with no allocation, and the expired timers are exactly a prefix of the list.
// A sweep therefore costs O(expired + 1), not O(connections).
//
//   front (earliest deadline) <-> ... <-> back (latest deadline)
//
// Invariants:
//   1. deadline(link) <= deadline(link->next) for every linked link.
//   2. A link is in at most one list, and list() names it.
//   3. A link is never destroyed while linked (asserted): its owner unlinks it first.
//
// Thread-safety: none; the loop thread owns every list and link.

#include "card_core/domain/assert.h"

#include <cstddef>
#include <cstdint>

namespace yika::terminal {

template <typename Owner>
class DeadlineList;

template <typename Owner>
class DeadlineLink {
  public:
    explicit DeadlineLink(Owner& owner) : owner_(&owner) {}
    ~DeadlineLink() { YIKA_ASSERT(list_ == nullptr); }
    DeadlineLink(const DeadlineLink&) = delete;
    DeadlineLink& operator=(const DeadlineLink&) = delete;

    bool linked() const { return list_ != nullptr; }
    std::int64_t deadlineMs() const { return deadline_ms_; }

  private:
    friend class DeadlineList<Owner>;

    Owner* owner_;
    const DeadlineList<Owner>* list_ = nullptr;
    DeadlineLink* prev_ = nullptr;
    DeadlineLink* next_ = nullptr;
    std::int64_t deadline_ms_ = 0;
};

template <typename Owner>
class DeadlineList {
  public:
    DeadlineList() = default;
    ~DeadlineList() { YIKA_ASSERT(size_ == 0); }
    DeadlineList(const DeadlineList&) = delete;
    DeadlineList& operator=(const DeadlineList&) = delete;

    // Starts the timer. Preconditions: !link.linked(); deadline_ms is not earlier than the back's.
    void pushBack(DeadlineLink<Owner>& link, std::int64_t deadline_ms) {
        YIKA_ASSERT(!link.linked());
        YIKA_ASSERT(back_ == nullptr || back_->deadline_ms_ <= deadline_ms);
        link.list_ = this;
        link.deadline_ms_ = deadline_ms;
        link.prev_ = back_;
        link.next_ = nullptr;
        (back_ != nullptr ? back_->next_ : front_) = &link;
        back_ = &link;
        ++size_;
    }

    // Stops the timer. Precondition: the link is in this list.
    void remove(DeadlineLink<Owner>& link) {
        YIKA_ASSERT(link.list_ == this);
        (link.prev_ != nullptr ? link.prev_->next_ : front_) = link.next_;
        (link.next_ != nullptr ? link.next_->prev_ : back_) = link.prev_;
        link.list_ = nullptr;
        link.prev_ = nullptr;
        link.next_ = nullptr;
        --size_;
    }

    // Stops the timer if it runs. Precondition: the link is in this list or in none.
    void removeIfLinked(DeadlineLink<Owner>& link) {
        if (link.linked()) {
            remove(link);
        }
    }

    // Restarts the timer (running or not) with a new deadline. Same preconditions as pushBack.
    void restart(DeadlineLink<Owner>& link, std::int64_t deadline_ms) {
        removeIfLinked(link);
        pushBack(link, deadline_ms);
    }

    // The owner of the earliest timer whose deadline is at or before now_ms, or nullptr. The
    // caller stops that timer (or restarts it later) before asking again.
    Owner* expired(std::int64_t now_ms) const {
        return front_ != nullptr && front_->deadline_ms_ <= now_ms ? front_->owner_ : nullptr;
    }

    std::size_t size() const { return size_; }
    bool empty() const { return size_ == 0; }

  private:
    DeadlineLink<Owner>* front_ = nullptr;
    DeadlineLink<Owner>* back_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace yika::terminal
