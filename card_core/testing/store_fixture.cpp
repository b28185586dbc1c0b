#include "card_core/testing/store_fixture.h"

#include "card_core/domain/card_number.h"
#include "card_core/domain/sale.h"

#include <atomic>
#include <filesystem>
#include <ostream>

#include <unistd.h>

namespace yika::test {

std::string residentIdWithCheck(std::string_view first17) {
    for (char check : std::string_view("0123456789X")) {
        std::string id = std::string(first17) + check;
        if (validResidentId(id)) return id;
    }
    ADD_FAILURE() << "no check character completes " << first17;
    return {};
}

Buyer individualBuyer(std::string id_number, std::string name) {
    Buyer b;
    b.kind = BuyerKind::Individual;
    b.name = std::move(name);
    b.id_type = IdType::ResidentIdCard;
    b.id_number = std::move(id_number);
    b.contact = "13800000000";
    return b;
}

Buyer companyBuyer(std::string credit_code, std::string name) {
    Buyer b;
    b.kind = BuyerKind::Company;
    b.name = std::move(name);
    b.credit_code = std::move(credit_code);
    b.contact = "HR department";
    return b;
}

Buyer anonymousBuyer() {
    Buyer b;
    b.kind = BuyerKind::Individual;
    return b;
}

std::optional<ManufacturerRecord> parseRecord(std::string_view line) {
    std::vector<std::string> fields;
    std::size_t start = 0;
    for (;;) {
        std::size_t comma = line.find(',', start);
        fields.emplace_back(line.substr(start, comma - start));
        if (comma == std::string_view::npos) break;
        start = comma + 1;
    }
    if (fields.size() != 5 || !isAllDigits(fields[0])) return std::nullopt;
    ManufacturerRecord r;
    r.serial = std::stoll(fields[0]);
    r.pan = fields[1];
    r.pin = fields[2];
    r.track2 = fields[3];
    r.expiry_yymm = fields[4];
    return r;
}

void PrintTo(const LineRow& row, std::ostream* os) {
    *os << "{" << row.account << "/" << row.sub << " Dr " << row.debit_minor << " Cr "
        << row.credit_minor << "}";
}

void StoreTest::SetUp() {
    static std::atomic<int> counter{0};
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::filesystem::path dir(::testing::TempDir());
    path_ = (dir / ("yika_" + std::string(info->test_suite_name()) + "." + info->name() + "." +
                    std::to_string(::getpid()) + "." + std::to_string(counter++) + ".db"))
                .string();
    std::filesystem::remove(path_);
    // SQLite in a file, or PostgreSQL in a schema of its own (YIKA_TEST_PG_URL, issue 7).
    store::SqliteStoreOptions options =
        sqliteOnly() ? testStoreOptions(path_) : testStoreOptions(path_, pg_schema_);
    store_ = std::make_unique<store::SqliteStore>(options);
    reader_db_ = store_->openReader();
    reader_ = std::make_unique<store::SqliteStoreTx>(*reader_db_);
    Date start = *Date::fromYmd(2026, 3, 2);
    now_ms_ = cstMs(start, 9);
    setBusinessDate(start);
}

void StoreTest::TearDown() {
    reader_.reset();
    reader_db_.reset();
    store_.reset();
    pg_schema_.reset();
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
}

std::unique_ptr<store::Database> StoreTest::openRawConnection() {
    if (pg_schema_) {
        store::PgOptions o;
        o.url = pg_schema_->url();
        return std::make_unique<store::Database>(std::make_unique<store::PgConnection>(o));
    }
    return std::make_unique<store::Database>(path_, store::Database::Options{});
}

Status StoreTest::runStatus(std::function<Status(StoreTx&)> fn) {
    return store_->writer().runStatus(std::move(fn));
}

TimestampMs StoreTest::tick() {
    now_ms_ += 1000;
    return now_ms_;
}

void StoreTest::setBusinessDate(Date day) {
    Status set = runStatus([&](StoreTx& tx) {
        tx.setBusinessDate(day);
        return Status(Ok{});
    });
    EXPECT_OK(set);
    now_ms_ = std::max(now_ms_, cstMs(day, 10));
}

store::SqliteStoreTx& StoreTest::reader() {
    reader_->resetCaches();
    return *reader_;
}

Date StoreTest::businessDate() { return reader().businessDate(); }

Card StoreTest::card(CardId id) {
    auto c = reader().card(id);
    if (!c) {
        ADD_FAILURE() << "no card " << id;
        return Card{};
    }
    return *c;
}

CardTxn StoreTest::txn(TxnId id) {
    auto t = reader().txn(id);
    if (!t) {
        ADD_FAILURE() << "no transaction " << id;
        return CardTxn{};
    }
    return *t;
}

SalesOrder StoreTest::order(OrderId id) {
    auto o = reader().order(id);
    if (!o) {
        ADD_FAILURE() << "no order " << id;
        return SalesOrder{};
    }
    return *o;
}

ProductionBatch StoreTest::batch(BatchId id) {
    auto b = reader().batch(id);
    if (!b) {
        ADD_FAILURE() << "no batch " << id;
        return ProductionBatch{};
    }
    return *b;
}

std::int64_t StoreTest::queryInt(const std::string& sql) {
    store::Statement s(*reader_db_, sql);
    if (!s.step()) {
        ADD_FAILURE() << "no row from " << sql;
        return -1;
    }
    return s.columnInt(0);
}

std::vector<LineRow> StoreTest::entryLines(std::string_view event_key) {
    store::Statement s(
        *reader_db_,
        "SELECT l.account, l.sub_id, l.debit_minor, l.credit_minor FROM journal_line "
        "l JOIN journal_entry e ON e.id = l.entry_id WHERE e.event_key = ?1 "
        "ORDER BY l.line_no");
    s.bind(1, event_key);
    std::vector<LineRow> out;
    while (s.step())
        out.push_back({s.columnInt(0), s.columnInt(1), s.columnInt(2), s.columnInt(3)});
    return out;
}

std::vector<CardEvent> StoreTest::cardEvents(CardId id) {
    store::Statement s(*reader_db_,
                       "SELECT from_state, to_state, actor_id, reason, at_ms FROM card_event "
                       "WHERE card_id = ?1 ORDER BY id");
    s.bind(1, id);
    std::vector<CardEvent> out;
    while (s.step()) {
        CardEvent e;
        e.card_id = id;
        e.from = cardStateFromString(s.columnText(0)).value_or(CardState::Destroyed);
        e.to = cardStateFromString(s.columnText(1)).value_or(CardState::Destroyed);
        e.actor.id = s.columnText(2);
        e.reason = s.columnText(3);
        e.at_ms = s.columnInt(4);
        out.push_back(std::move(e));
    }
    return out;
}

void StoreTest::expectLedgerInvariants() {
    store::InvariantReport report = store_->verify();
    EXPECT_TRUE(report.ok()) << report.summary();
}

CardProduct StoreTest::namedProduct(std::string code) {
    CardProduct p = defaultProduct(true, policies_.product);
    p.name = "Named gift card " + code;
    p.code = std::move(code);
    p.bin = "62148390";
    p.pan_length = 19;
    return p;
}

CardProduct StoreTest::anonymousProduct(std::string code) {
    CardProduct p = defaultProduct(false, policies_.product);
    p.name = "Anonymous gift card " + code;
    p.code = std::move(code);
    p.bin = "621484";
    p.pan_length = 16;
    return p;
}

ProductId StoreTest::addProduct(const CardProduct& product) {
    auto id =
        run<ProductId>([&](StoreTx& tx) { return yika::createProduct(tx, product, policies_); });
    EXPECT_OK(id);
    return id ? *id : 0;
}

MerchantGroupId StoreTest::addMerchantGroup(std::string code) {
    auto id = run<MerchantGroupId>([&](StoreTx& tx) -> Result<MerchantGroupId> {
        return tx.insertMerchantGroup(code, "group " + code);
    });
    EXPECT_OK(id);
    return id ? *id : 0;
}

MerchantId StoreTest::addMerchant(std::string mid, std::optional<MerchantGroupId> group) {
    Merchant m;
    m.mid = std::move(mid);
    m.name = "Merchant " + m.mid;
    m.group = group;
    m.fee_bps = 38;
    m.bank_name = "Bank of Example";
    m.bank_account = "6222020200112233445";
    EXPECT_OK(validateMerchant(m));
    auto id =
        run<MerchantId>([&](StoreTx& tx) -> Result<MerchantId> { return tx.insertMerchant(m); });
    EXPECT_OK(id);
    return id ? *id : 0;
}

ProducedCards StoreTest::produceBatch(ProductId product, std::int64_t quantity,
                                      std::string location) {
    ProducedCards out;
    ProductionBatch request;
    request.product_id = product;
    request.quantity = quantity;
    request.requested_by = "op.maker";
    request.location = std::move(location);
    TimestampMs at = tick();
    auto id =
        run<BatchId>([&](StoreTx& tx) { return yika::requestBatch(tx, request, policies_, at); });
    if (!id) {
        ADD_FAILURE() << "requestBatch: " << describe(id);
        return out;
    }
    out.batch = *id;
    at = tick();
    Status approved =
        runStatus([&](StoreTx& tx) { return yika::approveBatch(tx, out.batch, "op.checker", at); });
    if (!approved) {
        ADD_FAILURE() << "approveBatch: " << describe(approved);
        return out;
    }
    auto first = run<CardId>([&](StoreTx& tx) {
        return yika::beginGeneration(tx, out.batch, policies_, tx.businessDate());
    });
    if (!first) {
        ADD_FAILURE() << "beginGeneration: " << describe(first);
        return out;
    }
    // Generate in chunks, as the server does, so one chunk never holds the writer for long.
    constexpr std::int64_t kChunk = 16;
    MemorySink sink;
    GenerationDeps deps{random_, pins_, vault_};
    for (std::int64_t done = 0; done < quantity; done += kChunk) {
        std::int64_t n = std::min(kChunk, quantity - done);
        Status chunk = runStatus([&](StoreTx& tx) {
            auto b = tx.batch(out.batch);
            auto p = tx.product(product);
            return yika::generateCards(tx, *b, *p, *first + done, n, deps, sink);
        });
        if (!chunk) {
            ADD_FAILURE() << "generateCards: " << describe(chunk);
            return out;
        }
    }
    at = tick();
    Status finished = runStatus([&](StoreTx& tx) {
        return yika::finishGeneration(tx, out.batch, *first, *first + quantity - 1,
                                      "batch-" + std::to_string(out.batch) + ".csv.sealed", at);
    });
    Status exported =
        finished ? runStatus([&](StoreTx& tx) { return yika::markExported(tx, out.batch); })
                 : finished;
    if (!exported) {
        ADD_FAILURE() << "finishGeneration / markExported: " << describe(exported);
        return out;
    }
    for (const std::string& line : sink.lines) {
        auto record = parseRecord(line);
        if (!record) {
            ADD_FAILURE() << "malformed manufacturer record";
            continue;
        }
        out.ids.push_back(record->serial);
        out.records[record->serial] = *record;
    }
    return out;
}

ProducedCards StoreTest::produceAndReceive(ProductId product, std::int64_t quantity,
                                           std::string location) {
    ProducedCards out = produceBatch(product, quantity, std::move(location));
    if (out.batch == 0) return out;
    TimestampMs at = tick();
    auto received = run<std::int64_t>(
        [&](StoreTx& tx) { return yika::receiveBatch(tx, out.batch, operator_, at); });
    EXPECT_OK(received);
    if (received) {
        EXPECT_EQ(*received, quantity);
    }
    return out;
}

SalesOrder StoreTest::orderOf(ProductId product, std::int64_t count, Money load_each, Buyer buyer) {
    SalesOrder o;
    o.buyer = std::move(buyer);
    OrderLine line;
    line.product_id = product;
    line.count = count;
    line.load_each = load_each;
    o.lines.push_back(line);
    o.location = std::string(kLocation);
    o.discount = Money::zero(load_each.currency());
    o.created_by = "op.sales";
    // Bank transfer where the rules demand it, cash otherwise.
    auto face = load_each.times(count);
    Money noncash = o.buyer.kind == BuyerKind::Company
                        ? policies_.sale.company_noncash_threshold
                        : policies_.sale.individual_noncash_threshold;
    o.payment_method = face && face->minor() >= noncash.minor() ? PaymentMethod::BankTransfer
                                                                : PaymentMethod::Cash;
    return o;
}

Result<OrderId> StoreTest::placeOrder(const SalesOrder& o) {
    TimestampMs at = tick();
    return run<OrderId>([&](StoreTx& tx) { return yika::createOrder(tx, o, policies_, at); });
}

Payment StoreTest::paymentFor(OrderId id) {
    SalesOrder o = order(id);
    Payment p;
    p.method = o.payment_method;
    p.amount = o.pay_total;
    p.payer_name = o.buyer.name.empty() ? "walk-in customer" : o.buyer.name;
    if (p.method == PaymentMethod::BankTransfer) p.payer_account = "6222021001122334455";
    p.reference = "REF-" + std::to_string(id);
    return p;
}

Status StoreTest::pay(OrderId id, const Payment& payment) {
    TimestampMs at = tick();
    return runStatus([&](StoreTx& tx) {
        return yika::recordPayment(tx, id, payment, operator_, policies_, at);
    });
}

std::vector<CardId> StoreTest::sell(ProductId product, std::int64_t count, Money load_each,
                                    const Buyer& buyer) {
    auto id = placeOrder(orderOf(product, count, load_each, buyer));
    if (!id) {
        ADD_FAILURE() << "createOrder: " << describe(id);
        return {};
    }
    Status paid = pay(*id, paymentFor(*id));
    if (!paid) {
        ADD_FAILURE() << "recordPayment: " << describe(paid);
        return {};
    }
    return order(*id).card_ids;
}

Result<CardTxn> StoreTest::spend(CardId id, MerchantId merchant, Money amount,
                                 std::optional<std::string> pin, std::string idem_key) {
    PurchaseRequest request;
    request.card_id = id;
    request.merchant_id = merchant;
    request.amount = amount;
    request.idem_key = std::move(idem_key);
    request.pin = std::move(pin);
    TimestampMs at = tick();
    return run<CardTxn>(
        [&](StoreTx& tx) { return yika::purchase(tx, request, pins_, policies_, at); });
}

Result<CardTxn> StoreTest::refundOf(TxnId original, Money amount, std::string idem_key) {
    RefundRequest request;
    request.original_id = original;
    request.amount = amount;
    request.idem_key = std::move(idem_key);
    TimestampMs at = tick();
    return run<CardTxn>([&](StoreTx& tx) { return yika::refund(tx, request, at); });
}

Result<CardTxn> StoreTest::reload(CardId id, Money amount, PaymentMethod method) {
    Payment payment;
    payment.method = method;
    payment.amount = amount;
    payment.payer_name = "Zhang San";
    if (method == PaymentMethod::BankTransfer) payment.payer_account = "6222021001122334455";
    TimestampMs at = tick();
    return run<CardTxn>([&](StoreTx& tx) {
        return yika::reloadCard(tx, id, amount, payment, operator_, policies_, at);
    });
}

Status StoreTest::freeze(CardId id) {
    TimestampMs at = tick();
    return runStatus(
        [&](StoreTx& tx) { return yika::freezeCard(tx, id, operator_, reason::kLost, at); });
}

Status StoreTest::unfreeze(CardId id) {
    TimestampMs at = tick();
    return runStatus([&](StoreTx& tx) { return yika::unfreezeCard(tx, id, operator_, at); });
}

Result<CardTxn> StoreTest::replace(CardId old_id, CardId new_id) {
    TimestampMs at = tick();
    return run<CardTxn>(
        [&](StoreTx& tx) { return yika::replaceCard(tx, old_id, new_id, operator_, at); });
}

Result<std::int64_t> StoreTest::expiryRun() {
    TimestampMs at = tick();
    return run<std::int64_t>(
        [&](StoreTx& tx) { return yika::runExpiry(tx, tx.businessDate(), 1000, at); });
}

Status StoreTest::extend(CardId id) {
    TimestampMs at = tick();
    return runStatus([&](StoreTx& tx) { return yika::extendCard(tx, id, operator_, at); });
}

Result<CardTxn> StoreTest::redeem(CardId id, std::string_view buyer_key) {
    TimestampMs at = tick();
    return run<CardTxn>(
        [&](StoreTx& tx) { return yika::redeemCard(tx, id, buyer_key, operator_, policies_, at); });
}

Result<std::int64_t> StoreTest::breakageRun() {
    TimestampMs at = tick();
    return run<std::int64_t>(
        [&](StoreTx& tx) { return yika::runBreakage(tx, tx.businessDate(), 1000, policies_, at); });
}

}  // namespace yika::test
