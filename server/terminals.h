#pragma once

// Registering merchant terminals: a new terminal master key (TMK), shown once for injection
// into the device and stored only wrapped under the key file.

#include "card_core/domain/terminal.h"
#include "server/data_dir.h"

#include <optional>
#include <string>

namespace yika::server {

struct RegisteredTerminal {
    TerminalId id = 0;
    std::string tid;
    std::string mid;
    std::string tmk_hex;  // shown once; never stored in clear, never logged
    std::string kcv_hex;  // key check value, to confirm the injection
};

// Adds a terminal for the merchant with `mid` (and a store named `store_name`, if given).
Result<RegisteredTerminal> registerTerminal(Runtime& rt, const std::string& mid,
                                            const std::string& tid,
                                            const std::optional<std::string>& store_name);

int runTerminal(const std::vector<std::string>& args);

}  // namespace yika::server
