#pragma once

// The ISO 8583 terminal listener assembled: the terminal registry (keys), the POS service and
// the epoll TCP server, joined. `yikad serve` runs one; end-to-end tests run one on port 0.

#include "server/data_dir.h"
#include "terminal_api/pos/pos_service.h"
#include "terminal_api/tcp/tcp_server.h"

#include <memory>

namespace yika::server {

class PosListener final : public terminal::FrameHandler, public pos::FrameSink {
  public:
    // Loads every terminal of the database. `clock` must outlive the listener.
    static Result<std::unique_ptr<PosListener>> create(Runtime& rt, const Clock& clock);
    ~PosListener() override;

    // Listens on pos.address and `port` (0: an ephemeral port) and starts the loop thread.
    Status start(std::uint16_t port);
    std::uint16_t port() const { return tcp_.port(); }
    // Stops accepting and closes every connection. Idempotent.
    void stop() { tcp_.stop(); }
    // Re-reads one terminal (after registration) so it can sign on without a restart.
    Status reloadTerminal(std::string_view tid);

    const pos::PosStats& posStats() const { return service_.stats(); }
    terminal::TcpServer::Stats tcpStats() const { return tcp_.stats(); }
    // --- operations (issue 8): graceful stop (pos_service.h) ---
    void drain() {
        tcp_.stopAccepting();
        service_.drain();
    }
    std::int64_t inFlight() const { return service_.inFlight(); }

    void onFrame(terminal::ConnectionId id, std::span<const std::uint8_t> body) noexcept override;
    void reply(pos::ConnectionId id, std::vector<std::uint8_t> body) override;
    void close(pos::ConnectionId id) override;

  private:
    PosListener(Runtime& rt, const Clock& clock);

    Runtime& rt_;
    pos::TerminalRegistry registry_;
    pos::PosService service_;
    terminal::TcpServer tcp_;
};

}  // namespace yika::server
