#pragma once

// The yika-term terminal commands: one POS transaction per run, as a real terminal performs it
// (sign-on, balance, purchase, void, refund, reversal, pre-authorization and completion,
// settlement with batch upload, echo test), with the terminal's memory in a state file
// (terminal_state.h).
//
// Every run: load the state, derive the session keys from the TMK and the stored nonce, build
// and seal the request, record it in the state file *before* sending (so a transaction whose
// answer never came can be reversed), exchange it over TCP, check the answer (trace, TID, MAC),
// update and save the state, print a receipt.

#include "crypto/secure_buffer.h"
#include "terminal_api/term/cli.h"
#include "terminal_api/term/requests.h"

#include <cstdint>
#include <iosfwd>
#include <string>

namespace yika::term {

// Exit statuses (cli.h).
inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 1;
inline constexpr int kExitNoAnswer = 2;
inline constexpr int kExitDeclined = 3;

inline constexpr int kDefaultTimeoutMs = 30'000;

struct TermConfig {
    std::string host = "127.0.0.1";
    std::uint16_t port = 0;
    std::string tid;
    std::string mid;
    crypto::SecureBuffer tmk;  // kTerminalMasterKeyBytes, or empty where the command needs none
    std::string state_path;
    bool hex = false;
    int timeout_ms = kDefaultTimeoutMs;
};

// Runs `line.command` (any command but "load"). Returns an exit status (commands.h constants).
int runTerminalCommand(const TermConfig& config, const CommandLine& line, std::ostream& out,
                       std::ostream& err);

}  // namespace yika::term
