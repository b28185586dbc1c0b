#include "tests/support/pos_terminal.h"

#include "crypto/hex.h"
#include "terminal_api/iso8583/codec.h"

namespace yika::testing {

std::optional<PosTerminal> PosTerminal::connect(std::uint16_t port,
                                                const std::vector<std::string>& row,
                                                std::uint32_t& trace, int timeout_ms) {
    if (row.size() < 3) return std::nullopt;
    auto link = term::TcpLink::connect("127.0.0.1", port, timeout_ms);
    if (!link.ok()) return std::nullopt;
    PosTerminal t(std::move(*link), row, timeout_ms);
    auto answer = t.exchange(term::sealFrame(term::buildSignOn(t.context_, trace), {}));
    trace = term::nextTrace(trace);
    if (!answer) return std::nullopt;
    auto accepted = term::acceptSignOnResponse(*answer, t.tmk_, row[0]);
    if (!accepted.ok()) return std::nullopt;
    t.context_.batch = accepted->batch;
    t.keys_.emplace(crypto::deriveSessionKeys(t.tmk_, row[0], accepted->nonce));
    return t;
}

std::optional<iso8583::Message> PosTerminal::purchase(std::uint32_t trace, const std::string& pan,
                                                      std::int64_t amount_minor) {
    term::CardRequest r;
    r.type = iso8583::TransactionType::Purchase;
    r.pan = pan;
    r.amount = Money::fromMinor(amount_minor, Currency::Cny);
    r.trace = trace;
    return cardRequest(r);
}

std::optional<iso8583::Message> PosTerminal::cardRequest(const term::CardRequest& request,
                                                         bool corrupt_mac) {
    auto m = term::buildCardRequest(context_, request, keys_->pin_key.span());
    if (!m.ok()) return std::nullopt;
    iso8583::Bytes frame = term::sealFrame(*m, keys_->mac_key.span());
    if (corrupt_mac) frame.back() ^= 0x01;  // field 64 is the frame's last 8 bytes
    return exchange(frame);
}

PosTerminal::PosTerminal(term::TcpLink link, const std::vector<std::string>& row, int timeout_ms)
    : link_(std::move(link)), context_{row[0], row[1], "000001"}, timeout_ms_(timeout_ms) {
    auto tmk = crypto::fromHex(row[2]);
    if (tmk) tmk_.assign(tmk->begin(), tmk->end());
}

std::optional<iso8583::Message> PosTerminal::exchange(const iso8583::Bytes& frame) {
    if (!link_.send(frame, timeout_ms_).ok()) return std::nullopt;
    auto body = link_.receiveFrame({}, timeout_ms_);
    if (!body.ok()) return std::nullopt;
    received_.push_back(*body);
    auto m = iso8583::decode(*body, {});
    if (!m.ok()) return std::nullopt;
    return *m;
}

}  // namespace yika::testing
