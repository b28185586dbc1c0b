#pragma once

// FakeHost: a minimal in-process Yika host for the yika-term tests (test-only; not part of the
// library). It plays the host's side of docs/terminal-protocol.md with the same crypto API the
// real host uses: sign-on (fresh nonce, session keys, field 62 with KCVs), MAC verification of
// every MAC'd request (A0 when it fails), PIN decryption (55 when wrong), balances, reference
// numbers, authorization ids, settlement (balanced or not on request) and batch upload, and a
// MAC on every approved answer. So the tests check that the terminal side interoperates with
// an independent host implementation, not only with itself.
//
// One thread, poll(), on 127.0.0.1 and an ephemeral port. Stops and joins on destruction.

#include "terminal_api/iso8583/message.h"

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace yika::term::testing {

struct FakeCard {
    std::string pin;  // empty: no PIN on the card
    std::int64_t balance_minor = 100'000;
};

struct FakeHostConfig {
    std::map<std::string, std::string> tmk_hex_by_tid;
    std::map<std::string, FakeCard> cards_by_pan;
    std::string batch = "000007";           // 60.2 the host assigns at sign-on
    bool settlement_balanced = true;        // else 48 result 2: the terminal uploads its batch
    std::set<std::int64_t> silent_amounts;  // requests with these amounts get no answer
    bool corrupt_answer_macs = false;       // flip a bit of every answer's field 64
};

class FakeHost {
  public:
    explicit FakeHost(FakeHostConfig config);
    ~FakeHost();
    FakeHost(const FakeHost&) = delete;
    FakeHost& operator=(const FakeHost&) = delete;

    std::uint16_t port() const { return port_; }
    // Every request decoded so far, in arrival order.
    std::vector<iso8583::Message> requests() const;
    // The PINs the host decrypted from field 52, in order.
    std::vector<std::string> decryptedPins() const;
    std::int64_t balance(const std::string& pan) const;
    std::size_t macFailures() const { return mac_failures_.load(); }

  private:
    struct State;
    struct Peer;
    void serve();
    void acceptAll();
    bool serveBytes(Peer& peer, std::span<const std::uint8_t> input);

    std::unique_ptr<State> state_;
    std::uint16_t port_ = 0;
    int listen_fd_ = -1;
    int wake_pipe_[2] = {-1, -1};
    std::atomic<std::size_t> mac_failures_{0};
    std::thread thread_;
};

}  // namespace yika::term::testing
