// A seeded, deterministic randomized simulation of the whole server (issue 9): the real ISO 8583
// listener, the terminal JSON HTTP API and the cardholder portal with its web-shop API run
// in-process on port 0 over one store, with a clock the simulation advances. Many terminals,
// cards of several products and cardholders with bound cards; each step picks an operation at
// random (weighted table in Simulation::Simulation) and sends one request at a time over a real
// socket, so the order of everything is fixed by the seed.
//
// An in-memory model of every card (balance, daily spend and count, PIN failures and lock,
// state, binding) and of every transaction the simulation caused predicts each answer on its
// own (approve, or the exact decline code) and the balance after it. After every step the
// server's answer must equal the prediction, every card row read through a read-only connection
// must equal the model, and the ledger invariants (store.verify()) must hold.
//
// Operations: ISO 8583 purchase (right, wrong or no PIN; amounts over the balance and the
// limits), balance inquiry, retry of an earlier request (same trace: its first answer and RRN),
// reversal of an earlier purchase or of one never sent (and that late original: 94), void,
// partial refund, PIN guessing, bursts that reach the daily count, batch settlement against the
// model's totals; HTTP purchase, balance, refund, void, reversal and retry (and a reused key:
// 409); web-shop orders paid from an account across its cards (the split is predicted exactly:
// earliest expiry, smallest balance, card id) and their partial refunds; binding with right or
// wrong PINs, report lost through the portal; unfreeze through the domain service (the portal
// has none: staff do it in the admin tool); time moving minutes to days. The business date
// follows the calendar: whenever the clock passes midnight, rollBusinessDate() cuts off (日切) and
// closes each day (clearing, payout file, expiry run, trial balance, day report).
//
// A failure prints the seed and the step; YIKA_SIM_SEED=<n> replays it, YIKA_SIM_STEPS=<n>
// changes the number of steps, YIKA_SIM_VERIFY_EVERY=<n> how often verify runs (default every
// step; always at the end). YIKA_SIM_TRACE=1 prints every step as it runs (for a crash).

#include "card_core/domain/business_day.h"
#include "card_core/domain/card_service.h"
#include "card_core/domain/day_close.h"
#include "card_core/domain/issuance.h"
#include "card_core/domain/sales_service.h"
#include "card_core/store/store_tx_runner.h"
#include "card_core/testing/pg_test_db.h"
#include "crypto/hex.h"
#include "crypto/seal_key.h"
#include "crypto/sealed_file.h"
#include "server/commands.h"
#include "server/pos_listener.h"
#include "server/production.h"
#include "server/terminals.h"
#include "terminal_api/http/http_api_server.h"
#include "terminal_api/http/http_test_support.h"
#include "terminal_api/http/key_ring_terminal_keys.h"
#include "terminal_api/http/request_signature.h"
#include "terminal_api/http/store_service_context.h"
#include "terminal_api/http/terminal_requests.h"
#include "terminal_api/iso8583/codec.h"
#include "terminal_api/term/requests.h"
#include "terminal_api/term/tcp_link.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <deque>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <optional>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "portal/portal_server.h"

namespace yika {
namespace {

using iso8583::Field;
using iso8583::Message;
using iso8583::ResponseCode;
using iso8583::TransactionType;

constexpr int kTimeoutMs = 10000;
constexpr std::uint64_t kDefaultSeed = 9009;
#if defined(__SANITIZE_ADDRESS__)
// Under ASan+UBSan every step costs several times more; the optimised build runs the long one.
constexpr std::uint64_t kDefaultSteps = 1000;
#else
constexpr std::uint64_t kDefaultSteps = 3000;
#endif
constexpr TimestampMs kHourMs = 3600 * 1000;
constexpr TimestampMs kDayMs = 24 * kHourMs;
constexpr const char* kPassword = "sim-pass-123";
constexpr const char* kPayPassword = "135790";

std::uint64_t envNumber(const char* name, std::uint64_t fallback) {
    const char* text = std::getenv(name);
    if (text == nullptr || *text == '\0') return fallback;
    return std::strtoull(text, nullptr, 10);
}

// The outcome the model predicts: empty = approved, else the domain's reason.
using Outcome = std::optional<ErrorCode>;

std::string show(const Outcome& o) { return o ? std::string(toString(*o)) : "approved"; }

// The ISO 8583 answer to an outcome, as design section 6 lists the codes. The test's own table:
// the server's mapping is what is under test.
ResponseCode isoCode(const Outcome& o) {
    if (!o) return ResponseCode::Approved;
    switch (*o) {
        case ErrorCode::CardFrozen:
        case ErrorCode::CardNotActive:
        case ErrorCode::OutOfScope:
            return ResponseCode::RestrictedCard;  // 62
        case ErrorCode::CardExpired:
            return ResponseCode::ExpiredCard;  // 54
        case ErrorCode::InsufficientFunds:
            return ResponseCode::InsufficientFunds;  // 51
        case ErrorCode::OverPurchaseLimit:
        case ErrorCode::OverDailyLimit:
        case ErrorCode::OverCardCap:
            return ResponseCode::OverAmountLimit;  // 61
        case ErrorCode::OverCountLimit:
            return ResponseCode::OverCountLimit;  // 65
        case ErrorCode::WrongPin:
        case ErrorCode::PinRequired:
            return ResponseCode::WrongPin;  // 55
        case ErrorCode::PinLocked:
            return ResponseCode::PinTriesExceeded;  // 75
        case ErrorCode::Duplicate:
            return ResponseCode::Duplicate;  // 94
        case ErrorCode::OriginalNotFound:
            return ResponseCode::OriginalNotFound;  // 25
        case ErrorCode::InvalidAmount:
            return ResponseCode::InvalidAmount;  // 13
        case ErrorCode::NotPermitted:
            return ResponseCode::NotPermittedToCard;  // 57
        default:
            return ResponseCode::SystemError;  // the model never predicts anything else
    }
}

// The HTTP status of an outcome (docs/openapi.yaml).
int httpStatus(const Outcome& o) {
    if (!o) return 200;
    switch (*o) {
        case ErrorCode::InvalidAmount:
            return 400;
        case ErrorCode::OriginalNotFound:
        case ErrorCode::NotFound:
            return 404;
        case ErrorCode::Duplicate:
        case ErrorCode::IllegalTransition:
            return 409;
        case ErrorCode::NotPermitted:
            return 422;
        default:
            return 402;  // every card decline
    }
}

// ---- the model ------------------------------------------------------------------------------

struct ProductRules {
    std::string code;
    bool named = true;
    bool bakery = false;  // acceptance scope: the bakery group only
    int validity_months = 0;
    std::int64_t cap = 0, purchase_max = 0, daily_max = 0, pin_threshold = 0;
    int count_max = 0;
    std::vector<std::int64_t> loads;  // one card sold per load
    ProductId id = 0;
};

struct SimCard {
    CardId id = 0;
    std::size_t product = 0;
    std::string pan, pin;
    std::optional<Date> expiry;
    CardState state = CardState::Active;
    std::int64_t balance = 0;
    int pin_failures = 0;
    TimestampMs locked_until = 0;
    std::optional<Date> spend_day;
    std::int64_t spent_today = 0;
    int count_today = 0;
    int account = -1;  // bound to this account, or -1
};

struct SimMerchant {
    std::string mid;
    bool bakery = false;
    MerchantId id = 0;
};

enum class Kind { Purchase, Refund, Void, Reversal, Leg };
enum class TxnState { Approved, Declined, Reversed };

// A transaction the simulation caused, as the model expects it in the database.
struct SimTxn {
    TxnId id = 0;  // learned from the first answer (the RRN / txn_id)
    Kind kind = Kind::Purchase;
    std::size_t card = 0;
    std::size_t merchant = 0;
    int terminal = -1;  // index into terminals_, -1 for an online leg
    int batch = 0;
    std::int64_t amount = 0;
    std::int64_t refunded = 0;
    TxnState state = TxnState::Approved;
    Date business_date;
};

// What the model predicts for one request.
struct Prediction {
    Outcome outcome;
    std::optional<std::size_t> txn;  // the recorded transaction (approved or declined), if any
    bool replay = false;             // answered from the first request's record
    bool conflict = false;           // HTTP: the key was used for another request
};

Prediction only(Outcome o) {
    Prediction p;
    p.outcome = o;
    return p;
}

struct Recorded {
    Outcome outcome;
    std::optional<std::size_t> txn;
};

// ---- clients --------------------------------------------------------------------------------

// One signed-on ISO 8583 terminal on its own connection.
class PosLink {
  public:
    PosLink(std::uint16_t port, std::string tid, std::string mid, Bytes tmk)
        : tid_(std::move(tid)), tmk_(std::move(tmk)) {
        auto link = term::TcpLink::connect("127.0.0.1", port, kTimeoutMs);
        if (link.ok()) link_.emplace(std::move(*link));
        context.tid = tid_;
        context.mid = std::move(mid);
        context.batch = "000001";
    }

    bool signOn(std::uint32_t trace) {
        if (!link_) return false;
        auto answer = exchange(term::sealFrame(term::buildSignOn(context, trace), {}));
        if (!answer) return false;
        auto accepted = term::acceptSignOnResponse(*answer, tmk_, tid_);
        if (!accepted.ok()) return false;
        context.batch = accepted->batch;
        keys_.emplace(crypto::deriveSessionKeys(tmk_, tid_, accepted->nonce));
        return true;
    }

    Result<Message> build(const term::CardRequest& r) const {
        return term::buildCardRequest(context, r, keys_->pin_key.span());
    }
    // Seals `m` with the session MAC key and waits for the answer; nullopt if none came.
    std::optional<Message> send(const Message& m) {
        return exchange(term::sealFrame(m, keys_->mac_key.span()));
    }
    // Whether the last answer's MAC verifies under the session key.
    bool lastMacValid(const Message& response) const {
        return term::checkMac(last_body_, response, keys_->mac_key.span()) == term::MacCheck::Valid;
    }

    term::TerminalContext context;

  private:
    std::optional<Message> exchange(const Bytes& frame) {
        if (!link_->send(frame, kTimeoutMs).ok()) return std::nullopt;
        auto body = link_->receiveFrame({}, kTimeoutMs);
        if (!body.ok()) return std::nullopt;
        last_body_ = *body;
        auto m = iso8583::decode(*body, {});
        if (!m.ok()) return std::nullopt;
        return *m;
    }

    std::string tid_;
    Bytes tmk_;
    std::optional<term::TcpLink> link_;
    std::optional<crypto::SessionKeys> keys_;
    Bytes last_body_;
};

struct PortalAnswer {
    int status = 0;
    std::string body;
    Poco::JSON::Object::Ptr json;
    std::string errorCode() const {
        if (!json || !json->has("error")) return {};
        return json->getObject("error")->getValue<std::string>("code");
    }
};

// A browser-like portal client: keeps its cookies, sends the CSRF header on POSTs.
class PortalClient {
  public:
    explicit PortalClient(std::uint16_t port) : port_(port) {}

    PortalAnswer post(const std::string& path, const std::string& body) {
        Poco::Net::HTTPClientSession session("127.0.0.1", port_);
        session.setTimeout(Poco::Timespan(kTimeoutMs / 1000, 0));
        Poco::Net::HTTPRequest request("POST", path, Poco::Net::HTTPMessage::HTTP_1_1);
        std::string cookies;
        for (const auto& [name, value] : cookies_) {
            cookies += (cookies.empty() ? "" : "; ") + name + "=" + value;
        }
        if (!cookies.empty()) request.set("Cookie", cookies);
        request.setContentType("application/json");
        request.setContentLength64(static_cast<Poco::Int64>(body.size()));
        if (cookies_.count("yika_csrf")) request.set("X-CSRF-Token", cookies_["yika_csrf"]);
        session.sendRequest(request) << body;
        Poco::Net::HTTPResponse response;
        std::istream& in = session.receiveResponse(response);
        PortalAnswer a;
        a.status = static_cast<int>(response.getStatus());
        std::ostringstream out;
        Poco::StreamCopier::copyStream(in, out);
        a.body = out.str();
        for (const auto& [name, value] : response) {
            if (Poco::icompare(name, "Set-Cookie") != 0) continue;
            std::string pair = value.substr(0, value.find(';'));
            std::string cname = pair.substr(0, pair.find('='));
            std::string cvalue = pair.substr(pair.find('=') + 1);
            if (cvalue.empty()) {
                cookies_.erase(cname);
            } else {
                cookies_[cname] = cvalue;
            }
        }
        if (!a.body.empty() && a.body[0] == '{') {
            a.json = Poco::JSON::Parser().parse(a.body).extract<Poco::JSON::Object::Ptr>();
        }
        return a;
    }

  private:
    std::uint16_t port_;
    std::map<std::string, std::string> cookies_;
};

struct SimTerminal {
    std::string tid;
    std::size_t merchant = 0;
    bool http = false;
    std::unique_ptr<PosLink> pos;
    std::unique_ptr<http::testing::SigningClient> client;
    std::uint32_t trace = 1;
    int batch = 1;
};

// A POS request the simulation sent (or built and kept back), enough to send it again and to
// predict its answer again.
struct PosSent {
    std::size_t terminal = 0;
    Message message;
    TransactionType type = TransactionType::Purchase;
    std::size_t card = 0;
    std::int64_t amount = 0;
    std::optional<bool> pin_right;  // nullopt: no PIN entered
    std::optional<std::size_t> original;
    std::string key;       // model identity: P:<tid>:<batch>:<trace>
    std::string reversed;  // for a reversal: the key of the request it reverses
    std::string first_rrn;
    bool sent = false;
};

struct HttpSent {
    std::size_t terminal = 0;
    std::string path, body, idem;
    http::Operation op = http::Operation::Purchase;
    std::size_t card = 0;
    std::int64_t amount = 0;
    std::optional<bool> pin_right;
    std::optional<std::size_t> original;
    std::string key;  // H:<tid>:<idem>
    std::string reversed;
    std::int64_t first_txn_id = 0;
};

struct SimOrder {
    std::string ref;
    std::size_t account = 0;
    std::int64_t amount = 0;
    std::int64_t refunded = 0;
    std::vector<std::size_t> legs;  // txns_ indices, in debit order
    int refunds = 0;
};

struct SimAccount {
    std::string login;
    std::unique_ptr<PortalClient> client;
};

// ---- the simulation -------------------------------------------------------------------------

class Simulation {
  public:
    Simulation(std::uint64_t seed, const std::filesystem::path& dir)
        : seed_(seed), dir_(dir), random_(seed) {
        // The operations and their weights. One line adds an operation.
        ops_ = {
            {"pos_purchase", 22, [this] { posPurchase(); }},
            {"pos_balance", 5, [this] { posBalance(); }},
            {"pos_retry", 8, [this] { posRetry(); }},
            {"pos_reversal", 5, [this] { posReversal(); }},
            {"pos_reversal_unsent", 2, [this] { posReversalOfUnsent(); }},
            {"pos_late_original", 1, [this] { posLateOriginal(); }},
            {"pos_void", 5, [this] { posVoid(); }},
            {"pos_refund", 5, [this] { posRefund(); }},
            {"pos_settle", 1, [this] { posSettle(); }},
            {"pos_pin_guess", 3, [this] { posPinGuess(); }},
            {"pos_burst", 1, [this] { posBurst(); }},
            {"http_purchase", 10, [this] { httpPurchase(); }},
            {"http_balance", 2, [this] { httpBalance(); }},
            {"http_refund", 4, [this] { httpRefund(); }},
            {"http_void", 2, [this] { httpVoid(); }},
            {"http_reversal", 2, [this] { httpReversal(); }},
            {"http_retry", 4, [this] { httpRetry(); }},
            {"shop_order_pay", 5, [this] { shopOrderPay(); }},
            {"shop_refund", 3, [this] { shopRefund(); }},
            {"portal_bind", 2, [this] { portalBind(); }},
            {"portal_freeze", 2, [this] { portalFreeze(); }},
            {"admin_unfreeze", 2, [this] { adminUnfreeze(); }},
            {"advance_time", 6, [this] { advanceTime(); }},
            // The day close (日切) runs whenever the clock passes midnight (rollBusinessDate);
            // this operation jumps to just after the next midnight.
            {"day_close", 2, [this] { closeToday(); }},
        };
    }

    ~Simulation() {
        portal_.reset();
        if (http_server_) http_server_->stop();
        http_server_.reset();
        http_context_.reset();
        pos_.reset();
        rt_.reset();
    }

    void setUp();
    // Runs `steps` steps; stops at the first failed expectation.
    void run(std::uint64_t steps, std::uint64_t verify_every);
    std::map<std::string, int> counts() const { return op_counts_; }
    std::map<std::string, int> outcomes() const { return outcome_counts_; }

  private:
    struct Op {
        const char* name;
        int weight;
        std::function<void()> run;
    };

    // --- helpers ---
    std::uint64_t below(std::uint64_t n) { return n == 0 ? 0 : random_() % n; }
    bool chance(int percent) { return static_cast<int>(below(100)) < percent; }
    std::int64_t between(std::int64_t lo, std::int64_t hi) {
        return lo + static_cast<std::int64_t>(below(static_cast<std::uint64_t>(hi - lo + 1)));
    }
    template <typename T>
    const T& pick(const std::vector<T>& v) {
        return v[below(v.size())];
    }
    TimestampMs now() const { return clock_.nowMs(); }
    const ProductRules& productOf(const SimCard& c) const { return products_[c.product]; }
    std::string wrongPin(const std::string& pin) const {
        std::string w = pin;
        w[5] = w[5] == '9' ? '0' : static_cast<char>(w[5] + 1);
        return w;
    }
    void note(const std::string& what) {
        trail_.push_back("step " + std::to_string(step_) + ": " + what);
        if (trace_) std::cerr << trail_.back() << "\n";  // YIKA_SIM_TRACE=1: every step, live
        if (trail_.size() > 12) trail_.pop_front();
    }
    void countOutcome(const std::string& channel, const Outcome& o) {
        outcome_counts_[channel + " " + show(o)] += 1;
    }
    // A third of the requests go to a few "hot" cards (the first of each product), so that
    // their daily count limits, PIN locks and empty balances are reached too.
    std::size_t pickCard() {
        if (!chance(35)) return below(cards_.size());
        std::size_t product = below(products_.size());
        for (std::size_t i = 0; i < cards_.size(); ++i) {
            if (cards_[i].product == product) return i + below(2);
        }
        return 0;
    }
    bool hot(std::size_t card) const {
        return card == 0 || cards_[card - 1].product != cards_[card].product ||
               (card >= 2 && cards_[card - 2].product != cards_[card].product);
    }
    std::int64_t pickAmount(std::size_t card);
    std::size_t pickTerminal(bool http) {
        std::vector<std::size_t> fit;
        for (std::size_t i = 0; i < terminals_.size(); ++i) {
            if (terminals_[i].http == http) fit.push_back(i);
        }
        return pick(fit);
    }

    // --- the model's rules (design sections 3, 5, 6) ---
    Outcome checkPin(SimCard& c, bool right);
    bool expired(const SimCard& c) const { return c.expiry && *c.expiry < business_date_; }
    std::pair<std::int64_t, int> today(const SimCard& c) const {
        if (c.spend_day != business_date_) return {0, 0};
        return {c.spent_today, c.count_today};
    }
    Outcome authorize(const SimCard& c, std::size_t merchant, std::int64_t amount,
                      bool has_pin) const;
    void debit(SimCard& c, std::int64_t amount);
    Prediction purchaseModel(std::size_t t, std::size_t card, std::int64_t amount,
                             std::optional<bool> pin_right, const std::string& key,
                             const std::string& reversal_key);
    Outcome balanceModel(std::size_t t, std::size_t card, std::optional<bool> pin_right);
    Prediction voidModel(std::size_t t, std::size_t original, std::int64_t amount,
                         const std::string& key);
    Prediction refundModel(std::size_t t, std::size_t original, std::int64_t amount,
                           const std::string& key);
    Prediction reversalModel(std::size_t t, const std::string& original_key,
                             const std::string& key);
    std::size_t record(const std::string& key, const Outcome& o, SimTxn txn);
    std::int64_t legCapacity(const SimCard& c, std::size_t merchant) const;

    // --- operations ---
    void posPurchase();
    void posBalance();
    void posRetry();
    void posReversal();
    void posReversalOfUnsent();
    void posLateOriginal();
    void posVoid();
    void posRefund();
    void posSettle();
    void posPinGuess();
    void posBurst();
    void httpPurchase();
    void httpBalance();
    void httpRefund();
    void httpVoid();
    void httpReversal();
    void httpRetry();
    void shopOrderPay();
    void shopRefund();
    void portalBind();
    void portalFreeze();
    void adminUnfreeze();
    void advanceTime();
    void rollBusinessDate(Date to);
    void closeToday();
    int days_closed_ = 0;

  public:
    int daysClosed() const { return days_closed_; }

  private:
    // --- sending and checking ---
    std::string posKey(const SimTerminal& t, std::uint32_t trace) const {
        return "P:" + t.tid + ":" + std::to_string(t.batch) + ":" + std::to_string(trace);
    }
    term::CardRequest cardRequest(TransactionType type, const SimCard& c, std::int64_t amount,
                                  std::optional<bool> pin_right, std::uint32_t trace) const;
    Prediction predictPos(PosSent& s);
    void sendPos(PosSent& s, bool retry);
    Prediction predictHttp(HttpSent& s);
    void sendHttp(HttpSent& s, bool retry);
    PortalAnswer portalPost(std::size_t account, const std::string& path, const std::string& body);
    std::vector<std::size_t> purchasesAt(std::size_t merchant, bool approved_only) const;
    void checkCards();
    void checkLedger();

    std::uint64_t seed_;
    std::filesystem::path dir_;
    std::mt19937_64 random_;
    std::vector<Op> ops_;
    std::uint64_t step_ = 0;
    bool trace_ = envNumber("YIKA_SIM_TRACE", 0) != 0;
    std::deque<std::string> trail_;
    std::map<std::string, int> op_counts_;
    std::map<std::string, int> outcome_counts_;

    http::testing::TestClock clock_{http::testing::kTestStartMs};
    Date business_date_;
    std::unique_ptr<server::Runtime> rt_;
    std::unique_ptr<server::PosListener> pos_;
    std::unique_ptr<http::KeyRingTerminalKeys> http_keys_;
    std::unique_ptr<http::StoreServiceContext> http_context_;
    std::unique_ptr<http::HttpApiServer> http_server_;
    std::unique_ptr<portal::PortalServer> portal_;
    std::unique_ptr<http::testing::SigningClient> shop_;
    std::unique_ptr<store::Database> reader_;
    portal::PortalLimits portal_limits_;

    std::vector<ProductRules> products_;
    std::vector<SimMerchant> merchants_;
    std::size_t shop_merchant_ = 0;
    std::vector<SimTerminal> terminals_;
    std::vector<SimCard> cards_;
    std::vector<SimAccount> accounts_;
    std::vector<SimTxn> txns_;
    std::map<std::string, Recorded> recorded_;
    std::vector<PosSent> pos_sent_;
    std::vector<PosSent> pos_unsent_;  // built, reversed, not (yet) sent
    std::vector<HttpSent> http_sent_;
    std::vector<SimOrder> orders_;
    int http_keys_used_ = 0;
    int orders_created_ = 0;
};

// ---- set-up ---------------------------------------------------------------------------------

Money cny(std::int64_t minor) { return Money::fromMinor(minor, Currency::Cny); }

void Simulation::setUp() {
    std::filesystem::remove_all(dir_);
    ASSERT_EQ(server::runInit({"--data", dir_.string()}), 0);
    portal_limits_.password_ops = 1;  // fast hashing: the portal's cost is not under test
    portal_limits_.password_mem_kib = 8;
    portal_limits_.login_per_address_max = 1'000'000;  // every client is 127.0.0.1
    portal_limits_.login_per_account_max = 1'000'000;
    portal_limits_.bind_per_address_max = 1'000'000;
    portal_limits_.bind_per_account_max = 1'000'000;
    auto rt = server::openRuntime(dir_.string(), false, [&](server::Config& c) {
        c.portal.limits = portal_limits_;
        // Durability is not what this test is about (the crash test is); without an fsync per
        // commit the simulation runs several times more steps in the same time.
        c.store.synchronous_full = false;
    });
    ASSERT_TRUE(rt.ok()) << rt.error().detail;
    rt_ = std::move(*rt);
    server::Runtime& rt_ref = *rt_;
    store::CommitQueue& writer = rt_->store->writer();
    business_date_ = clock_.todayCst();
    ASSERT_TRUE(writer
                    .runStatus([&](StoreTx& tx) {
                        tx.setBusinessDate(business_date_);
                        return Status(Ok{});
                    })
                    .ok());
    // The manufacturer's key pair (yikad init --demo makes one the same way).
    auto pair = crypto::generateSealKeyPair();
    ASSERT_TRUE(
        crypto::writeSealPublicKeyFile(rt_->paths.manufacturer_public_key(), pair.public_key).ok());

    // Products: limits small enough that every decline happens often.
    products_ = {
        {"SIM-NAMED",
         true,
         false,
         0,
         500'000,
         150'000,
         200'000,
         80'000,
         6,
         {300'000, 250'000, 200'000, 150'000, 100'000, 80'000, 60'000, 50'000, 40'000, 30'000,
          20'000, 10'000}},
        {"SIM-SMALL",
         true,
         false,
         0,
         200'000,
         30'000,
         50'000,
         10'000,
         4,
         {100'000, 80'000, 50'000, 30'000, 20'000, 10'000, 5'000, 2'000}},
        // Anonymous, valid one month from the sale, so that some expire during the run.
        {"SIM-ANON",
         false,
         false,
         1,
         100'000,
         100'000,
         100'000,
         20'000,
         10,
         {100'000, 80'000, 50'000, 30'000, 20'000, 10'000, 5'000, 1'000}},
        {"SIM-BAKERY",
         true,
         true,
         0,
         200'000,
         50'000,
         80'000,
         30'000,
         5,
         {200'000, 100'000, 50'000, 30'000, 10'000, 5'000}},
    };
    auto group = writer.run<MerchantGroupId>([](StoreTx& tx) -> Result<MerchantGroupId> {
        return tx.insertMerchantGroup("SIMBAKERY", "Simulated bakery stores");
    });
    ASSERT_TRUE(group.ok());
    for (ProductRules& p : products_) {
        CardProduct product = defaultProduct(p.named, rt_->config.policies.product);
        product.code = p.code;
        product.name = p.code;
        product.bin = p.named ? (p.bakery ? "99000203" : "99000201") : "99000202";
        if (p.code == "SIM-SMALL") product.bin = "99000204";
        product.pan_length = 16;
        product.max_balance = cny(p.cap);
        product.validity_months = p.validity_months;
        product.load_amounts.clear();
        product.purchase_max = cny(p.purchase_max);
        product.daily_spend_max = cny(p.daily_max);
        product.daily_count_max = p.count_max;
        product.pin_threshold_daily = cny(p.pin_threshold);
        if (p.bakery) product.scope_group = *group;
        Policies policies = rt_->config.policies;
        policies.product.anonymous_validity_months_min = 1;  // this product only: see above
        auto id = writer.run<ProductId>(
            [&](StoreTx& tx) { return createProduct(tx, product, policies); });
        ASSERT_TRUE(id.ok()) << p.code << ": " << id.error().detail;
        p.id = *id;
    }
    merchants_ = {{"898310048169001", false},
                  {"898310058129002", false},
                  {"898310070119003", false},
                  {"898310054119004", true}};
    shop_merchant_ = 2;
    for (SimMerchant& m : merchants_) {
        auto id = writer.run<MerchantId>([&](StoreTx& tx) -> Result<MerchantId> {
            Merchant row;
            row.mid = m.mid;
            row.name = "Sim merchant " + m.mid.substr(11);
            row.fee_bps = 50;
            row.fee_mode = FeeMode::Net;
            if (m.bakery) row.group = *group;
            row.bank_name = "Sim Bank";
            row.bank_account = "6222000000000000000";
            YIKA_TRY(validateMerchant(row));
            return tx.insertMerchant(row);
        });
        ASSERT_TRUE(id.ok()) << id.error().detail;
        m.id = *id;
    }
    // Terminals: five ISO 8583 (two at merchant 0), two HTTP, and the web shop of merchant 2.
    struct TerminalPlan {
        std::string tid;
        std::size_t merchant;
        bool http;
    };
    const std::vector<TerminalPlan> plan = {
        {"SIMPOS01", 0, false}, {"SIMPOS02", 0, false}, {"SIMPOS03", 1, false},
        {"SIMPOS04", 2, false}, {"SIMPOS05", 3, false}, {"SIMHTTP1", 1, true},
        {"SIMHTTP2", 3, true},
    };
    std::vector<Bytes> tmks;
    for (const TerminalPlan& t : plan) {
        auto registered =
            server::registerTerminal(rt_ref, merchants_[t.merchant].mid, t.tid, std::nullopt);
        ASSERT_TRUE(registered.ok()) << registered.error().detail;
        auto tmk = crypto::fromHex(registered->tmk_hex);
        ASSERT_TRUE(tmk.has_value());
        tmks.emplace_back(tmk->begin(), tmk->end());
        SimTerminal st;
        st.tid = t.tid;
        st.merchant = t.merchant;
        st.http = t.http;
        terminals_.push_back(std::move(st));
    }
    auto shop =
        server::registerTerminal(rt_ref, merchants_[shop_merchant_].mid, "SIMSHOP1", std::nullopt);
    ASSERT_TRUE(shop.ok());
    auto shop_tmk = crypto::fromHex(shop->tmk_hex);
    ASSERT_TRUE(shop_tmk.has_value());

    // Cards: produced, received, sold in one order (bank transfer) with one load each.
    std::map<CardId, std::pair<std::string, std::string>> secrets;
    SalesOrder order;
    order.buyer = {BuyerKind::Individual, "Sim Buyer", IdType::ResidentIdCard,
                   "11010519491231002X",  "",          "13800000000"};
    order.location = "HQ";
    order.payment_method = PaymentMethod::BankTransfer;
    for (const ProductRules& p : products_) {
        server::ProduceRequest request{
            p.code, static_cast<std::int64_t>(p.loads.size()), "HQ", "alice", "bob", {}, true};
        auto produced = server::produceBatch(rt_ref, request, nullptr);
        ASSERT_TRUE(produced.ok()) << produced.error().detail;
        auto plain =
            crypto::openSealedFile(produced->sealed_file, pair.public_key, pair.secret_key.span());
        ASSERT_TRUE(plain.ok()) << plain.error().detail;
        std::istringstream lines(*plain);
        std::string line;
        std::getline(lines, line);  // header
        while (std::getline(lines, line)) {
            std::vector<std::string> f;
            std::istringstream fields(line);
            std::string field;
            while (std::getline(fields, field, ',')) f.push_back(field);
            ASSERT_GE(f.size(), 3u);
            secrets[std::stoll(f[0])] = {f[1], f[2]};
        }
        for (std::size_t i = 0; i < p.loads.size(); ++i) {
            CardId id = produced->first_card_id + static_cast<CardId>(i);
            order.lines.push_back({p.id, 1, id, id, cny(p.loads[i])});
        }
    }
    auto order_id = writer.run<OrderId>([&](StoreTx& tx) {
        return createOrder(tx, order, rt_ref.config.policies, clock_.nowMs());
    });
    ASSERT_TRUE(order_id.ok()) << order_id.error().detail;
    auto pay_total = writer.run<Money>(
        [&](StoreTx& tx) -> Result<Money> { return tx.order(*order_id)->pay_total; });
    ASSERT_TRUE(pay_total.ok());
    Payment transfer{PaymentMethod::BankTransfer, *pay_total, "Sim Buyer", "6217000000000000001",
                     "SIM-TRF-1"};
    Actor seller{ActorKind::Operator, "sim-sales", Channel::Cli};
    ASSERT_TRUE(writer
                    .runStatus([&](StoreTx& tx) {
                        return recordPayment(tx, *order_id, transfer, seller,
                                             rt_ref.config.policies, clock_.nowMs());
                    })
                    .ok());
    for (std::size_t pi = 0; pi < products_.size(); ++pi) {
        for (const OrderLine& line : order.lines) {
            if (line.product_id != products_[pi].id) continue;
            SimCard c;
            c.id = *line.first_card_id;
            c.product = pi;
            c.pan = secrets.at(c.id).first;
            c.pin = secrets.at(c.id).second;
            c.balance = line.load_each.minor();
            if (products_[pi].validity_months > 0) {
                c.expiry = business_date_.plusMonths(products_[pi].validity_months);
            }
            cards_.push_back(c);
        }
    }
    ASSERT_GE(cards_.size(), 30u);

    // The listeners, wired as `yikad serve` wires them, on the simulation's clock.
    auto listener = server::PosListener::create(rt_ref, clock_);
    ASSERT_TRUE(listener.ok()) << listener.error().detail;
    pos_ = std::move(*listener);
    ASSERT_TRUE(pos_->start(0).ok());
    http_keys_ = std::make_unique<http::KeyRingTerminalKeys>(rt_->keys);
    http_context_ = std::make_unique<http::StoreServiceContext>(
        *rt_->store, rt_->pins, rt_->vault, rt_->config.policies, clock_, *http_keys_,
        rt_->config.http.limits);
    http_server_ = std::make_unique<http::HttpApiServer>(*http_context_, rt_->config.http.limits);
    ASSERT_TRUE(http_server_->start("127.0.0.1", 0).ok());
    portal_ = std::make_unique<portal::PortalServer>(
        portal::PortalDeps{*rt_->store, rt_->pins, rt_->vault, rt_->config.policies, clock_,
                           rt_->keys, *http_keys_},
        portal::PortalOptions{rt_->config.portal.limits, ""});
    ASSERT_TRUE(portal_->start("127.0.0.1", 0).ok());
    shop_ = std::make_unique<http::testing::SigningClient>(
        "127.0.0.1", portal_->port(), "SIMSHOP1", http::deriveHttpKey(*shop_tmk, "SIMSHOP1"),
        clock_);
    for (std::size_t i = 0; i < terminals_.size(); ++i) {
        SimTerminal& t = terminals_[i];
        if (t.http) {
            t.client = std::make_unique<http::testing::SigningClient>(
                "127.0.0.1", http_server_->port(), t.tid, http::deriveHttpKey(tmks[i], t.tid),
                clock_);
        } else {
            t.pos =
                std::make_unique<PosLink>(pos_->port(), t.tid, merchants_[t.merchant].mid, tmks[i]);
            ASSERT_TRUE(t.pos->signOn(t.trace++)) << t.tid;
            t.batch = std::stoi(t.pos->context.batch);
        }
    }
    reader_ = rt_->store->openReader();

    // Cardholders: four accounts, each with network cards bound through the portal.
    for (int a = 0; a < 4; ++a) {
        SimAccount account;
        account.login = "1390000000" + std::to_string(a);
        account.client = std::make_unique<PortalClient>(portal_->port());
        PortalAnswer r =
            account.client->post("/api/register", R"({"login":")" + account.login +
                                                      R"(","password":")" + kPassword + R"("})");
        ASSERT_EQ(r.status, 201) << r.body;
        PortalAnswer p = account.client->post("/api/pay-password",
                                              R"({"password":")" + std::string(kPassword) +
                                                  R"(","pay_password":")" + kPayPassword + R"("})");
        ASSERT_EQ(p.status, 200) << p.body;
        accounts_.push_back(std::move(account));
    }
    // Cards 0-3 of SIM-NAMED, 0-1 of SIM-SMALL and SIM-ANON, one bakery card: spread over the
    // accounts. The rest stay unbound for portal_bind.
    std::vector<std::size_t> to_bind;
    std::map<std::size_t, int> taken;
    for (std::size_t i = 0; i < cards_.size(); ++i) {
        int want = cards_[i].product == 0 ? 5 : cards_[i].product == 3 ? 1 : 2;
        if (taken[cards_[i].product]++ < want) to_bind.push_back(i);
    }
    for (std::size_t k = 0; k < to_bind.size(); ++k) {
        SimCard& c = cards_[to_bind[k]];
        int a = static_cast<int>(k % accounts_.size());
        PortalAnswer bound = accounts_[static_cast<std::size_t>(a)].client->post(
            "/api/cards/bind", R"({"card_number":")" + c.pan + R"(","pin":")" + c.pin + R"("})");
        ASSERT_EQ(bound.status, 200) << bound.body;
        c.account = a;
    }
    checkCards();
    checkLedger();
}

// ---- the model ------------------------------------------------------------------------------

std::int64_t Simulation::pickAmount(std::size_t card) {
    const SimCard& c = cards_[card];
    const ProductRules& p = productOf(c);
    if (hot(card) && chance(60)) return between(1, 300);  // small: the count limit comes first
    auto [spent, count] = today(c);
    (void)count;
    switch (below(8)) {
        case 0:  // over the balance
            return c.balance + between(1, 5000);
        case 1:  // over the per-purchase limit
            return p.purchase_max + between(1, 10000);
        case 2:  // what is left of today's limit, or just over it
            return std::max<std::int64_t>(1, p.daily_max - spent + between(-1, 1));
        case 3:  // the whole balance
            return std::max<std::int64_t>(1, c.balance);
        default:
            return between(1, std::max<std::int64_t>(1, std::min(p.purchase_max, c.balance / 2)));
    }
}

Outcome Simulation::checkPin(SimCard& c, bool right) {
    if (c.locked_until > now()) return ErrorCode::PinLocked;
    if (!right) {
        c.pin_failures += 1;
        if (c.pin_failures >= rt_->config.policies.pin.failures_max) {
            c.locked_until = now() + rt_->config.policies.pin.lock_ms;
            c.pin_failures = 0;
            return ErrorCode::PinLocked;
        }
        return ErrorCode::WrongPin;
    }
    c.pin_failures = 0;
    return std::nullopt;
}

Outcome Simulation::authorize(const SimCard& c, std::size_t merchant, std::int64_t amount,
                              bool has_pin) const {
    const ProductRules& p = productOf(c);
    if (c.state == CardState::Frozen) return ErrorCode::CardFrozen;
    if (expired(c)) return ErrorCode::CardExpired;
    if (c.state != CardState::Active) return ErrorCode::CardNotActive;
    if (p.bakery && !merchants_[merchant].bakery) return ErrorCode::OutOfScope;
    if (amount <= 0) return ErrorCode::InvalidAmount;
    if (amount > p.purchase_max) return ErrorCode::OverPurchaseLimit;
    auto [spent, count] = today(c);
    if (count + 1 > p.count_max) return ErrorCode::OverCountLimit;
    if (spent + amount > p.daily_max) return ErrorCode::OverDailyLimit;
    if (amount > c.balance) return ErrorCode::InsufficientFunds;
    if (!has_pin && spent + amount > p.pin_threshold) return ErrorCode::PinRequired;
    return std::nullopt;
}

void Simulation::debit(SimCard& c, std::int64_t amount) {
    auto [spent, count] = today(c);
    c.spend_day = business_date_;
    c.spent_today = spent + amount;
    c.count_today = count + 1;
    c.balance -= amount;
}

std::size_t Simulation::record(const std::string& key, const Outcome& o, SimTxn txn) {
    txn.business_date = business_date_;
    txns_.push_back(txn);
    recorded_[key] = {o, txns_.size() - 1};
    return txns_.size() - 1;
}

Prediction Simulation::purchaseModel(std::size_t t, std::size_t card, std::int64_t amount,
                                     std::optional<bool> pin_right, const std::string& key,
                                     const std::string& reversal_key) {
    if (auto it = recorded_.find(key); it != recorded_.end()) {
        return {it->second.outcome, it->second.txn, true};
    }
    SimCard& c = cards_[card];
    SimTxn txn;
    txn.kind = Kind::Purchase;
    txn.card = card;
    txn.merchant = terminals_[t].merchant;
    txn.terminal = static_cast<int>(t);
    txn.batch = terminals_[t].batch;
    txn.amount = amount;
    Outcome o;
    if (recorded_.count(reversal_key)) {
        o = ErrorCode::Duplicate;  // reversed before it arrived: does nothing
    } else {
        if (pin_right) o = checkPin(c, *pin_right);
        if (!o) o = authorize(c, txn.merchant, amount, pin_right.has_value());
    }
    if (o) {
        txn.state = TxnState::Declined;
    } else {
        debit(c, amount);
    }
    return {o, record(key, o, txn)};
}

Outcome Simulation::balanceModel(std::size_t t, std::size_t card, std::optional<bool> pin_right) {
    SimCard& c = cards_[card];
    if (pin_right) {
        if (Outcome o = checkPin(c, *pin_right)) return o;
    } else if (c.locked_until > now()) {
        return ErrorCode::PinLocked;
    }
    if (c.state == CardState::Frozen) return ErrorCode::CardFrozen;
    if (c.state == CardState::Expired) return ErrorCode::CardExpired;  // after a day close
    if (productOf(c).bakery && !merchants_[terminals_[t].merchant].bakery) {
        return ErrorCode::OutOfScope;
    }
    return std::nullopt;
}

Prediction Simulation::voidModel(std::size_t t, std::size_t original, std::int64_t amount,
                                 const std::string& key) {
    if (auto it = recorded_.find(key); it != recorded_.end()) {
        return {it->second.outcome, it->second.txn, true};
    }
    SimTxn& o = txns_[original];
    if (o.merchant != terminals_[t].merchant) return only(ErrorCode::OriginalNotFound);
    if (o.kind != Kind::Purchase || o.state != TxnState::Approved ||
        o.terminal != static_cast<int>(t)) {
        return only(ErrorCode::OriginalNotFound);
    }
    if (o.business_date != business_date_) return only(ErrorCode::NotPermitted);
    if (amount != o.amount || o.refunded != 0) return only(ErrorCode::InvalidAmount);
    SimCard& c = cards_[o.card];
    c.balance += amount;
    if (c.spend_day == business_date_) {
        c.spent_today -= amount;
        c.count_today -= 1;
    }
    o.state = TxnState::Reversed;
    SimTxn v;
    v.kind = Kind::Void;
    v.card = o.card;
    v.merchant = o.merchant;
    v.terminal = static_cast<int>(t);
    v.batch = terminals_[t].batch;
    v.amount = amount;
    return {std::nullopt, record(key, std::nullopt, v)};
}

Prediction Simulation::refundModel(std::size_t t, std::size_t original, std::int64_t amount,
                                   const std::string& key) {
    if (auto it = recorded_.find(key); it != recorded_.end()) {
        return {it->second.outcome, it->second.txn, true};
    }
    SimTxn& o = txns_[original];
    if (o.merchant != terminals_[t].merchant) return only(ErrorCode::OriginalNotFound);
    // An online payment leg is refunded through its order only.
    if (o.kind != Kind::Purchase || o.state != TxnState::Approved) {
        return only(ErrorCode::OriginalNotFound);
    }
    if (amount <= 0 || amount > o.amount - o.refunded) return only(ErrorCode::InvalidAmount);
    SimCard& c = cards_[o.card];
    if (c.balance + amount > productOf(c).cap) return only(ErrorCode::OverCardCap);
    c.balance += amount;
    o.refunded += amount;
    SimTxn r;
    r.kind = Kind::Refund;
    r.card = o.card;
    r.merchant = o.merchant;
    r.terminal = static_cast<int>(t);
    r.batch = terminals_[t].batch;
    r.amount = amount;
    return {std::nullopt, record(key, std::nullopt, r)};
}

Prediction Simulation::reversalModel(std::size_t t, const std::string& original_key,
                                     const std::string& key) {
    if (auto it = recorded_.find(key); it != recorded_.end()) {
        return {it->second.outcome, it->second.txn, true};
    }
    SimTxn rev;
    rev.kind = Kind::Reversal;
    rev.terminal = static_cast<int>(t);
    rev.merchant = terminals_[t].merchant;
    rev.batch = terminals_[t].batch;
    auto first = recorded_.find(original_key);
    if (first == recorded_.end() || !first->second.txn ||
        txns_[*first->second.txn].state != TxnState::Approved) {
        // Never arrived, declined or already undone: succeeds and changes nothing.
        return {std::nullopt, record(key, std::nullopt, rev)};
    }
    SimTxn& o = txns_[*first->second.txn];
    if (o.refunded != 0) return only(ErrorCode::NotPermitted);
    SimCard& c = cards_[o.card];
    c.balance += o.amount;
    // The day's counters give back only what this business day counted.
    if (c.spend_day == business_date_ && o.business_date == business_date_) {
        c.spent_today -= o.amount;
        c.count_today -= 1;
    }
    o.state = TxnState::Reversed;
    rev.card = o.card;
    rev.amount = o.amount;
    return {std::nullopt, record(key, std::nullopt, rev)};
}

std::int64_t Simulation::legCapacity(const SimCard& c, std::size_t merchant) const {
    const ProductRules& p = productOf(c);
    if (c.state != CardState::Active || expired(c)) return 0;
    if (p.bakery && !merchants_[merchant].bakery) return 0;
    auto [spent, count] = today(c);
    if (count + 1 > p.count_max) return 0;
    std::int64_t cap = std::min({c.balance, p.purchase_max, p.daily_max - spent});
    return std::max<std::int64_t>(0, cap);
}

// ---- ISO 8583 -------------------------------------------------------------------------------

term::CardRequest Simulation::cardRequest(TransactionType type, const SimCard& c,
                                          std::int64_t amount, std::optional<bool> pin_right,
                                          std::uint32_t trace) const {
    term::CardRequest r;
    r.type = type;
    r.trace = trace;
    r.pan = c.pan;
    if (type != TransactionType::BalanceInquiry) r.amount = cny(amount);
    if (pin_right) r.pin = *pin_right ? c.pin : wrongPin(c.pin);
    return r;
}

Prediction Simulation::predictPos(PosSent& s) {
    switch (s.type) {
        case TransactionType::Purchase:
            return purchaseModel(s.terminal, s.card, s.amount, s.pin_right, s.key,
                                 "R" + s.key.substr(1));
        case TransactionType::BalanceInquiry:
            return only(balanceModel(s.terminal, s.card, s.pin_right));
        case TransactionType::PurchaseVoid:
            return voidModel(s.terminal, *s.original, s.amount, s.key);
        case TransactionType::Refund:
            return refundModel(s.terminal, *s.original, s.amount, s.key);
        case TransactionType::Reversal:
            return reversalModel(s.terminal, s.reversed, s.key);
        default:
            ADD_FAILURE() << "no model for this request type";
            return {};
    }
}

void Simulation::sendPos(PosSent& s, bool retry) {
    SimTerminal& t = terminals_[s.terminal];
    Prediction expected = predictPos(s);
    std::int64_t balance_after = cards_[s.card].balance;
    const char* kind = s.type == TransactionType::Purchase         ? "purchase"
                       : s.type == TransactionType::BalanceInquiry ? "balance"
                       : s.type == TransactionType::PurchaseVoid   ? "void"
                       : s.type == TransactionType::Refund         ? "refund"
                                                                   : "reversal";
    note(std::string(retry ? "retry " : "") + "pos " + kind + " " + t.tid + " " + s.key + " card " +
         std::to_string(s.card) + " amount " + std::to_string(s.amount) + " expect " +
         show(expected.outcome));
    countOutcome(retry ? "pos-retry" : "pos", expected.outcome);
    auto answer = t.pos->send(s.message);
    ASSERT_TRUE(answer.has_value()) << "no answer from the ISO 8583 listener";
    s.sent = true;
    ResponseCode got = answer->responseCode().value_or(ResponseCode::SystemError);
    ASSERT_EQ(iso8583::wireCode(got), iso8583::wireCode(isoCode(expected.outcome)))
        << t.tid << " " << s.key << ": expected " << show(expected.outcome);
    std::string rrn(answer->get(Field::RetrievalReference));
    if (expected.txn) {
        SimTxn& txn = txns_[*expected.txn];
        ASSERT_EQ(rrn.size(), 12u);
        if (expected.replay) {
            ASSERT_EQ(std::stoll(rrn), txn.id) << "a retry must get the first answer";
        } else {
            txn.id = std::stoll(rrn);
        }
    }
    if (!retry) s.first_rrn = rrn;
    if (got == ResponseCode::Approved && term::responseNeedsMac(s.type)) {
        ASSERT_TRUE(t.pos->lastMacValid(*answer)) << "approved answer without a valid MAC";
    }
    if (s.type == TransactionType::BalanceInquiry && !expected.outcome) {
        auto shown = iso8583::parseBalance(answer->get(Field::Balance));
        ASSERT_TRUE(shown.ok());
        ASSERT_EQ(shown->minor(), balance_after);
    }
}

void Simulation::posPurchase() {
    std::size_t ti = pickTerminal(false);
    SimTerminal& t = terminals_[ti];
    PosSent s;
    s.terminal = ti;
    s.type = TransactionType::Purchase;
    s.card = pickCard();
    s.amount = pickAmount(s.card);
    int pin = static_cast<int>(below(10));
    if (pin < 5) s.pin_right = true;
    if (pin == 5) s.pin_right = false;
    std::uint32_t trace = t.trace++;
    s.key = posKey(t, trace);
    auto m = t.pos->build(cardRequest(s.type, cards_[s.card], s.amount, s.pin_right, trace));
    ASSERT_TRUE(m.ok());
    s.message = *m;
    sendPos(s, false);
    pos_sent_.push_back(std::move(s));
}

void Simulation::posBalance() {
    std::size_t ti = pickTerminal(false);
    SimTerminal& t = terminals_[ti];
    PosSent s;
    s.terminal = ti;
    s.type = TransactionType::BalanceInquiry;
    s.card = pickCard();
    int pin = static_cast<int>(below(10));
    if (pin < 6) s.pin_right = true;
    if (pin >= 6 && pin < 8) s.pin_right = false;
    std::uint32_t trace = t.trace++;
    s.key = posKey(t, trace);
    auto m = t.pos->build(cardRequest(s.type, cards_[s.card], 0, s.pin_right, trace));
    ASSERT_TRUE(m.ok());
    s.message = *m;
    sendPos(s, false);
    pos_sent_.push_back(std::move(s));
}

void Simulation::posRetry() {
    if (pos_sent_.empty()) return;
    // Mostly one of the last few requests (a terminal retries soon), sometimes any.
    std::size_t n = pos_sent_.size();
    std::size_t i = chance(70) ? n - 1 - below(std::min<std::size_t>(n, 5)) : below(n);
    sendPos(pos_sent_[i], true);
}

std::vector<std::size_t> Simulation::purchasesAt(std::size_t merchant, bool approved_only) const {
    std::vector<std::size_t> out;
    for (std::size_t i = 0; i < txns_.size(); ++i) {
        const SimTxn& x = txns_[i];
        if ((x.kind == Kind::Purchase || x.kind == Kind::Leg) && x.merchant == merchant &&
            x.id != 0 && (!approved_only || x.state == TxnState::Approved)) {
            out.push_back(i);
        }
    }
    return out;
}

void Simulation::posReversal() {
    // The reversal of an earlier purchase, from its terminal, with the original's identity.
    std::vector<std::size_t> fit;
    for (std::size_t i = 0; i < pos_sent_.size(); ++i) {
        if (pos_sent_[i].type == TransactionType::Purchase) fit.push_back(i);
    }
    if (fit.empty()) return;
    std::size_t n = fit.size();
    const PosSent& original =
        pos_sent_[fit[chance(60) ? n - 1 - below(std::min<std::size_t>(n, 4)) : below(n)]];
    PosSent s;
    s.terminal = original.terminal;
    s.type = TransactionType::Reversal;
    s.card = original.card;
    s.amount = original.amount;
    s.reversed = original.key;
    s.key = "R" + original.key.substr(1);
    auto rev = term::buildReversal(original.message, "98");
    ASSERT_TRUE(rev.ok());
    s.message = *rev;
    sendPos(s, false);
    pos_sent_.push_back(std::move(s));
}

void Simulation::posReversalOfUnsent() {
    // The terminal timed out before its purchase even left: only the reversal arrives.
    std::size_t ti = pickTerminal(false);
    SimTerminal& t = terminals_[ti];
    PosSent original;
    original.terminal = ti;
    original.type = TransactionType::Purchase;
    original.card = pickCard();
    original.amount = between(100, 20'000);
    std::uint32_t trace = t.trace++;
    original.key = posKey(t, trace);
    auto m = t.pos->build(
        cardRequest(original.type, cards_[original.card], original.amount, std::nullopt, trace));
    ASSERT_TRUE(m.ok());
    original.message = *m;
    PosSent s;
    s.terminal = ti;
    s.type = TransactionType::Reversal;
    s.card = original.card;
    s.reversed = original.key;
    s.key = "R" + original.key.substr(1);
    auto rev = term::buildReversal(original.message, "98");
    ASSERT_TRUE(rev.ok());
    s.message = *rev;
    sendPos(s, false);
    pos_sent_.push_back(std::move(s));
    pos_unsent_.push_back(std::move(original));
}

void Simulation::posLateOriginal() {
    // The purchase whose reversal came first arrives after all: it must do nothing (94).
    if (pos_unsent_.empty()) return;
    std::size_t i = below(pos_unsent_.size());
    PosSent s = std::move(pos_unsent_[i]);
    pos_unsent_.erase(pos_unsent_.begin() + static_cast<std::ptrdiff_t>(i));
    sendPos(s, false);
    pos_sent_.push_back(std::move(s));
}

void Simulation::posVoid() {
    // Void (撤销) of a purchase, usually from its own terminal on its day, for the full amount.
    std::vector<std::size_t> fit;
    for (std::size_t i = 0; i < txns_.size(); ++i) {
        const SimTxn& x = txns_[i];
        if (x.kind == Kind::Purchase && x.terminal >= 0 &&
            !terminals_[static_cast<std::size_t>(x.terminal)].http && x.id != 0) {
            fit.push_back(i);
        }
    }
    if (fit.empty()) return;
    std::size_t n = fit.size();
    std::size_t original = fit[chance(70) ? n - 1 - below(std::min<std::size_t>(n, 6)) : below(n)];
    const SimTxn& o = txns_[original];
    std::size_t ti = chance(85) ? static_cast<std::size_t>(o.terminal) : pickTerminal(false);
    SimTerminal& t = terminals_[ti];
    PosSent s;
    s.terminal = ti;
    s.type = TransactionType::PurchaseVoid;
    s.card = o.card;
    s.amount = chance(90) ? o.amount : o.amount - 1;
    s.original = original;
    std::uint32_t trace = t.trace++;
    s.key = posKey(t, trace);
    if (s.amount <= 0) return;
    term::CardRequest r = cardRequest(s.type, cards_[o.card], s.amount, std::nullopt, trace);
    r.original_rrn = term::sixDigits(0) + term::sixDigits(static_cast<std::uint32_t>(o.id));
    r.original_data =
        iso8583::formatField61(term::sixDigits(static_cast<std::uint32_t>(o.batch)), "000000",
                               "0101");  // field 37 names the original; 61 is still required
    auto m = t.pos->build(r);
    ASSERT_TRUE(m.ok()) << m.error().detail;
    s.message = *m;
    sendPos(s, false);
    pos_sent_.push_back(std::move(s));
}

void Simulation::posRefund() {
    // Refund (退货) of part of a purchase at a terminal of its merchant (any channel's
    // purchase, online payment legs included).
    std::size_t ti = pickTerminal(false);
    SimTerminal& t = terminals_[ti];
    std::vector<std::size_t> fit = purchasesAt(t.merchant, chance(80));
    if (fit.empty()) return;
    std::size_t original = pick(fit);
    const SimTxn& o = txns_[original];
    std::int64_t left = o.amount - o.refunded;
    PosSent s;
    s.terminal = ti;
    s.type = TransactionType::Refund;
    s.card = o.card;
    s.amount = chance(85) ? between(1, std::max<std::int64_t>(1, left)) : left + 1;
    s.original = original;
    std::uint32_t trace = t.trace++;
    s.key = posKey(t, trace);
    term::CardRequest r = cardRequest(s.type, cards_[o.card], s.amount, std::nullopt, trace);
    r.original_rrn = term::sixDigits(0) + term::sixDigits(static_cast<std::uint32_t>(o.id));
    r.original_data =
        iso8583::formatField61(term::sixDigits(static_cast<std::uint32_t>(o.batch)), "000000",
                               "0101");  // field 37 names the original; 61 is still required
    auto m = t.pos->build(r);
    ASSERT_TRUE(m.ok()) << m.error().detail;
    s.message = *m;
    sendPos(s, false);
    pos_sent_.push_back(std::move(s));
}

void Simulation::posPinGuess() {
    // PIN guessing on one of the hot cards: wrong PINs in a row reach the lock (75), which the
    // terminals, the HTTP API and the portal all then see.
    std::size_t ti = pickTerminal(false);
    SimTerminal& t = terminals_[ti];
    PosSent s;
    s.terminal = ti;
    s.type = chance(50) ? TransactionType::BalanceInquiry : TransactionType::Purchase;
    const std::size_t product = below(products_.size());
    s.card = 0;
    while (cards_[s.card].product != product) ++s.card;  // the product's first card
    s.amount = s.type == TransactionType::Purchase ? between(1, 1000) : 0;
    s.pin_right = chance(5);
    std::uint32_t trace = t.trace++;
    s.key = posKey(t, trace);
    auto m = t.pos->build(cardRequest(s.type, cards_[s.card], s.amount, s.pin_right, trace));
    ASSERT_TRUE(m.ok());
    s.message = *m;
    sendPos(s, false);
    pos_sent_.push_back(std::move(s));
}

void Simulation::posBurst() {
    // A run of small purchases on one card at one terminal (a canteen): the daily count limit.
    std::size_t ti = pickTerminal(false);
    SimTerminal& t = terminals_[ti];
    std::size_t card = pickCard();
    int n = productOf(cards_[card]).count_max + 1;
    for (int i = 0; i < n && !::testing::Test::HasFailure(); ++i) {
        PosSent s;
        s.terminal = ti;
        s.type = TransactionType::Purchase;
        s.card = card;
        s.amount = between(1, 200);
        std::uint32_t trace = t.trace++;
        s.key = posKey(t, trace);
        auto m = t.pos->build(cardRequest(s.type, cards_[card], s.amount, std::nullopt, trace));
        ASSERT_TRUE(m.ok());
        s.message = *m;
        sendPos(s, false);
        pos_sent_.push_back(std::move(s));
    }
}

void Simulation::posSettle() {
    // Batch settlement (结算) with the model's totals of the terminal's batch: must balance;
    // sometimes the terminal miscounts (not balanced, recorded). Either way the batch moves on.
    std::size_t ti = pickTerminal(false);
    SimTerminal& t = terminals_[ti];
    iso8583::SettlementTotals totals;
    for (const SimTxn& x : txns_) {
        if (x.terminal != static_cast<int>(ti) || x.batch != t.batch) continue;
        if (x.state != TxnState::Approved) continue;
        if (x.kind == Kind::Purchase) {
            totals.debit_amount_minor += x.amount;
            totals.debit_count += 1;
        } else if (x.kind == Kind::Refund) {
            totals.credit_amount_minor += x.amount;
            totals.credit_count += 1;
        }
    }
    bool miscount = chance(15);
    iso8583::SettlementTotals sent = totals;
    if (miscount) sent.debit_count += 1;
    note("settle " + t.tid + " batch " + std::to_string(t.batch) +
         (miscount ? " (miscounted)" : ""));
    Message request = term::buildSettlement(t.pos->context, t.trace++, sent);
    auto answer = t.pos->send(request);
    ASSERT_TRUE(answer.has_value());
    ASSERT_EQ(answer->responseCode(), ResponseCode::Approved);
    auto host = iso8583::parseSettlementTotals(answer->get(Field::AdditionalData));
    ASSERT_TRUE(host.ok());
    EXPECT_EQ(host->debit_amount_minor, totals.debit_amount_minor) << t.tid;
    EXPECT_EQ(host->debit_count, totals.debit_count) << t.tid;
    EXPECT_EQ(host->credit_amount_minor, totals.credit_amount_minor) << t.tid;
    EXPECT_EQ(host->credit_count, totals.credit_count) << t.tid;
    EXPECT_EQ(host->result, miscount ? 2 : 1) << t.tid;
    t.batch = static_cast<int>(term::nextBatch(static_cast<std::uint32_t>(t.batch)));
    t.pos->context.batch = term::sixDigits(static_cast<std::uint32_t>(t.batch));
}

// ---- HTTP terminal API ----------------------------------------------------------------------

Prediction Simulation::predictHttp(HttpSent& s) {
    // A reused key with another request: 409, changes nothing.
    if (s.op != http::Operation::Balance && s.op != http::Operation::Reversal) {
        if (auto it = recorded_.find(s.key); it != recorded_.end() && it->second.txn) {
            const SimTxn& first = txns_[*it->second.txn];
            bool same = first.amount == s.amount &&
                        (s.op == http::Operation::Purchase ? first.card == s.card : true);
            if (!same) return {std::nullopt, std::nullopt, true, true};
        }
    }
    switch (s.op) {
        case http::Operation::Purchase:
            return purchaseModel(s.terminal, s.card, s.amount, s.pin_right, s.key,
                                 "HR" + s.key.substr(1));
        case http::Operation::Balance:
            return only(balanceModel(s.terminal, s.card, s.pin_right));
        case http::Operation::Void:
            return voidModel(s.terminal, *s.original, s.amount, s.key);
        case http::Operation::Refund:
            return refundModel(s.terminal, *s.original, s.amount, s.key);
        case http::Operation::Reversal:
            return reversalModel(s.terminal, s.reversed, s.key);
        default:
            ADD_FAILURE() << "no model for this HTTP operation";
            return {};
    }
}

void Simulation::sendHttp(HttpSent& s, bool retry) {
    SimTerminal& t = terminals_[s.terminal];
    Prediction expected = predictHttp(s);
    note(std::string(retry ? "retry " : "") + "http " + t.tid + " " + s.path + " " + s.key +
         " card " + std::to_string(s.card) + " amount " + std::to_string(s.amount) + " expect " +
         (expected.conflict ? "conflict" : show(expected.outcome)));
    countOutcome(retry ? "http-retry" : "http", expected.outcome);
    http::testing::Response r = t.client->post(s.path, s.body, s.idem);
    if (expected.conflict) {
        ASSERT_EQ(r.status, 409) << r.body;
        return;
    }
    ASSERT_EQ(r.status, httpStatus(expected.outcome))
        << t.tid << " " << s.key << ": expected " << show(expected.outcome) << ", got " << r.body;
    if (expected.outcome) {
        ASSERT_EQ(http::testing::jsonText(r.body, "error.code"), toString(*expected.outcome))
            << r.body;
    } else {
        ASSERT_EQ(http::testing::jsonText(r.body, "result"), "approved") << r.body;
    }
    if (s.op == http::Operation::Balance && !expected.outcome) {
        ASSERT_EQ(http::testing::jsonInt(r.body, "balance_minor"), cards_[s.card].balance);
    }
    if (expected.txn) {
        SimTxn& txn = txns_[*expected.txn];
        std::int64_t id = http::testing::jsonInt(r.body, "txn_id");
        ASSERT_GT(id, 0) << r.body;
        if (expected.replay) {
            ASSERT_EQ(id, txn.id) << "a retry must get the first answer";
            ASSERT_EQ(r.header("x-yika-replayed"), "true");
        } else {
            txn.id = id;
            if (!expected.outcome && txn.card < cards_.size() && txn.kind != Kind::Reversal) {
                ASSERT_EQ(http::testing::jsonInt(r.body, "balance_minor"), cards_[txn.card].balance)
                    << r.body;
            }
        }
        if (!retry) s.first_txn_id = id;
    }
}

std::string cardBody(const SimCard& c, std::optional<std::int64_t> amount,
                     std::optional<std::string> pin) {
    std::string body = "{\"pan\":\"" + c.pan + "\"";
    if (pin) body += ",\"pin\":\"" + *pin + "\"";
    if (amount) body += ",\"amount_minor\":" + std::to_string(*amount) + ",\"currency\":\"CNY\"";
    return body + "}";
}

std::string originalBody(TxnId original, std::int64_t amount) {
    return "{\"original_txn_id\":" + std::to_string(original) +
           ",\"amount_minor\":" + std::to_string(amount) + ",\"currency\":\"CNY\"}";
}

void Simulation::httpPurchase() {
    HttpSent s;
    s.terminal = pickTerminal(true);
    s.op = http::Operation::Purchase;
    s.path = "/v1/terminal/purchase";
    s.card = pickCard();
    s.amount = pickAmount(s.card);
    int pin = static_cast<int>(below(10));
    if (pin < 5) s.pin_right = true;
    if (pin == 5) s.pin_right = false;
    const SimCard& c = cards_[s.card];
    s.body = cardBody(
        c, s.amount,
        s.pin_right ? std::optional(*s.pin_right ? c.pin : wrongPin(c.pin)) : std::nullopt);
    s.idem = "sim-" + std::to_string(++http_keys_used_);
    s.key = "H:" + terminals_[s.terminal].tid + ":" + s.idem;
    sendHttp(s, false);
    http_sent_.push_back(std::move(s));
}

void Simulation::httpBalance() {
    HttpSent s;
    s.terminal = pickTerminal(true);
    s.op = http::Operation::Balance;
    s.path = "/v1/terminal/balance";
    s.card = pickCard();
    s.pin_right = !chance(25);
    const SimCard& c = cards_[s.card];
    s.body = cardBody(c, std::nullopt, *s.pin_right ? c.pin : wrongPin(c.pin));
    sendHttp(s, false);
}

void Simulation::httpRefund() {
    HttpSent s;
    s.terminal = pickTerminal(true);
    std::vector<std::size_t> fit = purchasesAt(terminals_[s.terminal].merchant, chance(80));
    if (fit.empty()) return;
    std::size_t original = pick(fit);
    const SimTxn& o = txns_[original];
    std::int64_t left = o.amount - o.refunded;
    s.op = http::Operation::Refund;
    s.path = "/v1/terminal/refund";
    s.card = o.card;
    s.original = original;
    s.amount = chance(85) ? between(1, std::max<std::int64_t>(1, left)) : left + 1;
    s.body = originalBody(o.id, s.amount);
    s.idem = "sim-" + std::to_string(++http_keys_used_);
    s.key = "H:" + terminals_[s.terminal].tid + ":" + s.idem;
    sendHttp(s, false);
    http_sent_.push_back(std::move(s));
}

void Simulation::httpVoid() {
    HttpSent s;
    s.terminal = pickTerminal(true);
    std::vector<std::size_t> fit = purchasesAt(terminals_[s.terminal].merchant, false);
    if (fit.empty()) return;
    std::size_t original = fit[fit.size() - 1 - below(std::min<std::size_t>(fit.size(), 4))];
    const SimTxn& o = txns_[original];
    s.op = http::Operation::Void;
    s.path = "/v1/terminal/void";
    s.card = o.card;
    s.original = original;
    s.amount = o.amount;
    s.body = originalBody(o.id, s.amount);
    s.idem = "sim-" + std::to_string(++http_keys_used_);
    s.key = "H:" + terminals_[s.terminal].tid + ":" + s.idem;
    sendHttp(s, false);
    http_sent_.push_back(std::move(s));
}

void Simulation::httpReversal() {
    std::vector<std::size_t> fit;
    for (std::size_t i = 0; i < http_sent_.size(); ++i) {
        if (http_sent_[i].op == http::Operation::Purchase) fit.push_back(i);
    }
    HttpSent s;
    s.op = http::Operation::Reversal;
    s.path = "/v1/terminal/reversal";
    std::string original_idem;
    if (fit.empty() || chance(15)) {
        // A purchase that never arrived.
        s.terminal = pickTerminal(true);
        original_idem = "sim-" + std::to_string(++http_keys_used_);
    } else {
        const HttpSent& o =
            http_sent_[fit[fit.size() - 1 - below(std::min<std::size_t>(fit.size(), 4))]];
        s.terminal = o.terminal;
        s.card = o.card;
        original_idem = o.idem;
    }
    s.reversed = "H:" + terminals_[s.terminal].tid + ":" + original_idem;
    s.key = "HR:" + terminals_[s.terminal].tid + ":" + original_idem;
    s.body = "{\"original_idempotency_key\":\"" + original_idem + "\"}";
    sendHttp(s, false);
    http_sent_.push_back(std::move(s));
}

void Simulation::httpRetry() {
    if (http_sent_.empty()) return;
    std::size_t n = http_sent_.size();
    HttpSent s = http_sent_[chance(70) ? n - 1 - below(std::min<std::size_t>(n, 5)) : below(n)];
    if (s.op == http::Operation::Purchase && chance(15)) {
        // The same key for another amount: refused as a conflict, never a second purchase.
        s.amount += 1;
        const SimCard& c = cards_[s.card];
        s.body = cardBody(
            c, s.amount,
            s.pin_right ? std::optional(*s.pin_right ? c.pin : wrongPin(c.pin)) : std::nullopt);
    }
    sendHttp(s, true);
}

// ---- portal and web shop --------------------------------------------------------------------

PortalAnswer Simulation::portalPost(std::size_t account, const std::string& path,
                                    const std::string& body) {
    SimAccount& a = accounts_[account];
    PortalAnswer r = a.client->post(path, body);
    if (r.status == 401) {  // the session idled out while the clock moved: log in again
        PortalAnswer login = a.client->post(
            "/api/login", R"({"login":")" + a.login + R"(","password":")" + kPassword + R"("})");
        EXPECT_EQ(login.status, 200) << login.body;
        r = a.client->post(path, body);
    }
    return r;
}

void Simulation::shopOrderPay() {
    // A web-shop order paid from an account across its cards (design section 5).
    std::size_t a = below(accounts_.size());
    std::vector<std::size_t> bound;
    std::int64_t can_pay = 0;
    for (std::size_t i = 0; i < cards_.size(); ++i) {
        if (cards_[i].account != static_cast<int>(a)) continue;
        bound.push_back(i);
        can_pay += legCapacity(cards_[i], shop_merchant_);
    }
    std::int64_t amount =
        chance(15) ? can_pay + between(1, 1000) : between(1, std::max<std::int64_t>(1, can_pay));
    SimOrder order;
    order.ref = "SIM-ORDER-" + std::to_string(++orders_created_);
    order.account = a;
    order.amount = amount;
    note("shop order " + order.ref + " account " + std::to_string(a) + " amount " +
         std::to_string(amount) + " can pay " + std::to_string(can_pay));
    auto created =
        shop_->post("/v1/shop/orders", R"({"merchant_order_id":")" + order.ref +
                                           R"(","amount_minor":)" + std::to_string(amount) +
                                           R"(,"return_url":"https://shop.example/done"})");
    ASSERT_EQ(created.status, 201) << created.body;
    std::string token = http::testing::jsonText(created.body, "pay_token");
    ASSERT_FALSE(token.empty());

    // The model's split: earliest expiry first (never-expiring last), then smallest available
    // balance, then card id; each card takes what it can.
    std::vector<std::size_t> order_of = bound;
    std::sort(order_of.begin(), order_of.end(), [&](std::size_t x, std::size_t y) {
        const SimCard& cx = cards_[x];
        const SimCard& cy = cards_[y];
        if (cx.expiry != cy.expiry) {
            if (!cx.expiry) return false;
            if (!cy.expiry) return true;
            return *cx.expiry < *cy.expiry;
        }
        if (cx.balance != cy.balance) return cx.balance < cy.balance;
        return cx.id < cy.id;
    });
    std::vector<std::pair<std::size_t, std::int64_t>> legs;
    std::int64_t left = amount;
    for (std::size_t i : order_of) {
        std::int64_t take = std::min(left, legCapacity(cards_[i], shop_merchant_));
        if (take <= 0) continue;
        legs.emplace_back(i, take);
        left -= take;
        if (left == 0) break;
    }
    bool payable = left == 0;
    countOutcome("shop-pay", payable ? Outcome{} : Outcome{ErrorCode::InsufficientFunds});
    PortalAnswer paid = portalPost(a, "/api/orders/" + token + "/pay",
                                   R"({"pay_password":")" + std::string(kPayPassword) + R"("})");
    if (!payable) {
        ASSERT_EQ(paid.status, 402) << paid.body;
        ASSERT_EQ(paid.errorCode(), "insufficient_funds");
        return;
    }
    ASSERT_EQ(paid.status, 200) << paid.body;
    ASSERT_EQ(paid.json->getValue<std::string>("state"), "PAID");
    auto got = paid.json->getArray("legs");
    ASSERT_EQ(got->size(), legs.size()) << paid.body;
    std::int64_t sum = 0;
    for (std::size_t k = 0; k < legs.size(); ++k) {
        auto leg = got->getObject(static_cast<unsigned>(k));
        std::int64_t leg_amount = leg->getValue<Poco::Int64>("amount_minor");
        SimCard& c = cards_[legs[k].first];
        ASSERT_EQ(leg->getValue<Poco::Int64>("card_id"), c.id) << "leg " << k << ": split order";
        ASSERT_EQ(leg_amount, legs[k].second) << "leg " << k;
        ASSERT_LE(leg_amount, c.balance) << "a leg never takes more than its card holds";
        sum += leg_amount;
        debit(c, leg_amount);
        SimTxn txn;
        txn.kind = Kind::Leg;
        txn.card = legs[k].first;
        txn.merchant = shop_merchant_;
        txn.amount = leg_amount;
        order.legs.push_back(record("O:" + order.ref + ":" + std::to_string(k + 1), {}, txn));
    }
    ASSERT_EQ(sum, amount);
    // The legs' transaction ids, for terminal refunds at the shop's merchant: read back.
    store::Statement ids(*reader_,
                         "SELECT l.txn_id FROM payment_leg l JOIN payment_order o ON o.id = "
                         "l.order_id WHERE o.merchant_order_id = ?1 ORDER BY l.seq");
    ids.bind(1, order.ref);
    for (std::size_t leg : order.legs) {
        ASSERT_TRUE(ids.step());
        txns_[leg].id = ids.columnInt(0);
    }
    orders_.push_back(std::move(order));
}

void Simulation::shopRefund() {
    // A partial refund of a paid order, back to its legs, the most recent leg first.
    if (orders_.empty()) return;
    SimOrder& order = orders_[below(orders_.size())];
    std::int64_t left = order.amount - order.refunded;
    std::int64_t amount = left > 0 && chance(85) ? between(1, left) : left + 1;
    std::string refund_id = "R" + std::to_string(++order.refunds);
    note("shop refund " + order.ref + " " + refund_id + " amount " + std::to_string(amount));
    auto r = shop_->post(
        "/v1/shop/orders/" + order.ref + "/refund",
        R"({"refund_id":")" + refund_id + R"(","amount_minor":)" + std::to_string(amount) + "}");
    if (left == 0) {  // refunded in full: no longer PAID
        countOutcome("shop-refund", ErrorCode::NotPermitted);
        ASSERT_EQ(r.status, 422) << r.body;
        return;
    }
    if (amount > left) {
        countOutcome("shop-refund", ErrorCode::InvalidAmount);
        ASSERT_EQ(r.status, 400) << r.body;
        return;
    }
    // The legs' remaining amounts, from the most recent.
    std::int64_t remaining = amount;
    std::int64_t legs_left = 0;
    for (std::size_t leg : order.legs) legs_left += txns_[leg].amount - txns_[leg].refunded;
    if (legs_left < amount) {
        // Terminals refunded part of the legs already: the order cannot give this back.
        countOutcome("shop-refund", ErrorCode::InvalidAmount);
        ASSERT_EQ(r.status, 400) << r.body;
        return;
    }
    countOutcome("shop-refund", {});
    ASSERT_EQ(r.status, 200) << r.body;
    for (auto leg = order.legs.rbegin(); leg != order.legs.rend() && remaining > 0; ++leg) {
        SimTxn& x = txns_[*leg];
        std::int64_t take = std::min(remaining, x.amount - x.refunded);
        if (take <= 0) continue;
        x.refunded += take;
        cards_[x.card].balance += take;
        remaining -= take;
        SimTxn refund;
        refund.kind = Kind::Refund;
        refund.card = x.card;
        refund.merchant = x.merchant;
        refund.amount = take;
        record("OR:" + order.ref + ":" + refund_id + ":" + std::to_string(*leg), {}, refund);
    }
    order.refunded += amount;
    ASSERT_EQ(http::testing::jsonText(r.body, "state"),
              order.refunded == order.amount ? "REFUNDED" : "PAID");
}

void Simulation::portalBind() {
    // Binding a card with its PIN (usually a wrong one: PIN guessing through the portal counts
    // against the same card as the terminals do).
    std::size_t a = below(accounts_.size());
    std::size_t ci = pickCard();
    SimCard& c = cards_[ci];
    std::int64_t bound = 0;
    for (const SimCard& other : cards_) bound += other.account == static_cast<int>(a) ? 1 : 0;
    if (bound + 1 >= portal_limits_.cards_per_account_max) return;
    bool right = chance(30);
    note("bind card " + std::to_string(ci) + " to account " + std::to_string(a) +
         (right ? " right PIN" : " wrong PIN"));
    Outcome pin = checkPin(c, right);
    PortalAnswer r = portalPost(a, "/api/cards/bind",
                                R"({"card_number":")" + c.pan + R"(","pin":")" +
                                    (right ? c.pin : wrongPin(c.pin)) + R"("})");
    countOutcome("bind", pin);
    if (pin) {
        ASSERT_EQ(r.status, 422) << r.body;
        ASSERT_EQ(r.errorCode(), "card_or_pin");
        return;
    }
    if (c.account >= 0 && c.account != static_cast<int>(a)) {
        ASSERT_EQ(r.status, 409) << r.body;
        ASSERT_EQ(r.errorCode(), "card_bound_elsewhere");
        return;
    }
    ASSERT_EQ(r.status, 200) << r.body;
    c.account = static_cast<int>(a);
}

void Simulation::portalFreeze() {
    // Report lost (挂失) through the portal: only an ACTIVE card bound to the account.
    std::vector<std::size_t> bound;
    for (std::size_t i = 0; i < cards_.size(); ++i) {
        if (cards_[i].account >= 0) bound.push_back(i);
    }
    if (bound.empty()) return;
    std::size_t ci = pick(bound);
    SimCard& c = cards_[ci];
    note("freeze card " + std::to_string(ci));
    PortalAnswer r = portalPost(static_cast<std::size_t>(c.account),
                                "/api/cards/" + std::to_string(c.id) + "/freeze", "{}");
    if (c.state == CardState::Active) {
        ASSERT_EQ(r.status, 200) << r.body;
        c.state = CardState::Frozen;
    } else {
        ASSERT_EQ(r.status, 409) << r.body;
    }
}

void Simulation::adminUnfreeze() {
    // The portal has no unfreeze (a found card is unfrozen by the issuer's staff, admin GUI):
    // the simulation calls the domain service through the writer, as the admin API does.
    std::vector<std::size_t> frozen;
    for (std::size_t i = 0; i < cards_.size(); ++i) {
        if (cards_[i].state == CardState::Frozen) frozen.push_back(i);
    }
    if (frozen.empty()) return;
    SimCard& c = cards_[pick(frozen)];
    note("unfreeze card " + std::to_string(c.id));
    Actor op{ActorKind::Operator, "sim-cs", Channel::Admin};
    Status done = rt_->store->writer().runStatus(
        [&](StoreTx& tx) { return unfreezeCard(tx, c.id, op, now()); });
    ASSERT_TRUE(done.ok()) << done.error().detail;
    c.state = CardState::Active;
}

void Simulation::advanceTime() {
    // Minutes to hours; sometimes overnight, so that the business date moves on and the daily
    // limits start again, PIN locks run out and portal sessions expire.
    int kind = static_cast<int>(below(10));
    TimestampMs delta = kind == 0   ? between(1, 3) * kDayMs  // a weekend
                        : kind <= 3 ? between(8, 16) * kHourMs
                                    : between(1, 180) * 60'000;
    clock_.advanceMs(delta);
    note("advance " + std::to_string(delta / 60'000) + " min");
    Date today = clock_.todayCst();
    if (today != business_date_) rollBusinessDate(today);
}

void Simulation::rollBusinessDate(Date to) {
    // The calendar passed midnight: cut-off (日切) and close every business date before `to`, as
    // yikad serve's cut-off scheduler and an operator's day close do, one day at a time. The
    // close's expiry run expires the ACTIVE cards whose expiry date has passed; the model
    // follows, and checkCards() and the invariant check after this step compare.
    store::StoreTxRunner runner(*rt_->store);
    while (business_date_ < to) {
        const Date closing = business_date_;
        auto cut = rt_->store->writer().run<Date>(
            [&](StoreTx& tx) -> Result<Date> { return cutOff(tx, "simulation", now()); });
        ASSERT_TRUE(cut.ok()) << cut.error().detail;
        ASSERT_EQ(*cut, closing);
        DayCloseOptions options;
        options.policies = rt_->config.policies;
        auto closed = closeDay(runner, closing, options, now());
        ASSERT_TRUE(closed.ok()) << "closing " << closing.toIso() << ": " << closed.error().detail;
        for (SimCard& c : cards_) {
            if (c.state == CardState::Active && c.expiry && *c.expiry <= closing) {
                c.state = CardState::Expired;
            }
        }
        business_date_ = closing.plusDays(1);
        ++days_closed_;
        note("day close " + closing.toIso());
    }
}

void Simulation::closeToday() {
    // Five minutes after the next midnight, China Standard Time (UTC+8).
    const TimestampMs cst = now() + 8 * kHourMs;
    const TimestampMs next = (cst / kDayMs + 1) * kDayMs - 8 * kHourMs + 5 * 60'000;
    clock_.advanceMs(next - now());
    note("to just after midnight");
    Date today = clock_.todayCst();
    if (today != business_date_) rollBusinessDate(today);
}

// ---- checks ---------------------------------------------------------------------------------

void Simulation::checkCards() {
    store::Statement s(*reader_,
                       "SELECT id, state, balance_minor, held_minor, pin_failures, "
                       "pin_locked_until_ms, spend_day, spent_today_minor, count_today FROM card "
                       "WHERE state <> 'IN_STOCK' ORDER BY id");
    std::map<CardId, const SimCard*> by_id;
    for (const SimCard& c : cards_) by_id[c.id] = &c;
    std::size_t seen = 0;
    while (s.step()) {
        CardId id = s.columnInt(0);
        auto it = by_id.find(id);
        ASSERT_NE(it, by_id.end()) << "card " << id << " is not one the simulation sold";
        const SimCard& c = *it->second;
        ++seen;
        EXPECT_EQ(s.columnText(1), toString(c.state)) << "card " << id;
        EXPECT_EQ(s.columnInt(2), c.balance) << "card " << id << " balance";
        EXPECT_EQ(s.columnInt(3), 0) << "card " << id << " held";
        EXPECT_EQ(s.columnInt(4), c.pin_failures) << "card " << id << " PIN failures";
        EXPECT_EQ(s.columnInt(5), c.locked_until) << "card " << id << " PIN lock";
        EXPECT_EQ(s.columnText(6), c.spend_day ? c.spend_day->toIso() : std::string())
            << "card " << id << " spend day";
        EXPECT_EQ(s.columnInt(7), c.spent_today) << "card " << id << " spent today";
        EXPECT_EQ(s.columnInt(8), c.count_today) << "card " << id << " count today";
    }
    EXPECT_EQ(seen, cards_.size());
}

void Simulation::checkLedger() {
    store::InvariantReport report = rt_->store->verify();
    EXPECT_TRUE(report.ok()) << report.summary();
}

void Simulation::run(std::uint64_t steps, std::uint64_t verify_every) {
    int total = 0;
    for (const Op& op : ops_) total += op.weight;
    for (step_ = 1; step_ <= steps; ++step_) {
        int r = static_cast<int>(below(static_cast<std::uint64_t>(total)));
        const Op* chosen = &ops_.front();
        for (const Op& op : ops_) {
            if (r < op.weight) {
                chosen = &op;
                break;
            }
            r -= op.weight;
        }
        op_counts_[chosen->name] += 1;
        chosen->run();
        if (!::testing::Test::HasFailure()) checkCards();
        if (!::testing::Test::HasFailure() && (step_ % verify_every == 0 || step_ == steps)) {
            checkLedger();
        }
        if (::testing::Test::HasFailure()) {
            std::cerr << "simulation failed: YIKA_SIM_SEED=" << seed_ << " at step " << step_
                      << " (" << chosen->name << "); the last steps:\n";
            for (const std::string& line : trail_) std::cerr << "  " << line << "\n";
            return;
        }
    }
}

TEST(Simulation, RandomOperationsOnTheWholeServerKeepTheModelAndTheLedger) {
    const std::uint64_t seed = envNumber("YIKA_SIM_SEED", kDefaultSeed);
    const std::uint64_t steps = envNumber("YIKA_SIM_STEPS", kDefaultSteps);
    const std::uint64_t verify_every =
        std::max<std::uint64_t>(1, envNumber("YIKA_SIM_VERIFY_EVERY", 1));
    std::filesystem::path dir =
        std::filesystem::path(::testing::TempDir()) / ("yika-sim-" + std::to_string(::getpid()));
    std::cout << "simulation: YIKA_SIM_SEED=" << seed << " YIKA_SIM_STEPS=" << steps << "\n";
    // Issue 7: on PostgreSQL when YIKA_TEST_PG_URL is set (the pg.* run), in a schema of its own;
    // the runtime reads db.engine and db.url from these variables.
    std::unique_ptr<test::PgTestSchema> schema;
    if (auto url = test::testPgUrl()) {
        schema = std::make_unique<test::PgTestSchema>(*url);
        ::setenv("YIKA_DB_ENGINE", "postgresql", 1);
        ::setenv("YIKA_DB_URL", schema->url().c_str(), 1);
    }
    auto started = std::chrono::steady_clock::now();
    {
        Simulation sim(seed, dir);
        sim.setUp();
        ASSERT_FALSE(::testing::Test::HasFailure()) << "set-up failed (seed " << seed << ")";
        sim.run(steps, verify_every);
        auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                      std::chrono::steady_clock::now() - started)
                      .count();
        std::cout << "simulation: " << steps << " steps in " << ms << " ms\n";
        for (const auto& [name, n] : sim.counts())
            std::cout << "  op " << name << ": " << n << "\n";
        for (const auto& [name, n] : sim.outcomes()) std::cout << "  " << name << ": " << n << "\n";
        std::cout << "  business days closed: " << sim.daysClosed() << "\n";
        EXPECT_GT(sim.daysClosed(), 0) << "the run closed no business day";
    }
    std::filesystem::remove_all(dir);
    ::unsetenv("YIKA_DB_ENGINE");
    ::unsetenv("YIKA_DB_URL");
}

}  // namespace
}  // namespace yika
