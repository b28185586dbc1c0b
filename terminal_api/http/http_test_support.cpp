#include "terminal_api/http/http_test_support.h"

#include "card_core/domain/card_service.h"
#include "card_core/domain/issuance.h"
#include "card_core/domain/sales_service.h"
#include "terminal_api/http/request_signature.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <sodium.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include <unistd.h>

namespace yika::http::testing {

namespace {

Money cny(std::int64_t minor) { return Money::fromMinor(minor, Currency::Cny); }

// Keeps the manufacturer file's records in memory: serial,card_number,pin,track2,expiry.
class MemorySink final : public ManufacturerSink {
  public:
    Status writeRecord(std::string_view line) override {
        std::vector<std::string> fields;
        std::size_t start = 0;
        for (;;) {
            std::size_t comma = line.find(',', start);
            fields.emplace_back(line.substr(start, comma - start));
            if (comma == std::string_view::npos) break;
            start = comma + 1;
        }
        if (fields.size() != 5) return makeError(ErrorCode::InvalidArgument, "record");
        cards.push_back(SoldCard{std::stoll(fields[0]), fields[1], fields[2]});
        return Ok{};
    }
    std::vector<SoldCard> cards;
};

std::vector<std::uint8_t> tmkOf(std::string_view tid) {
    // A fixed, distinct TMK per terminal so that tests can quote signatures.
    std::vector<std::uint8_t> tmk(16);
    for (std::size_t i = 0; i < tmk.size(); ++i) {
        tmk[i] = static_cast<std::uint8_t>(i + 1 + static_cast<std::uint8_t>(tid.back()));
    }
    return tmk;
}

Buyer buyer() {
    Buyer b;
    b.kind = BuyerKind::Individual;
    b.name = "Zhang San";
    b.id_type = IdType::ResidentIdCard;
    b.id_number = "11010519491231002X";
    b.contact = "13800000000";
    return b;
}

std::string tempDir() {
    static std::atomic<int> counter{0};
    auto dir = std::filesystem::temp_directory_path() /
               ("yika_http_" + std::to_string(::getpid()) + "_" + std::to_string(counter++));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir.string();
}

Poco::Dynamic::Var memberOf(std::string_view json, std::string_view path) {
    Poco::JSON::Parser parser;
    Poco::Dynamic::Var v = parser.parse(std::string(json));
    std::string rest(path);
    for (;;) {
        auto object = v.extract<Poco::JSON::Object::Ptr>();
        std::size_t dot = rest.find('.');
        std::string name = rest.substr(0, dot);
        if (!object->has(name)) return {};
        v = object->get(name);
        if (dot == std::string::npos) return v;
        rest = rest.substr(dot + 1);
    }
}

}  // namespace

void FakeTerminalKeys::add(const std::string& tid, const std::vector<std::uint8_t>& tmk) {
    std::lock_guard lock(mutex_);
    tmk_by_tid_[tid] = tmk;
}

std::optional<HttpKey> FakeTerminalKeys::httpKey(const Terminal& terminal) const {
    std::lock_guard lock(mutex_);
    auto it = tmk_by_tid_.find(terminal.tid);
    if (it == tmk_by_tid_.end()) return std::nullopt;
    return deriveHttpKey(it->second, terminal.tid);
}

AcceptanceWorld::AcceptanceWorld(WorldOptions options) : dir_(tempDir()) {
    // SQLite in the folder, or PostgreSQL in a schema of its own (YIKA_TEST_PG_URL, issue 7).
    store::SqliteStoreOptions so = test::testStoreOptions(dir_ + "/yika.db", pg_schema_);
    so.synchronous_full = options.durable;
    store_ = std::make_unique<store::SqliteStore>(so);
    reader_db_ = store_->openReader();
    reader_ = std::make_unique<store::SqliteStoreTx>(*reader_db_);
    Status built = build(options);
    if (!built) {
        std::fprintf(stderr, "AcceptanceWorld: %s\n", built.error().detail.c_str());
        std::abort();
    }
}

AcceptanceWorld::~AcceptanceWorld() {
    reader_.reset();
    reader_db_.reset();
    store_.reset();
    pg_schema_.reset();
    std::filesystem::remove_all(dir_);
}

HttpKey AcceptanceWorld::httpKey(std::string_view tid) const {
    return deriveHttpKey(tmkOf(tid), tid);
}

Status AcceptanceWorld::build(const WorldOptions& options) {
    CardProduct p = defaultProduct(true, policies.product);
    p.code = "HTTPGIFT";
    p.name = "HTTP test gift card";
    p.bin = "62148390";
    p.pan_length = 19;
    p.daily_count_max = static_cast<int>(options.daily_count_max);
    p.purchase_max = options.purchase_max;
    Merchant m;
    m.mid = std::string(kMid);
    m.name = "Example Bakery";
    m.fee_bps = 38;
    m.bank_name = "Bank of Example";
    m.bank_account = "6222020200112233445";
    Date today = clock.todayCst();
    return store_->writer().runStatus([&](StoreTx& tx) -> Status {
        tx.setBusinessDate(today);
        auto product = createProduct(tx, p, policies);
        if (!product) return product.error();
        product_id = *product;
        merchant_id = tx.insertMerchant(m);
        for (std::string_view tid : {kTid, kOtherTid}) {
            Terminal t;
            t.tid = std::string(tid);
            t.merchant_id = merchant_id;
            t.state = tid == kTid ? TerminalState::Active : TerminalState::Disabled;
            t.tmk_wrapped = Bytes(58, 0xAB);  // the fake key source does not unwrap it
            t.batch_no = 1;
            TerminalId id = tx.insertTerminal(t);
            if (tid == kTid) terminal_id = id;
            terminal_keys.add(t.tid, tmkOf(tid));
        }
        return Ok{};
    });
}

Result<std::vector<SoldCard>> AcceptanceWorld::produce(std::int64_t count) {
    auto& w = store_->writer();
    ProductionBatch request;
    request.product_id = product_id;
    request.quantity = count;
    request.requested_by = "op.maker";
    request.location = "SH-STORE-01";
    auto batch = w.run<BatchId>(
        [&](StoreTx& tx) { return requestBatch(tx, request, policies, clock.nowMs()); });
    if (!batch) return batch.error();
    YIKA_TRY(w.runStatus(
        [&](StoreTx& tx) { return approveBatch(tx, *batch, "op.checker", clock.nowMs()); }));
    auto first = w.run<CardId>(
        [&](StoreTx& tx) { return beginGeneration(tx, *batch, policies, tx.businessDate()); });
    if (!first) return first.error();
    MemorySink sink;
    GenerationDeps deps{random, pins, vault};
    YIKA_TRY(w.runStatus([&](StoreTx& tx) {
        auto b = tx.batch(*batch);
        auto p = tx.product(product_id);
        return generateCards(tx, *b, *p, *first, count, deps, sink);
    }));
    YIKA_TRY(w.runStatus([&](StoreTx& tx) {
        return finishGeneration(tx, *batch, *first, *first + count - 1, "batch.csv.sealed",
                                clock.nowMs());
    }));
    YIKA_TRY(w.runStatus([&](StoreTx& tx) { return markExported(tx, *batch); }));
    Actor actor{ActorKind::Operator, "op.wang", Channel::Admin};
    auto received = w.run<std::int64_t>(
        [&](StoreTx& tx) { return receiveBatch(tx, *batch, actor, clock.nowMs()); });
    if (!received) return received.error();
    return sink.cards;
}

Result<std::vector<SoldCard>> AcceptanceWorld::sellCards(std::int64_t count, Money load_each) {
    auto produced = produce(count);
    if (!produced) return produced.error();
    SalesOrder order;
    order.buyer = buyer();
    order.lines.push_back(OrderLine{product_id, count, std::nullopt, std::nullopt, load_each});
    order.location = "SH-STORE-01";
    order.discount = cny(0);
    order.created_by = "op.sales";
    auto face = load_each.times(count);
    order.payment_method = face->minor() >= policies.sale.individual_noncash_threshold.minor()
                               ? PaymentMethod::BankTransfer
                               : PaymentMethod::Cash;
    auto& w = store_->writer();
    auto id = w.run<OrderId>(
        [&](StoreTx& tx) { return createOrder(tx, order, policies, clock.nowMs()); });
    if (!id) return id.error();
    Actor actor{ActorKind::Operator, "op.wang", Channel::Admin};
    YIKA_TRY(w.runStatus([&](StoreTx& tx) -> Status {
        auto stored = tx.order(*id);
        Payment payment;
        payment.method = stored->payment_method;
        payment.amount = stored->pay_total;
        payment.payer_name = "Zhang San";
        payment.payer_account = "6222021001122334455";
        payment.reference = "REF-" + std::to_string(*id);
        return recordPayment(tx, *id, payment, actor, policies, clock.nowMs());
    }));
    // The order took the lowest free serials, which are exactly this batch's cards.
    return produced;
}

Status AcceptanceWorld::freeze(CardId id) {
    Actor actor{ActorKind::Operator, "op.wang", Channel::Admin};
    return store_->writer().runStatus(
        [&](StoreTx& tx) { return freezeCard(tx, id, actor, reason::kLost, clock.nowMs()); });
}

std::optional<Card> AcceptanceWorld::card(CardId id) {
    std::lock_guard lock(reader_mutex_);
    return reader_->card(id);
}

std::optional<CardTxn> AcceptanceWorld::txn(TxnId id) {
    std::lock_guard lock(reader_mutex_);
    return reader_->txn(id);
}

std::optional<Terminal> AcceptanceWorld::terminal(std::string_view tid) {
    std::lock_guard lock(reader_mutex_);
    return reader_->terminalByTid(tid);
}

std::string Response::header(const std::string& lower_name) const {
    auto it = headers.find(lower_name);
    return it == headers.end() ? std::string() : it->second;
}

SigningClient::SigningClient(std::string host, std::uint16_t port, std::string tid, HttpKey key,
                             const Clock& clock)
    : tid_(std::move(tid)),
      key_(key),
      clock_(clock),
      session_(std::make_unique<Poco::Net::HTTPClientSession>(host, port)) {
    session_->setKeepAlive(true);
    session_->setTimeout(Poco::Timespan(30, 0));
}

SigningClient::~SigningClient() = default;

std::string SigningClient::newNonce() {
    std::array<std::uint8_t, 16> bytes{};
    randombytes_buf(bytes.data(), bytes.size());
    static constexpr char kAlphabet[] = "0123456789abcdef";
    std::string out;
    for (std::uint8_t b : bytes) {
        out += kAlphabet[b >> 4];
        out += kAlphabet[b & 15];
    }
    return out;
}

Response SigningClient::send(const RequestSpec& spec) {
    Poco::Net::HTTPRequest request(spec.method, spec.path, Poco::Net::HTTPMessage::HTTP_1_1);
    request.setKeepAlive(true);
    if (spec.sign) {
        std::string timestamp = spec.timestamp.value_or(std::to_string(clock_.nowMs()));
        std::string nonce = spec.nonce.value_or(newNonce());
        std::string canonical =
            canonicalRequest(spec.method, spec.path, timestamp, nonce, spec.body);
        request.set("X-Yika-Terminal", spec.tid.value_or(tid_));
        request.set("X-Yika-Timestamp", timestamp);
        request.set("X-Yika-Nonce", nonce);
        request.set("X-Yika-Signature", spec.signature.value_or(signCanonical(key_, canonical)));
    }
    if (!spec.idem_key.empty()) request.set("X-Yika-Idempotency-Key", spec.idem_key);
    if (!spec.content_type.empty()) request.setContentType(spec.content_type);
    for (const auto& [name, value] : spec.extra_headers) request.add(name, value);
    if (spec.chunked) {
        request.setChunkedTransferEncoding(true);
    } else if (spec.method == "POST" || !spec.body.empty()) {
        request.setContentLength64(static_cast<Poco::Int64>(spec.body.size()));
    }
    std::ostream& out = session_->sendRequest(request);
    out << spec.body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session_->receiveResponse(response);
    Response r;
    r.status = static_cast<int>(response.getStatus());
    std::ostringstream body;
    Poco::StreamCopier::copyStream(in, body);
    r.body = body.str();
    for (const auto& [name, value] : response) r.headers[Poco::toLower(name)] = value;
    if (!response.getKeepAlive()) session_->reset();
    return r;
}

Response SigningClient::post(std::string_view path, std::string_view body,
                             std::string_view idem_key) {
    RequestSpec spec;
    spec.path = std::string(path);
    spec.body = std::string(body);
    spec.idem_key = std::string(idem_key);
    return send(spec);
}

std::string jsonMember(std::string_view json, std::string_view name) {
    try {
        Poco::Dynamic::Var v = memberOf(json, name);
        return v.isEmpty() ? std::string() : v.toString();
    } catch (const Poco::Exception&) {
        return {};
    }
}

std::int64_t jsonInt(std::string_view json, std::string_view name) {
    try {
        Poco::Dynamic::Var v = memberOf(json, name);
        return v.isEmpty() ? -1 : v.convert<Poco::Int64>();
    } catch (const Poco::Exception&) {
        return -1;
    }
}

std::string jsonText(std::string_view json, std::string_view name) {
    return jsonMember(json, name);
}

}  // namespace yika::http::testing
