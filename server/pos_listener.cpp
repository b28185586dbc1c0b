#include "server/pos_listener.h"

#include <chrono>
#include <thread>

namespace yika::server {

namespace {

terminal::TcpLimits tcpLimits(const PosConfig& c) {
    terminal::TcpLimits l;
    l.connections_max = static_cast<std::size_t>(c.connections_max);
    l.idle_timeout_ms = static_cast<int>(c.idle_timeout_ms);
    l.frame_timeout_ms = static_cast<int>(c.frame_timeout_ms);
    l.frame_bytes_max = static_cast<std::size_t>(c.frame_bytes_max);
    l.write_buffer_bytes_max = static_cast<std::size_t>(c.write_buffer_bytes_max);
    l.in_flight_per_connection_max = static_cast<std::size_t>(c.in_flight_per_connection_max);
    return l;
}

iso8583::CodecLimits codecLimits(const PosConfig& c) {
    iso8583::CodecLimits l;
    l.frame_bytes_max = static_cast<std::size_t>(c.frame_bytes_max);
    return l;
}

struct TerminalRow {
    Terminal terminal;
    std::string mid;
};

Result<std::vector<TerminalRow>> readTerminals(Runtime& rt, std::optional<std::string> tid) {
    return rt.store->writer().run<std::vector<TerminalRow>>(
        [&](StoreTx& tx) -> Result<std::vector<TerminalRow>> {
            std::vector<Terminal> terminals;
            if (tid) {
                auto one = tx.terminalByTid(*tid);
                if (!one) return makeError(ErrorCode::NotFound, "no terminal " + *tid);
                terminals.push_back(std::move(*one));
            } else {
                terminals = tx.terminals();
            }
            std::vector<TerminalRow> out;
            for (Terminal& t : terminals) {
                auto merchant = tx.merchant(t.merchant_id);
                out.push_back({std::move(t), merchant ? merchant->mid : std::string()});
            }
            return out;
        });
}

}  // namespace

PosListener::PosListener(Runtime& rt, const Clock& clock)
    : rt_(rt),
      registry_(rt.keys, static_cast<std::size_t>(rt.config.pos.terminals_max)),
      service_({rt.store->writer(), registry_, rt.pins, rt.vault, rt.config.policies, clock,
                codecLimits(rt.config.pos)},
               *this),
      tcp_(*this, tcpLimits(rt.config.pos)) {}

PosListener::~PosListener() {
    // Operations already handed to the commit queue answer through service_ from the writer
    // thread; freeing the service before the last of them returns is a use-after-free (ASan
    // caught one when a test tore the listener down right after a request). The commit queue
    // answers everything it accepted, so the wait ends; in_flight_ is decremented as respond()'s
    // last touch of the service, so a poll (not a notify, which would touch it after) is safe.
    drain();
    tcp_.stop();
    while (service_.inFlight() > 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
}

Result<std::unique_ptr<PosListener>> PosListener::create(Runtime& rt, const Clock& clock) {
    std::unique_ptr<PosListener> listener(new PosListener(rt, clock));
    auto rows = readTerminals(rt, std::nullopt);
    if (!rows) return rows.error();
    for (const TerminalRow& row : *rows) YIKA_TRY(listener->registry_.put(row.terminal, row.mid));
    return listener;
}

Status PosListener::start(std::uint16_t port) {
    YIKA_TRY(tcp_.listen(rt_.config.pos.address, port));
    tcp_.start();
    return Ok{};
}

Status PosListener::reloadTerminal(std::string_view tid) {
    auto rows = readTerminals(rt_, std::string(tid));
    if (!rows) return rows.error();
    return registry_.put(rows->front().terminal, rows->front().mid);
}

void PosListener::onFrame(terminal::ConnectionId id, std::span<const std::uint8_t> body) noexcept {
    service_.onFrame(id, body);
}

void PosListener::reply(pos::ConnectionId id, std::vector<std::uint8_t> body) {
    tcp_.reply(id, std::move(body));
}

void PosListener::close(pos::ConnectionId id) { tcp_.close(id); }

}  // namespace yika::server
