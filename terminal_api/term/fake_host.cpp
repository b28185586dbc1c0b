#include "terminal_api/term/fake_host.h"

#include "card_core/domain/assert.h"
#include "crypto/hex.h"
#include "crypto/terminal_keys.h"
#include "terminal_api/iso8583/codec.h"
#include "terminal_api/iso8583/frame_reader.h"
#include "terminal_api/iso8583/mandatory.h"
#include "terminal_api/iso8583/subfields.h"
#include "terminal_api/term/requests.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <optional>

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace yika::term::testing {

namespace {

using iso8583::Field;
using iso8583::ResponseCode;
using T = TransactionType;

std::span<const std::uint8_t> bytesOf(std::string_view text) {
    return {reinterpret_cast<const std::uint8_t*>(text.data()), text.size()};
}

void setOrDie(Message& message, Field field, std::string_view value) {
    const Status status = message.set(field, value);
    YIKA_ASSERT(status.ok());
}

// The load tests send many requests; the log keeps the first ones only.
constexpr std::size_t kRequestsKeptMax = 10'000;

}  // namespace

struct FakeHost::Peer {
    int fd;
    std::unique_ptr<iso8583::FrameReader> reader;
};

struct FakeHost::State {
    FakeHostConfig config;
    mutable std::mutex mutex;
    std::map<std::string, crypto::SessionKeys> sessions;
    std::vector<Message> requests;
    std::vector<std::string> pins;
    std::uint64_t next_reference = 1;
    std::vector<Peer> peers;

    // The answer to `request` (decoded from `body`) and whether it must carry a MAC; empty when
    // the host stays silent.
    std::optional<Message> answer(const Message& request, std::span<const std::uint8_t> body,
                                  std::atomic<std::size_t>& mac_failures);
    Message signOn(const Message& request);
    ResponseCode cardTransaction(T type, const Message& request, Message& response);
};

Message FakeHost::State::signOn(const Message& request) {
    Message response = iso8583::makeResponse(request);
    const std::string tid(request.get(Field::TerminalId));
    const auto tmk_hex = config.tmk_hex_by_tid.find(tid);
    if (tmk_hex == config.tmk_hex_by_tid.end()) {
        response.setResponseCode(ResponseCode::DoNotHonor);
        return response;
    }
    crypto::SecureBuffer tmk(crypto::kTerminalMasterKeyBytes);
    YIKA_ASSERT(crypto::fromHexInto(tmk_hex->second, tmk.span()));
    const crypto::SessionNonce nonce = crypto::generateSessionNonce();
    crypto::SessionKeys keys = crypto::deriveSessionKeys(tmk.span(), tid, nonce);
    const auto key_data = crypto::formatSignOnKeyData(
        crypto::makeSignOnKeyData(nonce, keys.mac_key.span(), keys.pin_key.span()));
    sessions.insert_or_assign(tid, std::move(keys));
    response.setResponseCode(ResponseCode::Approved);
    setOrDie(response, Field::LocalTime, "142501");
    setOrDie(response, Field::LocalDate, "0315");
    setOrDie(response, Field::Reserved60, iso8583::formatField60("00", config.batch, "003"));
    setOrDie(response, Field::Reserved62, std::string(key_data.begin(), key_data.end()));
    return response;
}

ResponseCode FakeHost::State::cardTransaction(T type, const Message& request, Message& response) {
    const std::string pan(request.get(Field::Pan));
    const auto card = config.cards_by_pan.find(pan);
    if (card == config.cards_by_pan.end()) {
        return ResponseCode::InvalidCard;
    }
    if (request.has(Field::PinData)) {
        const std::string tid(request.get(Field::TerminalId));
        const auto field60 = iso8583::parseField60(request.get(Field::Reserved60));
        const crypto::PinBlockContext context{tid, field60 ? field60->batch_number : "",
                                              request.get(Field::Trace)};
        const auto pin = crypto::decryptPin(sessions.at(tid).pin_key.span(), context,
                                            bytesOf(request.get(Field::PinData)), pan);
        pins.push_back(pin.value_or("(malformed)"));
        if (!pin || *pin != card->second.pin) {
            return ResponseCode::WrongPin;
        }
    }
    std::int64_t& balance = card->second.balance_minor;
    const std::int64_t amount = request.amountMinor().value_or(0);
    if (type == T::BalanceInquiry) {
        setOrDie(response, Field::Balance,
                 iso8583::formatBalance(Money::fromMinor(balance, Currency::Cny)));
    } else if (type == T::Purchase || type == T::PreAuthCompletion) {
        if (amount > balance) {
            return ResponseCode::InsufficientFunds;
        }
        balance -= amount;
    } else if (type == T::PurchaseVoid || type == T::Refund || type == T::PreAuthCompletionVoid) {
        balance += amount;
    }
    const std::string reference = std::to_string(next_reference++);
    setOrDie(response, Field::RetrievalReference,
             std::string(12 - reference.size(), '0') + reference);
    if (type == T::PreAuth) {
        const std::string serial = std::to_string(next_reference % 100'000);
        setOrDie(response, Field::AuthorizationId,
                 "A" + std::string(5 - serial.size(), '0') + serial);
    }
    return ResponseCode::Approved;
}

std::optional<Message> FakeHost::State::answer(const Message& request,
                                               std::span<const std::uint8_t> body,
                                               std::atomic<std::size_t>& mac_failures) {
    const auto type = iso8583::classify(request);
    YIKA_ASSERT(type.ok());  // The tests only send what the terminal side builds.
    if (*type == T::SignOn) {
        return signOn(request);
    }
    if (request.amountMinor() && config.silent_amounts.count(*request.amountMinor()) != 0 &&
        *type != T::Reversal) {
        return std::nullopt;
    }
    Message response = iso8583::makeResponse(request);
    const std::string tid(request.get(Field::TerminalId));
    if (request.has(Field::Mac)) {
        const auto session = sessions.find(tid);
        if (session == sessions.end() ||
            checkMac(body, request, session->second.mac_key.span()) != MacCheck::Valid) {
            ++mac_failures;
            response.setResponseCode(ResponseCode::MacFailure);
            return response;
        }
    }
    ResponseCode code = ResponseCode::Approved;
    if (isCardRequestType(*type)) {
        code = cardTransaction(*type, request, response);
        setOrDie(response, Field::LocalTime, "142502");
        setOrDie(response, Field::LocalDate, "0315");
    } else if (*type == T::BatchSettlement) {
        auto totals = iso8583::parseSettlementTotals(request.get(Field::AdditionalData));
        YIKA_ASSERT(totals.ok());
        totals->result = config.settlement_balanced ? 1 : 2;
        setOrDie(response, Field::AdditionalData, iso8583::formatSettlementTotals(*totals));
        setOrDie(response, Field::LocalTime, "180000");
        setOrDie(response, Field::LocalDate, "0315");
    }
    response.setResponseCode(code);
    if (code == ResponseCode::Approved && request.has(Field::Mac)) {
        setOrDie(response, Field::Mac, std::string(iso8583::kMacBytes, '\0'));
    }
    return response;
}

FakeHost::FakeHost(FakeHostConfig config) : state_(std::make_unique<State>()) {
    state_->config = std::move(config);
    listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    YIKA_ASSERT(listen_fd_ >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    YIKA_ASSERT(::bind(listen_fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    YIKA_ASSERT(::listen(listen_fd_, 4096) == 0);
    socklen_t length = sizeof address;
    YIKA_ASSERT(::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&address), &length) == 0);
    port_ = ntohs(address.sin_port);
    YIKA_ASSERT(::pipe2(wake_pipe_, O_CLOEXEC) == 0);
    thread_ = std::thread([this] { serve(); });
}

FakeHost::~FakeHost() {
    const char stop = 's';
    YIKA_ASSERT(::write(wake_pipe_[1], &stop, 1) == 1);
    thread_.join();
    for (const Peer& peer : state_->peers) {
        ::close(peer.fd);
    }
    ::close(listen_fd_);
    ::close(wake_pipe_[0]);
    ::close(wake_pipe_[1]);
}

std::vector<iso8583::Message> FakeHost::requests() const {
    std::lock_guard lock(state_->mutex);
    return state_->requests;
}

std::vector<std::string> FakeHost::decryptedPins() const {
    std::lock_guard lock(state_->mutex);
    return state_->pins;
}

std::int64_t FakeHost::balance(const std::string& pan) const {
    std::lock_guard lock(state_->mutex);
    return state_->config.cards_by_pan.at(pan).balance_minor;
}

namespace {

// Writes all of `frame` to a non-blocking socket, waiting (bounded) when its buffer is full.
bool sendAll(int fd, std::span<const std::uint8_t> frame) {
    while (!frame.empty()) {
        const ssize_t n = ::send(fd, frame.data(), frame.size(), MSG_NOSIGNAL);
        if (n > 0) {
            frame = frame.subspan(static_cast<std::size_t>(n));
        } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
            pollfd entry{fd, POLLOUT, 0};
            if (::poll(&entry, 1, 5000) <= 0) {
                return false;
            }
        } else {
            return false;
        }
    }
    return true;
}

}  // namespace

// Feeds what one read returned to the peer's frame reader and answers every whole frame.
// False when the connection must close (a bad length, or the peer stopped reading).
bool FakeHost::serveBytes(Peer& peer, std::span<const std::uint8_t> input) {
    State& s = *state_;
    const iso8583::CodecLimits limits{};
    while (!input.empty()) {
        auto consumed = peer.reader->feed(input);
        if (!consumed) {
            return false;
        }
        input = input.subspan(*consumed);
        if (!peer.reader->ready()) {
            continue;
        }
        const auto body = peer.reader->frame();
        auto request = iso8583::decode(body, limits);
        YIKA_ASSERT(request.ok());
        std::optional<Message> response;
        std::span<const std::uint8_t> key;
        {
            std::lock_guard lock(s.mutex);
            if (s.requests.size() < kRequestsKeptMax) {
                s.requests.push_back(*request);
            }
            response = s.answer(*request, body, mac_failures_);
            const auto session = s.sessions.find(std::string(request->get(Field::TerminalId)));
            if (session != s.sessions.end()) {
                key = session->second.mac_key.span();
            }
        }
        peer.reader->pop();
        if (!response) {
            continue;
        }
        Bytes frame = sealFrame(*response, key);
        if (s.config.corrupt_answer_macs && response->has(Field::Mac)) {
            frame.back() ^= 0x01;
        }
        if (!sendAll(peer.fd, frame)) {
            return false;
        }
    }
    return true;
}

void FakeHost::acceptAll() {
    for (int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC); fd >= 0;
         fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC)) {
        // Without TCP_NODELAY, pipelined answers wait for the terminal's delayed ACK.
        const int one = 1;
        ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        state_->peers.push_back(
            {fd, std::make_unique<iso8583::FrameReader>(iso8583::CodecLimits{})});
    }
}

void FakeHost::serve() {
    std::vector<Peer>& peers = state_->peers;
    std::array<std::uint8_t, 16384> buffer;
    for (;;) {
        std::vector<pollfd> fds = {{wake_pipe_[0], POLLIN, 0}, {listen_fd_, POLLIN, 0}};
        for (const Peer& peer : peers) {
            fds.push_back({peer.fd, POLLIN, 0});
        }
        if (::poll(fds.data(), fds.size(), -1) < 0) {
            continue;
        }
        if (fds[0].revents != 0) {
            return;
        }
        std::vector<int> closed;
        for (std::size_t i = 2; i < fds.size(); ++i) {
            if (fds[i].revents == 0) {
                continue;
            }
            Peer& peer = peers[i - 2];
            const ssize_t n = ::recv(peer.fd, buffer.data(), buffer.size(), 0);
            if (n < 0 && errno == EAGAIN) {
                continue;
            }
            if (n <= 0 ||
                !serveBytes(peer, std::span(buffer.data(), static_cast<std::size_t>(n)))) {
                closed.push_back(peer.fd);
            }
        }
        std::erase_if(peers, [&](const Peer& peer) {
            const bool gone = std::find(closed.begin(), closed.end(), peer.fd) != closed.end();
            if (gone) {
                ::close(peer.fd);
            }
            return gone;
        });
        if (fds[1].revents != 0) {
            acceptAll();
        }
    }
}

}  // namespace yika::term::testing
