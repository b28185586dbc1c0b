#include "terminal_api/term/load_generator.h"

#include "card_core/domain/assert.h"
#include "terminal_api/iso8583/frame_reader.h"
#include "terminal_api/term/receipt.h"
#include "terminal_api/term/requests.h"
#include "terminal_api/term/tcp_link.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <deque>
#include <memory>
#include <ostream>
#include <random>
#include <sstream>

#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

namespace yika::term {

namespace {

using Clock = std::chrono::steady_clock;
using iso8583::Field;

constexpr std::size_t kEventsPerWait = 1024;
constexpr std::size_t kReadBufferBytes = std::size_t{64} * 1024;
constexpr int kReadsPerEvent = 4;
constexpr std::size_t kDescriptorsSpare = 64;
constexpr auto kExpireInterval = std::chrono::milliseconds(100);
constexpr auto kProgressInterval = std::chrono::seconds(1);
constexpr int kPollSliceMs = 10;

enum class Phase : std::uint8_t { NotStarted, Connecting, SigningOn, Running, Idle, Closed };

struct Outstanding {
    std::uint32_t trace;
    Clock::time_point sent;
};

struct Connection {
    int fd = -1;
    Phase phase = Phase::NotStarted;
    bool idle = false;
    std::size_t terminal = 0;
    TerminalContext context;
    std::uint32_t next_trace = 1;
    std::uint32_t sign_on_trace = 0;
    std::unique_ptr<iso8583::FrameReader> reader;
    Bytes out;
    std::size_t out_sent = 0;
    bool writing = false;  // EPOLLOUT registered
    bool queued = false;   // in the ready queue
    std::vector<Outstanding> outstanding;
    Clock::time_point setup_deadline;
};

std::uint64_t microsBetween(Clock::time_point from, Clock::time_point to) {
    const auto us = std::chrono::duration_cast<std::chrono::microseconds>(to - from).count();
    return us < 0 ? 0 : static_cast<std::uint64_t>(us);
}

class LoadRun {
  public:
    LoadRun(const LoadOptions& options, LoadTerminals& terminals,
            const std::vector<LoadCard>& cards, std::ostream* progress)
        : options_(options), terminals_(terminals), cards_(cards), progress_(progress) {}
    LoadRun(const LoadRun&) = delete;
    LoadRun& operator=(const LoadRun&) = delete;
    ~LoadRun();

    Result<LoadReport> run();

  private:
    Status init();
    void setupPhase();
    void runPhase();
    void drainPhase();
    void pollOnce(int timeout_ms);
    void onEvent(Connection& c, std::uint32_t events);
    void startConnection(Connection& c);
    void onConnected(Connection& c);
    void onReadable(Connection& c);
    void onFrame(Connection& c, std::span<const std::uint8_t> body);
    void onSignOnAnswer(Connection& c, std::span<const std::uint8_t> body);
    void onAnswer(Connection& c, std::span<const std::uint8_t> body);
    void sendPurchase(Connection& c, Clock::time_point now);
    void queueFrame(Connection& c, const Bytes& frame);
    void flush(Connection& c);
    void setWriting(Connection& c, bool writing);
    void failSetup(Connection& c);
    void close(Connection& c);
    void makeReady(Connection& c);
    void dispatch(Clock::time_point now);
    void expire(Clock::time_point now);
    int waitMs(Clock::time_point now, Clock::time_point until) const;
    void printProgress(Clock::time_point now);
    std::size_t totalOutstanding() const;

    const LoadOptions& options_;
    LoadTerminals& terminals_;
    const std::vector<LoadCard>& cards_;
    std::ostream* progress_;
    iso8583::CodecLimits limits_{};
    SocketAddress address_{};
    int epoll_ = -1;
    std::vector<Connection> connections_;
    std::deque<std::size_t> ready_;
    std::size_t setup_busy_ = 0;     // connecting or signing on
    std::size_t setup_settled_ = 0;  // signed on, failed or closed
    bool sending_ = false;
    Clock::time_point window_start_;
    Clock::time_point window_end_;
    Clock::time_point last_refill_;
    double tokens_ = 0;  // rate limiter; requests, not money
    std::uint64_t purchases_ = 0;
    std::mt19937_64 rng_;
    iso8583::Message message_;  // reused for every decode
    std::unique_ptr<std::uint8_t[]> read_buffer_ =
        std::make_unique<std::uint8_t[]>(kReadBufferBytes);
    LoadReport report_;
};

LoadRun::~LoadRun() {
    for (Connection& c : connections_) {
        if (c.fd >= 0) {
            ::close(c.fd);
        }
    }
    if (epoll_ >= 0) {
        ::close(epoll_);
    }
}

Status LoadRun::init() {
    auto address = resolveAddress(options_.host, options_.port);
    if (!address) {
        return address.error();
    }
    address_ = *address;
    const std::size_t total = options_.connections + options_.idle_connections;
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < total + kDescriptorsSpare) {
        limit.rlim_cur = std::min<rlim_t>(limit.rlim_max, total + kDescriptorsSpare);
        ::setrlimit(RLIMIT_NOFILE, &limit);
    }
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur < total + kDescriptorsSpare) {
        return makeError(ErrorCode::StorageUnavailable,
                         std::to_string(total) + " connections need " +
                             std::to_string(total + kDescriptorsSpare) +
                             " file descriptors; the limit is " + std::to_string(limit.rlim_cur) +
                             " (raise ulimit -n)");
    }
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    if (epoll_ < 0) {
        return makeError(ErrorCode::StorageUnavailable,
                         std::string("epoll_create1: ") + std::strerror(errno));
    }
    rng_.seed(options_.seed != 0 ? options_.seed : std::random_device{}());
    connections_.resize(total);
    for (std::size_t i = 0; i < total; ++i) {
        Connection& c = connections_[i];
        c.terminal = i;
        c.idle = i >= options_.connections;
        const LoadTerminal& terminal = terminals_.terminal(i);
        c.context = TerminalContext{terminal.tid, terminal.mid, "000001"};
        c.next_trace = static_cast<std::uint32_t>(1 + rng_() % kTraceMax);
    }
    return Ok{};
}

void LoadRun::startConnection(Connection& c) {
    c.setup_deadline = Clock::now() + std::chrono::milliseconds(options_.timeout_ms);
    auto fd = startConnect(address_);
    if (!fd) {
        ++report_.connect_failures;
        c.phase = Phase::Closed;
        ++setup_settled_;
        return;
    }
    c.fd = *fd;
    c.phase = Phase::Connecting;
    c.reader = std::make_unique<iso8583::FrameReader>(limits_);
    epoll_event event{};
    event.events = EPOLLOUT | EPOLLIN;
    event.data.u64 = c.terminal;
    c.writing = true;
    ++setup_busy_;
    if (::epoll_ctl(epoll_, EPOLL_CTL_ADD, c.fd, &event) != 0) {
        ++report_.connect_failures;
        close(c);
    }
}

void LoadRun::onConnected(Connection& c) {
    int error = 0;
    socklen_t length = sizeof error;
    if (::getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &error, &length) != 0 || error != 0) {
        ++report_.connect_failures;
        failSetup(c);
        return;
    }
    c.phase = Phase::SigningOn;
    setWriting(c, false);
    c.sign_on_trace = c.next_trace;
    c.next_trace = nextTrace(c.next_trace);
    queueFrame(c, sealFrame(buildSignOn(c.context, c.sign_on_trace), {}));
}

void LoadRun::failSetup(Connection& c) { close(c); }

void LoadRun::close(Connection& c) {
    if (c.phase == Phase::Connecting || c.phase == Phase::SigningOn) {
        --setup_busy_;
        ++setup_settled_;
    }
    if (c.fd >= 0) {
        ::close(c.fd);  // also removes it from the epoll set
        c.fd = -1;
    }
    report_.timeouts += c.outstanding.size();
    c.outstanding.clear();
    c.phase = Phase::Closed;
    c.out.clear();
    c.out_sent = 0;
}

void LoadRun::setWriting(Connection& c, bool writing) {
    if (c.writing == writing || c.fd < 0) {
        return;
    }
    epoll_event event{};
    event.events = EPOLLIN | (writing ? EPOLLOUT : 0U);
    event.data.u64 = c.terminal;
    YIKA_ASSERT(::epoll_ctl(epoll_, EPOLL_CTL_MOD, c.fd, &event) == 0);
    c.writing = writing;
}

void LoadRun::queueFrame(Connection& c, const Bytes& frame) {
    c.out.insert(c.out.end(), frame.begin(), frame.end());
    flush(c);
}

void LoadRun::flush(Connection& c) {
    while (c.out_sent < c.out.size()) {
        const ssize_t n =
            ::send(c.fd, c.out.data() + c.out_sent, c.out.size() - c.out_sent, MSG_NOSIGNAL);
        if (n > 0) {
            c.out_sent += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            setWriting(c, true);
            return;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        ++(c.phase == Phase::SigningOn ? report_.sign_on_failures : report_.closed_by_host);
        close(c);
        return;
    }
    c.out.clear();
    c.out_sent = 0;
    setWriting(c, false);
}

void LoadRun::onEvent(Connection& c, std::uint32_t events) {
    if (c.phase == Phase::Connecting) {
        onConnected(c);
        return;
    }
    if ((events & EPOLLOUT) != 0) {
        flush(c);
    }
    if (c.phase != Phase::Closed && (events & (EPOLLIN | EPOLLHUP | EPOLLERR)) != 0) {
        onReadable(c);
    }
}

void LoadRun::onReadable(Connection& c) {
    for (int reads = 0; reads < kReadsPerEvent && c.phase != Phase::Closed; ++reads) {
        const ssize_t n = ::recv(c.fd, read_buffer_.get(), kReadBufferBytes, 0);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            return;
        }
        if (n <= 0) {
            const bool setup = c.phase == Phase::SigningOn;
            if (setup) {
                ++report_.sign_on_failures;
                failSetup(c);
            } else {
                ++report_.closed_by_host;
                close(c);
            }
            return;
        }
        std::span<const std::uint8_t> input(read_buffer_.get(), static_cast<std::size_t>(n));
        while (!input.empty() && c.phase != Phase::Closed) {
            auto consumed = c.reader->feed(input);
            if (!consumed) {
                ++report_.undecodable;
                c.phase == Phase::SigningOn ? failSetup(c) : close(c);
                return;
            }
            input = input.subspan(*consumed);
            if (c.reader->ready()) {
                onFrame(c, c.reader->frame());
                if (c.phase != Phase::Closed) {
                    c.reader->pop();
                }
            }
        }
    }
}

void LoadRun::onFrame(Connection& c, std::span<const std::uint8_t> body) {
    if (c.phase == Phase::SigningOn) {
        onSignOnAnswer(c, body);
    } else if (c.phase == Phase::Running) {
        onAnswer(c, body);
    } else {
        ++report_.unmatched;  // nothing is outstanding on an idle connection
    }
}

void LoadRun::onSignOnAnswer(Connection& c, std::span<const std::uint8_t> body) {
    const bool decoded = iso8583::decodeInto(body, limits_, message_).ok();
    const auto key_data = crypto::parseSignOnKeyData(
        std::span(reinterpret_cast<const std::uint8_t*>(message_.get(Field::Reserved62).data()),
                  message_.get(Field::Reserved62).size()));
    const auto field60 = iso8583::parseField60(message_.get(Field::Reserved60));
    if (!decoded || message_.mti() != iso8583::Mti::NetworkResponse ||
        message_.trace() != c.sign_on_trace || message_.get(Field::ResponseCode) != "00" ||
        !key_data || !field60) {
        ++report_.sign_on_failures;
        failSetup(c);
        return;
    }
    const auto mac_key = terminals_.macKey(c.terminal);
    const auto pin_key = terminals_.pinKey(c.terminal);
    crypto::deriveSessionKeysInto(terminals_.tmk(c.terminal), c.context.tid, key_data->nonce,
                                  mac_key, pin_key);
    if (!crypto::sessionKeysMatch(*key_data, mac_key, pin_key)) {
        ++report_.sign_on_failures;
        failSetup(c);
        return;
    }
    c.context.batch = field60->batch_number;
    c.phase = c.idle ? Phase::Idle : Phase::Running;
    ++(c.idle ? report_.idle_signed_on : report_.active_signed_on);
    --setup_busy_;
    ++setup_settled_;
}

void LoadRun::onAnswer(Connection& c, std::span<const std::uint8_t> body) {
    const Clock::time_point now = Clock::now();
    if (!iso8583::decodeInto(body, limits_, message_).ok()) {
        ++report_.undecodable;
        return;
    }
    const auto trace = message_.trace();
    const auto it = std::find_if(c.outstanding.begin(), c.outstanding.end(),
                                 [&](const Outstanding& o) { return o.trace == trace; });
    if (!trace || it == c.outstanding.end()) {
        ++report_.unmatched;
        return;
    }
    report_.latency_us.record(microsBetween(it->sent, now));
    c.outstanding.erase(it);
    ++report_.answered;
    const std::string_view code = message_.get(Field::ResponseCode);
    ++report_.by_response_code[std::string(code)];
    const MacCheck mac = checkMac(body, message_, terminals_.macKey(c.terminal));
    const bool approved = code == "00";
    if (mac == MacCheck::Invalid || (approved && mac == MacCheck::Absent)) {
        ++report_.mac_failures;
    } else if (approved) {
        ++report_.approved;
        report_.approved_in_window += now <= window_end_ ? 1U : 0U;
    }
    if (message_.header().processing_requirement == iso8583::kProcessingRequirementSignOn) {
        ++report_.sign_on_requested;
    }
    makeReady(c);
}

void LoadRun::makeReady(Connection& c) {
    if (sending_ && !c.queued && c.phase == Phase::Running &&
        c.outstanding.size() < options_.inflight) {
        c.queued = true;
        ready_.push_back(c.terminal);
    }
}

void LoadRun::sendPurchase(Connection& c, Clock::time_point now) {
    const LoadCard& card =
        cards_[std::uniform_int_distribution<std::size_t>(0, cards_.size() - 1)(rng_)];
    CardRequest request;
    request.type = TransactionType::Purchase;
    request.trace = c.next_trace;
    c.next_trace = nextTrace(c.next_trace);
    request.pan = card.pan;
    request.amount =
        Money::fromMinor(std::uniform_int_distribution<std::int64_t>(
                             options_.amount_min_minor, options_.amount_max_minor)(rng_),
                         Currency::Cny);
    ++purchases_;
    if (options_.pin_every != 0 && purchases_ % options_.pin_every == 0 && !card.pin.empty()) {
        request.pin = card.pin;
    }
    auto message = buildCardRequest(c.context, request, terminals_.pinKey(c.terminal));
    YIKA_ASSERT(message.ok());  // The cards file and the options were validated up front.
    c.outstanding.push_back({request.trace, now});
    ++report_.sent;
    queueFrame(c, sealFrame(*message, terminals_.macKey(c.terminal)));
}

void LoadRun::dispatch(Clock::time_point now) {
    if (options_.rate_per_second != 0) {
        const double rate = static_cast<double>(options_.rate_per_second);
        const double elapsed_s = std::chrono::duration<double>(now - last_refill_).count();
        // At most 10 ms worth of requests at once, so a stall is not followed by a burst.
        tokens_ = std::min(tokens_ + rate * elapsed_s, std::max(1.0, rate / 100.0));
        last_refill_ = now;
    }
    while (!ready_.empty()) {
        if (options_.rate_per_second != 0 && tokens_ < 1.0) {
            return;
        }
        Connection& c = connections_[ready_.front()];
        ready_.pop_front();
        c.queued = false;
        if (c.phase != Phase::Running || c.outstanding.size() >= options_.inflight) {
            continue;
        }
        sendPurchase(c, now);
        tokens_ -= options_.rate_per_second != 0 ? 1.0 : 0.0;
        makeReady(c);
    }
}

void LoadRun::expire(Clock::time_point now) {
    const auto timeout = std::chrono::milliseconds(options_.timeout_ms);
    for (Connection& c : connections_) {
        if (c.phase == Phase::SigningOn || c.phase == Phase::Connecting) {
            if (now > c.setup_deadline) {
                ++(c.phase == Phase::Connecting ? report_.connect_failures
                                                : report_.sign_on_failures);
                failSetup(c);
            }
            continue;
        }
        const auto expired = std::erase_if(
            c.outstanding, [&](const Outstanding& o) { return now - o.sent > timeout; });
        if (expired != 0) {
            report_.timeouts += expired;
            makeReady(c);
        }
    }
}

int LoadRun::waitMs(Clock::time_point now, Clock::time_point until) const {
    auto wait = std::chrono::duration_cast<std::chrono::milliseconds>(until - now).count();
    wait = std::clamp<decltype(wait)>(wait, 0, kPollSliceMs);
    if (!ready_.empty() && options_.rate_per_second != 0 && wait > 0) {
        // Throttled: wake when the next request may go.
        const auto per_request_ms = static_cast<decltype(wait)>(1000 / options_.rate_per_second);
        wait = std::min(wait, std::max<decltype(wait)>(per_request_ms, 1));
    }
    return static_cast<int>(wait);
}

void LoadRun::pollOnce(int timeout_ms) {
    std::array<epoll_event, kEventsPerWait> events;
    const int ready =
        ::epoll_wait(epoll_, events.data(), static_cast<int>(events.size()), timeout_ms);
    for (int i = 0; i < ready; ++i) {
        const epoll_event& event = events[static_cast<std::size_t>(i)];
        Connection& c = connections_[event.data.u64];
        if (c.phase != Phase::Closed) {
            onEvent(c, event.events);
        }
    }
}

void LoadRun::setupPhase() {
    const Clock::time_point start = Clock::now();
    const Clock::time_point deadline = start + std::chrono::milliseconds(options_.setup_timeout_ms);
    std::size_t next = 0;
    Clock::time_point last_expire = start;
    while (setup_settled_ < connections_.size()) {
        while (setup_busy_ < options_.connect_concurrency && next < connections_.size()) {
            startConnection(connections_[next++]);
        }
        const Clock::time_point now = Clock::now();
        if (now >= deadline) {
            break;
        }
        pollOnce(waitMs(now, deadline));
        if (Clock::now() - last_expire >= kExpireInterval) {
            last_expire = Clock::now();
            expire(last_expire);
        }
    }
    // Whatever has not finished by the deadline counts as failed.
    for (Connection& c : connections_) {
        if (c.phase == Phase::NotStarted || c.phase == Phase::Connecting) {
            ++report_.connect_failures;
            close(c);  // NotStarted: nothing to close, just marked Closed
        } else if (c.phase == Phase::SigningOn) {
            ++report_.sign_on_failures;
            close(c);
        }
    }
    report_.setup_time =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
}

void LoadRun::printProgress(Clock::time_point now) {
    if (progress_ == nullptr) {
        return;
    }
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(now - window_start_);
    *progress_ << "[" << seconds.count() << " s] sent " << report_.sent << ", approved "
               << report_.approved << ", in flight " << totalOutstanding() << "\n";
}

std::size_t LoadRun::totalOutstanding() const {
    std::size_t total = 0;
    for (const Connection& c : connections_) {
        total += c.outstanding.size();
    }
    return total;
}

void LoadRun::runPhase() {
    sending_ = true;
    window_start_ = Clock::now();
    window_end_ = window_start_ + options_.duration;
    last_refill_ = window_start_;
    for (Connection& c : connections_) {
        makeReady(c);
    }
    Clock::time_point last_expire = window_start_;
    Clock::time_point last_progress = window_start_;
    for (Clock::time_point now = window_start_; now < window_end_; now = Clock::now()) {
        dispatch(now);
        pollOnce(waitMs(now, window_end_));
        now = Clock::now();
        if (now - last_expire >= kExpireInterval) {
            expire(now);
            last_expire = now;
        }
        if (now - last_progress >= kProgressInterval) {
            printProgress(now);
            last_progress = now;
        }
    }
    sending_ = false;
    ready_.clear();
    report_.window =
        std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - window_start_);
}

void LoadRun::drainPhase() {
    const Clock::time_point deadline =
        Clock::now() + std::chrono::milliseconds(options_.timeout_ms);
    for (Clock::time_point now = Clock::now(); now < deadline && totalOutstanding() > 0;
         now = Clock::now()) {
        pollOnce(waitMs(now, deadline));
    }
    expire(Clock::now() + std::chrono::milliseconds(options_.timeout_ms) +
           std::chrono::milliseconds(1));
}

Result<LoadReport> LoadRun::run() {
    YIKA_TRY(init());
    setupPhase();
    if (report_.active_signed_on > 0) {
        runPhase();
        drainPhase();
    }
    for (Connection& c : connections_) {
        report_.idle_open_at_end += c.phase == Phase::Idle ? 1U : 0U;
        close(c);
    }
    return report_;
}

std::string seconds(std::chrono::microseconds us) {
    std::ostringstream out;
    out.setf(std::ios::fixed);
    out.precision(3);
    out << std::chrono::duration<double>(us).count() << " s";
    return out.str();
}

}  // namespace

Status checkLoadOptions(const LoadOptions& o, std::size_t terminal_count) {
    const auto invalid = [](std::string detail) {
        return Status(makeError(ErrorCode::InvalidArgument, std::move(detail)));
    };
    const std::size_t total = o.connections + o.idle_connections;
    if (o.connections == 0 || total > kLoadConnectionsMax) {
        return invalid("--connections must be 1 or more, with --idle-connections at most " +
                       std::to_string(kLoadConnectionsMax) + " in all");
    }
    if (total > terminal_count) {
        return invalid(std::to_string(total) + " connections need as many terminals; the " +
                       "terminals file has " + std::to_string(terminal_count));
    }
    if (o.inflight == 0 || o.inflight > kLoadInflightMax) {
        return invalid("--inflight must be 1-" + std::to_string(kLoadInflightMax));
    }
    if (o.duration.count() <= 0 || o.timeout_ms <= 0 || o.setup_timeout_ms <= 0) {
        return invalid("--duration and the timeouts must be positive");
    }
    if (o.connect_concurrency == 0 || o.connect_concurrency > kLoadConnectConcurrencyMax) {
        return invalid("--connect-concurrency must be 1-" +
                       std::to_string(kLoadConnectConcurrencyMax));
    }
    if (o.amount_min_minor <= 0 || o.amount_max_minor < o.amount_min_minor ||
        o.amount_max_minor > kAmountMinorMax) {
        return invalid("the amount range must be positive and ordered");
    }
    return Ok{};
}

Result<LoadReport> runLoad(const LoadOptions& options, LoadTerminals& terminals,
                           const std::vector<LoadCard>& cards, std::ostream* progress) {
    YIKA_ASSERT(checkLoadOptions(options, terminals.size()).ok());
    YIKA_ASSERT(!cards.empty());
    LoadRun run(options, terminals, cards, progress);
    return run.run();
}

std::string formatLoadReport(const LoadReport& r) {
    std::ostringstream out;
    out << "connections  active " << r.active_signed_on << " and idle " << r.idle_signed_on
        << " signed on; connect failures " << r.connect_failures << ", sign-on failures "
        << r.sign_on_failures << ", closed by host " << r.closed_by_host << ", idle open at end "
        << r.idle_open_at_end << "\n";
    out << "setup        " << seconds(r.setup_time) << "\n";
    out << "window       " << seconds(r.window) << "\n";
    out << "requests     sent " << r.sent << ", answered " << r.answered << ", timed out or lost "
        << r.timeouts << ", unmatched " << r.unmatched << ", undecodable " << r.undecodable
        << ", MAC failures " << r.mac_failures << ", sign-on requested " << r.sign_on_requested
        << "\n";
    for (const auto& [code, count] : r.by_response_code) {
        out << "response     " << describeResponseCode(code) << ": " << count << "\n";
    }
    const double window_s = std::chrono::duration<double>(r.window).count();
    out.setf(std::ios::fixed);
    out.precision(1);
    out << "throughput   "
        << (window_s > 0 ? static_cast<double>(r.approved_in_window) / window_s : 0.0)
        << " approved/s\n";
    out << "latency us   p50 " << r.latency_us.percentile(50) << ", p90 "
        << r.latency_us.percentile(90) << ", p99 " << r.latency_us.percentile(99) << ", max "
        << r.latency_us.max() << " (" << r.latency_us.count() << " answers)\n";
    return out.str();
}

}  // namespace yika::term
