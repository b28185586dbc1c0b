#pragma once

// Test support: one ISO 8583 terminal on its own TCP connection to yikad, built on the yika-term
// client library: sign-on (session keys from the terminal master key), then MAC'd purchases
// with the trace numbers the test chooses (so that a test can retry a request exactly).

#include "crypto/terminal_keys.h"
#include "terminal_api/iso8583/message.h"
#include "terminal_api/term/requests.h"
#include "terminal_api/term/tcp_link.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace yika::testing {

class PosTerminal {
  public:
    // Connects and signs on with the demo terminals.csv row (TID, MID, master key in hex); the
    // sign-on uses `trace`, which is advanced. nullopt if the host is unreachable or refuses.
    static std::optional<PosTerminal> connect(std::uint16_t port,
                                              const std::vector<std::string>& row,
                                              std::uint32_t& trace, int timeout_ms = 5000);

    // The answer to a purchase of `amount_minor` on `pan` with `trace`, or nullopt when the
    // connection fails (the host went away).
    std::optional<iso8583::Message> purchase(std::uint32_t trace, const std::string& pan,
                                             std::int64_t amount_minor);
    // Any card request (a PIN is encrypted under the session PIN key), MAC'd with the session
    // MAC key, or with a wrong MAC when `corrupt_mac`.
    std::optional<iso8583::Message> cardRequest(const term::CardRequest& request,
                                                bool corrupt_mac = false);
    // Every response frame body received so far, for tests that look for secrets in them.
    const std::vector<iso8583::Bytes>& received() const { return received_; }

  private:
    PosTerminal(term::TcpLink link, const std::vector<std::string>& row, int timeout_ms);
    std::optional<iso8583::Message> exchange(const iso8583::Bytes& frame);

    term::TcpLink link_;
    term::TerminalContext context_;
    iso8583::Bytes tmk_;
    std::optional<crypto::SessionKeys> keys_;
    int timeout_ms_;
    std::vector<iso8583::Bytes> received_;
};

}  // namespace yika::testing
