#pragma once

// POS acceptance over ISO 8583 (docs/terminal-protocol.md): turns each request frame into a
// domain operation on the single writer and the result into the response frame.
//
// Threads: onFrame() runs on the listener's loop thread and does everything that needs no
// database — decode, classify, mandatory fields, terminal and MID check, MAC verification, PIN
// decryption, card number hashing — then submits the operation to the commit queue. The
// response is built, MACed and handed to the FrameSink on the writer thread once the commit is
// durable, so no terminal is told "approved" before the debit is on disk.
//
// Protocol errors: a frame that does not decode closes the connection without an answer; a
// decodable message that fails its mandatory-field check gets response code 30; a wrong MAC
// gets A0 (no MAC on that response); an unknown or disabled terminal, or a MID that is not the
// terminal's, gets 05.

#include "card_core/domain/acceptance_service.h"
#include "card_core/domain/policies.h"
#include "card_core/domain/secrets.h"
#include "card_core/domain/time.h"
#include "card_core/store/commit_queue.h"
#include "terminal_api/iso8583/codec.h"
#include "terminal_api/pos/frame_sink.h"
#include "terminal_api/pos/terminal_registry.h"

#include <atomic>
#include <cstdint>
#include <span>

namespace yika::pos {

struct PosDeps {
    store::CommitQueue& writer;
    TerminalRegistry& terminals;
    const PinVerifier& pins;
    const CardNumberVault& vault;
    const Policies& policies;
    const Clock& clock;
    iso8583::CodecLimits limits;
};

struct PosStats {
    std::atomic<std::uint64_t> requests{0};
    std::atomic<std::uint64_t> approved{0};
    std::atomic<std::uint64_t> declined{0};
    std::atomic<std::uint64_t> format_errors{0};
    std::atomic<std::uint64_t> mac_failures{0};
    std::atomic<std::uint64_t> undecodable{0};
    std::atomic<std::uint64_t> overloaded{0};
};

class PosService {
  public:
    PosService(PosDeps deps, FrameSink& sink);
    // One complete frame body from connection `id`. Never blocks; never throws.
    void onFrame(ConnectionId id, std::span<const std::uint8_t> body);
    const PosStats& stats() const { return stats_; }

    // --- operations (issue 8): graceful shutdown ---
    // From now on every new frame closes its connection unanswered (the terminal reverses or
    // retries later); requests already submitted are still answered. Thread-safe.
    void drain() { draining_.store(true, std::memory_order_relaxed); }
    // Requests submitted to the writer and not yet answered. Thread-safe.
    std::int64_t inFlight() const { return in_flight_.load(std::memory_order_acquire); }
    // "<tid>:<batch>:<trace>": the request id in logs.
    static std::string requestId(const TerminalRef& ref);

  private:
    struct Pending;
    void submit(std::shared_ptr<Pending> p);
    void respond(Pending& p);
    void answerNow(ConnectionId id, const iso8583::Message& request, iso8583::ResponseCode code);

    PosDeps deps_;
    FrameSink& sink_;
    PosStats stats_;
    std::atomic<bool> draining_{false};       // issue 8
    std::atomic<std::int64_t> in_flight_{0};  // issue 8
};

}  // namespace yika::pos
