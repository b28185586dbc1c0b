#pragma once

// A GoogleTest fixture over a real SqliteStore in a fresh temporary file, with helpers that set up
// products, merchants and stock through the real services (production batch with maker-checker,
// generation into an in-memory manufacturer sink, export, receipt) and sell cards through
// createOrder + recordPayment. Every helper runs its work through the store's commit queue, as
// production code does; reads go through a separate read-only connection.
//
// Every test that moves money ends with expectLedgerInvariants().

#include "card_core/domain/card_service.h"
#include "card_core/domain/issuance.h"
#include "card_core/domain/policies.h"
#include "card_core/domain/sales_service.h"
#include "card_core/domain/spend_service.h"
#include "card_core/store/sqlite_store.h"
#include "card_core/store/sqlite_store_tx.h"
#include "card_core/testing/assertions.h"
#include "card_core/testing/fakes.h"
#include "card_core/testing/pg_test_db.h"

#include <gtest/gtest.h>

#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace yika::test {

constexpr Currency kCny = Currency::Cny;
inline Money cny(std::int64_t minor) { return Money::fromMinor(minor, kCny); }
inline Money yuan(std::int64_t whole) { return Money::fromMinor(whole * 100, kCny); }

constexpr TimestampMs kHourMs = 3600LL * 1000;
constexpr TimestampMs kDayMs = 24 * kHourMs;
// `hour` o'clock China Standard Time (UTC+8) on `day`, as Unix milliseconds.
inline TimestampMs cstMs(Date day, int hour) {
    return std::int64_t{day.days()} * kDayMs - 8 * kHourMs + hour * kHourMs;
}

// The 17 leading digits completed with their ISO 7064 check character.
std::string residentIdWithCheck(std::string_view first17);
// An individual buyer with a valid resident ID (real-name registered).
Buyer individualBuyer(std::string id_number = "11010519491231002X", std::string name = "Zhang San");
// A company buyer with a valid unified social credit code.
Buyer companyBuyer(std::string credit_code = "91350100M000100Y43",
                   std::string name = "Fuzhou Example Co., Ltd.");
// An individual who gave no identity (anonymous cards below the real-name line).
Buyer anonymousBuyer();

// Collects the manufacturer file's records in memory (production seals them instead).
class MemorySink final : public ManufacturerSink {
  public:
    Status writeRecord(std::string_view csv_line) override {
        lines.emplace_back(csv_line);
        return Ok{};
    }
    std::vector<std::string> lines;
};

// One record of the manufacturer file: serial,card_number,pin,track2,expiry_yymm.
struct ManufacturerRecord {
    CardId serial = 0;
    std::string pan;
    std::string pin;
    std::string track2;
    std::string expiry_yymm;
};
// Empty when the line does not have exactly the five fields with a numeric serial.
std::optional<ManufacturerRecord> parseRecord(std::string_view line);

struct ProducedCards {
    BatchId batch = 0;
    std::vector<CardId> ids;                       // in serial order
    std::map<CardId, ManufacturerRecord> records;  // by serial
};

// One journal line as stored.
struct LineRow {
    std::int64_t account = 0;
    std::int64_t sub = 0;
    std::int64_t debit_minor = 0;
    std::int64_t credit_minor = 0;
    friend bool operator==(const LineRow&, const LineRow&) = default;
};
void PrintTo(const LineRow& row, std::ostream* os);

class StoreTest : public ::testing::Test {
  protected:
    static constexpr std::string_view kLocation = "SH-STORE-01";

    void SetUp() override;
    void TearDown() override;

    // Runs `fn` through the commit queue and waits for its commit.
    template <typename T>
    Result<T> run(std::function<Result<T>(StoreTx&)> fn) {
        return store_->writer().run<T>(std::move(fn));
    }
    Status runStatus(std::function<Status(StoreTx&)> fn);

    // A strictly increasing "now" for each service call.
    TimestampMs tick();
    // Moves the business date (and "now" to 10:00 CST of that day if that is later).
    void setBusinessDate(Date day);
    Date businessDate();

    // The read-only connection's StoreTx, its row caches dropped: they are meant for the single
    // writer, which sees every change, while this connection must see the writer's commits.
    store::SqliteStoreTx& reader();

    // Reads through the read-only connection.
    Card card(CardId id);
    CardTxn txn(TxnId id);
    SalesOrder order(OrderId id);
    ProductionBatch batch(BatchId id);
    std::int64_t queryInt(const std::string& sql);
    std::vector<LineRow> entryLines(std::string_view event_key);
    std::vector<CardEvent> cardEvents(CardId id);

    // store.verify() must report no violation.
    void expectLedgerInvariants();

    // Products and merchants.
    CardProduct namedProduct(std::string code);
    CardProduct anonymousProduct(std::string code);
    ProductId addProduct(const CardProduct& product);
    MerchantGroupId addMerchantGroup(std::string code);
    MerchantId addMerchant(std::string mid, std::optional<MerchantGroupId> group = std::nullopt);

    // Production: request, approve (second operator), generate in chunks, finish, export.
    ProducedCards produceBatch(ProductId product, std::int64_t quantity,
                               std::string location = std::string(kLocation));
    // produceBatch and receive into stock.
    ProducedCards produceAndReceive(ProductId product, std::int64_t quantity,
                                    std::string location = std::string(kLocation));

    // Sales.
    SalesOrder orderOf(ProductId product, std::int64_t count, Money load_each, Buyer buyer);
    Result<OrderId> placeOrder(const SalesOrder& order);
    Payment paymentFor(OrderId id);  // exactly what the stored order asks for
    Status pay(OrderId id, const Payment& payment);
    // Creates and pays an order (bank transfer where the rules demand it); its cards, or none
    // (with a test failure) when the sale fails.
    std::vector<CardId> sell(ProductId product, std::int64_t count, Money load_each,
                             const Buyer& buyer = individualBuyer());

    // Card operations, each at a new tick.
    Result<CardTxn> spend(CardId id, MerchantId merchant, Money amount,
                          std::optional<std::string> pin = std::nullopt, std::string idem_key = {});
    Result<CardTxn> refundOf(TxnId original, Money amount, std::string idem_key = {});
    Result<CardTxn> reload(CardId id, Money amount, PaymentMethod method = PaymentMethod::Cash);
    Status freeze(CardId id);
    Status unfreeze(CardId id);
    Result<CardTxn> replace(CardId old_id, CardId new_id);
    Result<std::int64_t> expiryRun();  // runExpiry at the business date
    Status extend(CardId id);
    Result<CardTxn> redeem(CardId id, std::string_view buyer_key);
    Result<std::int64_t> breakageRun();  // runBreakage at the business date

    std::string path_;
    Policies policies_;
    FakePinVerifier pins_;
    FakeCardNumberVault vault_;
    SeededRandom random_{20260302};
    Actor operator_{ActorKind::Operator, "op.wang", Channel::Admin};
    TimestampMs now_ms_ = 0;
    // A second read-write connection behind the store's back, on the test's engine (as an
    // attacker or a careless operator with a database shell would have).
    std::unique_ptr<store::Database> openRawConnection();
    bool onPostgres() const { return pg_schema_ != nullptr; }
    // A fixture that tests SQLite itself (its VFS, its files) stays on SQLite (issue 7).
    virtual bool sqliteOnly() const { return false; }

    std::unique_ptr<PgTestSchema> pg_schema_;  // PostgreSQL runs (issue 7)
    std::unique_ptr<store::SqliteStore> store_;
    std::unique_ptr<store::Database> reader_db_;
    std::unique_ptr<store::SqliteStoreTx> reader_;
};

}  // namespace yika::test
