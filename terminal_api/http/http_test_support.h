#pragma once

// Test support for the HTTP acceptance API (tests and the load program; no GoogleTest here):
//
//   AcceptanceWorld  a real SqliteStore in a temporary folder with real crypto ports, one card
//                    product, one merchant, one HTTP terminal and cards sold through the domain
//                    services (production batch with maker-checker, generation into an
//                    in-memory manufacturer sink that keeps PANs and PINs, export, receipt,
//                    order and payment), plus reads through a read-only connection.
//   SigningClient    a keep-alive Poco HTTPClientSession that signs requests as a terminal
//                    does, with every header open to override for the refusal tests.

#include "card_core/domain/policies.h"
#include "card_core/store/sqlite_store.h"
#include "card_core/store/sqlite_store_tx.h"
#include "card_core/testing/pg_test_db.h"
#include "crypto/card_vault.h"
#include "crypto/key_ring.h"
#include "crypto/pin_verifier.h"
#include "crypto/random.h"
#include "terminal_api/http/service_context.h"

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace Poco::Net {
class HTTPClientSession;
}

namespace yika::http::testing {

// A clock tests set; atomic, since request threads read it.
class TestClock final : public Clock {
  public:
    explicit TestClock(TimestampMs start_ms) : now_ms_(start_ms) {}
    TimestampMs nowMs() const override { return now_ms_.load(); }
    void advanceMs(TimestampMs delta_ms) { now_ms_ += delta_ms; }

  private:
    std::atomic<TimestampMs> now_ms_;
};

// TerminalKeySource over TMKs held in memory by TID. Production unwraps the TMK stored in the
// terminal row (crypto/terminal_keys.h) instead; the derivation after that is the same.
class FakeTerminalKeys final : public TerminalKeySource {
  public:
    void add(const std::string& tid, const std::vector<std::uint8_t>& tmk);
    std::optional<HttpKey> httpKey(const Terminal& terminal) const override;

  private:
    mutable std::mutex mutex_;
    std::map<std::string, std::vector<std::uint8_t>> tmk_by_tid_;
};

struct SoldCard {
    CardId id = 0;
    std::string pan;
    std::string pin;
};

struct WorldOptions {
    bool durable = false;  // synchronous=FULL (fsync per commit) for measurements
    std::int64_t daily_count_max = 200;
    Money purchase_max = Money::fromMinor(200'000, Currency::Cny);  // 2,000.00
};

// 10:00 China Standard Time on 2 March 2026, the tests' "now".
inline constexpr TimestampMs kTestStartMs = 1'772'416'800'000;

class AcceptanceWorld {
  public:
    static constexpr std::string_view kTid = "HTTP0001";
    static constexpr std::string_view kOtherTid = "HTTP0002";  // a disabled terminal
    static constexpr std::string_view kMid = "898310048140001";

    explicit AcceptanceWorld(WorldOptions options = {});
    ~AcceptanceWorld();  // removes the database files
    AcceptanceWorld(const AcceptanceWorld&) = delete;
    AcceptanceWorld& operator=(const AcceptanceWorld&) = delete;

    // Sells `count` more cards loaded with `load_each` (an individual, real-name buyer).
    Result<std::vector<SoldCard>> sellCards(std::int64_t count, Money load_each);
    Status freeze(CardId id);

    // Reads through the read-only connection.
    std::optional<Card> card(CardId id);
    std::optional<CardTxn> txn(TxnId id);
    std::optional<Terminal> terminal(std::string_view tid);
    store::InvariantReport verify() const { return store_->verify(); }

    store::SqliteStore& store() { return *store_; }
    HttpKey httpKey(std::string_view tid) const;

    TestClock clock{kTestStartMs};
    crypto::KeyRing keys = crypto::KeyRing::generate();
    crypto::SodiumPinVerifier pins{keys};
    crypto::SodiumCardNumberVault vault{keys};
    crypto::SodiumRandom random;
    Policies policies;
    FakeTerminalKeys terminal_keys;
    ProductId product_id = 0;
    MerchantId merchant_id = 0;
    TerminalId terminal_id = 0;

  private:
    Status build(const WorldOptions& options);
    Result<std::vector<SoldCard>> produce(std::int64_t count);

    std::string dir_;
    std::unique_ptr<store::SqliteStore> store_;
    std::mutex reader_mutex_;
    std::unique_ptr<test::PgTestSchema> pg_schema_;  // PostgreSQL runs (issue 7)
    std::unique_ptr<store::Database> reader_db_;
    std::unique_ptr<store::SqliteStoreTx> reader_;
};

// What a test may change about a request; anything left empty is made correctly.
struct RequestSpec {
    std::string method = "POST";
    std::string path;
    std::string body;
    std::string idem_key;  // X-Yika-Idempotency-Key, when non-empty
    std::optional<std::string> tid;
    std::optional<std::string> timestamp;
    std::optional<std::string> nonce;
    std::optional<std::string> signature;
    std::string content_type = "application/json";
    std::vector<std::pair<std::string, std::string>> extra_headers;
    bool sign = true;      // false: send no X-Yika-* authentication headers at all
    bool chunked = false;  // Transfer-Encoding: chunked instead of Content-Length
};

struct Response {
    int status = 0;
    std::string body;
    std::map<std::string, std::string> headers;  // names in lower case
    std::string header(const std::string& lower_name) const;
};

class SigningClient {
  public:
    SigningClient(std::string host, std::uint16_t port, std::string tid, HttpKey key,
                  const Clock& clock);
    ~SigningClient();

    Response send(const RequestSpec& spec);
    // POST `path` with `body`, signed, with `idem_key` when non-empty.
    Response post(std::string_view path, std::string_view body, std::string_view idem_key = {});

    // A fresh random nonce (32 URL-safe characters).
    static std::string newNonce();

  private:
    std::string tid_;
    HttpKey key_;
    const Clock& clock_;
    std::unique_ptr<Poco::Net::HTTPClientSession> session_;
};

// The member `name` of a flat JSON object `json` as raw text ("123", "\"approved\""); empty if
// absent. Good enough for our own answers, which the tests check.
std::string jsonMember(std::string_view json, std::string_view name);
std::int64_t jsonInt(std::string_view json, std::string_view name);
std::string jsonText(std::string_view json, std::string_view name);

}  // namespace yika::http::testing
