#include "terminal_api/http/key_ring_terminal_keys.h"

#include "crypto/terminal_keys.h"

namespace yika::http {

std::optional<HttpKey> KeyRingTerminalKeys::httpKey(const Terminal& terminal) const {
    if (terminal.tid.empty()) return std::nullopt;
    auto tmk = crypto::unwrapTerminalMasterKey(keys_, terminal.tmk_wrapped, terminal.tid);
    if (!tmk) return std::nullopt;
    return deriveHttpKey(tmk->span(), terminal.tid);
}

}  // namespace yika::http
