// End to end over a real TCP socket on port 0: yikad's ISO 8583 listener with demo data, driven
// by the yika-term client library. Every transaction type and response code of design section
// 6; duplicates, reversals and a late original; settlement with a mismatch; 200 concurrent
// purchases on one card. Every test ends with the ledger invariant check.

#include "card_core/domain/card_number.h"
#include "card_core/domain/card_service.h"
#include "card_core/testing/pg_test_db.h"
#include "crypto/hex.h"
#include "server/commands.h"
#include "server/pos_listener.h"
#include "terminal_api/iso8583/codec.h"
#include "terminal_api/iso8583/subfields.h"
#include "terminal_api/term/requests.h"
#include "terminal_api/term/tcp_link.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <random>
#include <set>
#include <sstream>
#include <thread>

namespace yika {
namespace {

using iso8583::Field;
using iso8583::Message;
using iso8583::ResponseCode;
using iso8583::TransactionType;

constexpr int kTimeoutMs = 10000;

struct DemoTerminal {
    std::string tid, mid;
    Bytes tmk;
};

struct DemoCard {
    std::string pan, pin;
};

std::vector<std::vector<std::string>> readCsv(const std::string& path) {
    std::vector<std::vector<std::string>> rows;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        std::vector<std::string> fields;
        std::istringstream s(line);
        std::string f;
        while (std::getline(s, f, ',')) fields.push_back(f);
        rows.push_back(fields);
    }
    return rows;
}

// One signed-on terminal with its own connection.
class Terminal {
  public:
    Terminal(std::uint16_t port, DemoTerminal t) : t_(std::move(t)) {
        auto link = term::TcpLink::connect("127.0.0.1", port, kTimeoutMs);
        EXPECT_TRUE(link.ok());
        link_.emplace(std::move(*link));
        context_ = {t_.tid, t_.mid, "000001"};
    }

    Message exchange(const Bytes& frame) {
        EXPECT_TRUE(link_->send(frame, kTimeoutMs).ok());
        auto body = link_->receiveFrame({}, kTimeoutMs);
        EXPECT_TRUE(body.ok()) << (body.ok() ? "" : body.error().detail);
        if (!body.ok()) return Message();
        auto m = iso8583::decode(*body, {});
        EXPECT_TRUE(m.ok());
        last_body_ = *body;
        return m.ok() ? *m : Message();
    }

    void signOn() {
        Message response = exchange(term::sealFrame(term::buildSignOn(context_, nextTrace()), {}));
        auto accepted = term::acceptSignOnResponse(response, t_.tmk, t_.tid);
        ASSERT_TRUE(accepted.ok()) << accepted.error().detail;
        context_.batch = accepted->batch;
        keys_.emplace(crypto::deriveSessionKeys(t_.tmk, t_.tid, accepted->nonce));
    }

    std::uint32_t nextTrace() { return trace_++; }

    // Sends a card request with a fresh trace (or `trace`), returns the response.
    Message card(term::CardRequest r) {
        if (r.trace == 1) r.trace = nextTrace();
        auto m = term::buildCardRequest(context_, r, keys_->pin_key.span());
        EXPECT_TRUE(m.ok()) << (m.ok() ? "" : m.error().detail);
        last_request_ = *m;
        Message response = exchange(term::sealFrame(*m, keys_->mac_key.span()));
        if (response.responseCode() == ResponseCode::Approved && term::responseNeedsMac(r.type)) {
            EXPECT_EQ(term::checkMac(last_body_, response, keys_->mac_key.span()),
                      term::MacCheck::Valid);
        }
        return response;
    }
    Message resend() { return exchange(term::sealFrame(last_request_, keys_->mac_key.span())); }
    Message reverseLast() {
        auto rev = term::buildReversal(last_request_, "98");
        EXPECT_TRUE(rev.ok());
        return exchange(term::sealFrame(*rev, keys_->mac_key.span()));
    }
    Message settle(const iso8583::SettlementTotals& totals) {
        return exchange(term::sealFrame(term::buildSettlement(context_, nextTrace(), totals),
                                        keys_->mac_key.span()));
    }
    const Message& lastRequest() const { return last_request_; }
    term::TerminalContext& context() { return context_; }
    const crypto::SessionKeys& keys() const { return *keys_; }
    term::TcpLink& link() { return *link_; }

  private:
    DemoTerminal t_;
    std::optional<term::TcpLink> link_;
    term::TerminalContext context_;
    std::optional<crypto::SessionKeys> keys_;
    std::uint32_t trace_ = 1;
    Message last_request_;
    Bytes last_body_;
};

term::CardRequest purchase(const DemoCard& c, std::int64_t minor, bool with_pin = false) {
    term::CardRequest r;
    r.type = TransactionType::Purchase;
    r.pan = c.pan;
    r.amount = Money::fromMinor(minor, Currency::Cny);
    if (with_pin) r.pin = c.pin;
    return r;
}

ResponseCode codeOf(const Message& m) {
    return m.responseCode().value_or(ResponseCode::SystemError);
}

class PosEndToEnd : public ::testing::Test {
  protected:
    static void SetUpTestSuite() {}

    void SetUp() override {
        dir_ = std::filesystem::path(::testing::TempDir()) /
               ("yika-pos-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir_);
        // Issue 7: on PostgreSQL when YIKA_TEST_PG_URL is set (pg.*), in a schema of its own;
        // init and the runtime read db.engine and db.url from these variables.
        if (auto url = test::testPgUrl()) {
            schema_ = std::make_unique<test::PgTestSchema>(*url);
            ::setenv("YIKA_DB_ENGINE", "postgresql", 1);
            ::setenv("YIKA_DB_URL", schema_->url().c_str(), 1);
        }
        ASSERT_EQ(server::runInit({"--data", dir_.string(), "--demo"}), 0);
        auto rt = server::openRuntime(dir_.string());
        ASSERT_TRUE(rt.ok());
        rt_ = std::move(*rt);
        auto listener = server::PosListener::create(*rt_, clock_);
        ASSERT_TRUE(listener.ok()) << listener.error().detail;
        listener_ = std::move(*listener);
        ASSERT_TRUE(listener_->start(0).ok());
        for (auto& row : readCsv((dir_ / "demo/terminals.csv").string())) {
            auto tmk = crypto::fromHex(row[2]);
            ASSERT_TRUE(tmk.has_value());
            terminals_.push_back({row[0], row[1], Bytes(tmk->begin(), tmk->end())});
        }
        for (auto& row : readCsv((dir_ / "demo/cards.csv").string()))
            cards_.push_back({row[0], row[1]});
        ASSERT_GE(cards_.size(), 30u);
    }

    void TearDown() override {
        listener_.reset();
        if (rt_) {
            auto report = rt_->store->verify();
            EXPECT_TRUE(report.ok()) << report.summary();
        }
        rt_.reset();
        std::filesystem::remove_all(dir_);
        ::unsetenv("YIKA_DB_ENGINE");
        ::unsetenv("YIKA_DB_URL");
        schema_.reset();
    }
    std::unique_ptr<test::PgTestSchema> schema_;  // PostgreSQL runs (issue 7)

    // The card's balance straight from the store.
    std::int64_t balanceOf(const DemoCard& c) {
        auto card = rt_->store->writer().run<Card>([&](StoreTx& tx) -> Result<Card> {
            auto found = tx.cardByLookup(rt_->vault.lookupHash(c.pan));
            if (!found) return makeError(ErrorCode::CardNotFound, "");
            return *found;
        });
        return card.ok() ? card->balance.minor() : -1;
    }
    CardId idOf(const DemoCard& c) {
        auto card = rt_->store->writer().run<CardId>([&](StoreTx& tx) -> Result<CardId> {
            return tx.cardByLookup(rt_->vault.lookupHash(c.pan))->id;
        });
        return *card;
    }
    Terminal signedOn(std::size_t index) {
        Terminal t(listener_->port(), terminals_[index]);
        t.signOn();
        return t;
    }

    std::filesystem::path dir_;
    SystemClock clock_;
    std::unique_ptr<server::Runtime> rt_;
    std::unique_ptr<server::PosListener> listener_;
    std::vector<DemoTerminal> terminals_;
    std::vector<DemoCard> cards_;
};

// cards_: the first 2 are named cards of 1,000.00 (less demo spend), then 20 named of 500.00,
// 10 bakery cards of 300.00, 5 anonymous of 200.00; terminals_: 3 network merchants + bakery.

TEST_F(PosEndToEnd, SignOnEchoBalanceAndPurchase) {
    Terminal t = signedOn(0);
    Message echo = t.exchange(term::sealFrame(term::buildEchoTest(t.context(), t.nextTrace()), {}));
    EXPECT_EQ(codeOf(echo), ResponseCode::Approved);
    const DemoCard& c = cards_[2];
    std::int64_t before = balanceOf(c);
    term::CardRequest inquiry;
    inquiry.type = TransactionType::BalanceInquiry;
    inquiry.pan = c.pan;
    inquiry.pin = c.pin;
    Message b = t.card(inquiry);
    ASSERT_EQ(codeOf(b), ResponseCode::Approved);
    auto shown = iso8583::parseBalance(b.get(Field::Balance));
    ASSERT_TRUE(shown.ok());
    EXPECT_EQ(shown->minor(), before);
    Message p = t.card(purchase(c, 1250));
    EXPECT_EQ(codeOf(p), ResponseCode::Approved);
    EXPECT_EQ(p.get(Field::RetrievalReference).size(), 12u);
    EXPECT_EQ(balanceOf(c), before - 1250);
}

TEST_F(PosEndToEnd, RetriedRequestGetsTheFirstAnswerAndDebitsOnce) {
    Terminal t = signedOn(0);
    const DemoCard& c = cards_[3];
    std::int64_t before = balanceOf(c);
    Message first = t.card(purchase(c, 700));
    ASSERT_EQ(codeOf(first), ResponseCode::Approved);
    for (int i = 0; i < 3; ++i) {
        Message again = t.resend();
        EXPECT_EQ(codeOf(again), ResponseCode::Approved);
        EXPECT_EQ(again.get(Field::RetrievalReference), first.get(Field::RetrievalReference));
    }
    EXPECT_EQ(balanceOf(c), before - 700);
}

TEST_F(PosEndToEnd, DeclinesCarryTheirCodesAndChangeNothing) {
    Terminal network = signedOn(0);
    const DemoCard& c = cards_[4];  // named, 500.00
    std::int64_t before = balanceOf(c);
    EXPECT_EQ(codeOf(network.card(purchase(c, before + 1))), ResponseCode::InsufficientFunds);
    EXPECT_EQ(codeOf(network.card(purchase(c, 600000))),
              ResponseCode::OverAmountLimit);  // > 5,000.00
    std::string unknown = "99000101" + std::string(10, '0');
    unknown += luhnCheckDigit(unknown);
    EXPECT_EQ(codeOf(network.card(purchase({unknown, "123456"}, 100))), ResponseCode::InvalidCard);
    // A bakery card outside its single-purpose scope.
    EXPECT_EQ(codeOf(network.card(purchase(cards_[22], 100))), ResponseCode::RestrictedCard);
    Terminal bakery = signedOn(3);
    EXPECT_EQ(codeOf(bakery.card(purchase(cards_[22], 100))), ResponseCode::Approved);
    // Frozen.
    Actor op{ActorKind::Operator, "cs", Channel::Admin};
    CardId id = idOf(c);  // outside the writer job: run() must not be nested
    ASSERT_TRUE(rt_->store->writer()
                    .runStatus([&](StoreTx& tx) {
                        return freezeCard(tx, id, op, reason::kLost, clock_.nowMs());
                    })
                    .ok());
    EXPECT_EQ(codeOf(network.card(purchase(c, 100))), ResponseCode::RestrictedCard);
    EXPECT_EQ(balanceOf(c), before);
}

TEST_F(PosEndToEnd, FiveWrongPinsLockThePinWhateverComesNext) {
    Terminal t = signedOn(1);
    DemoCard c = cards_[5];
    std::int64_t before = balanceOf(c);
    DemoCard wrong = c;
    wrong.pin = c.pin == "000000" ? "111111" : "000000";
    for (int i = 0; i < 4; ++i)
        EXPECT_EQ(codeOf(t.card(purchase(wrong, 100, true))), ResponseCode::WrongPin);
    EXPECT_EQ(codeOf(t.card(purchase(wrong, 100, true))), ResponseCode::PinTriesExceeded);
    EXPECT_EQ(codeOf(t.card(purchase(c, 100, true))), ResponseCode::PinTriesExceeded);
    EXPECT_EQ(balanceOf(c), before);
}

TEST_F(PosEndToEnd, PinRequiredAboveTheDailyThreshold) {
    Terminal t = signedOn(0);
    const DemoCard& c = cards_[0];  // named; the PIN is needed above 1,000.00 spent in a day
    CardId id = idOf(c);
    Payment transfer{PaymentMethod::BankTransfer, Money::fromMinor(200000, Currency::Cny),
                     "Zhang San", "6222000000000000001", "TRF-9"};
    Actor op{ActorKind::Operator, "sales", Channel::Admin};
    ASSERT_TRUE(rt_->store->writer()
                    .run<CardTxn>([&](StoreTx& tx) {
                        return reloadCard(tx, id, transfer.amount, transfer, op,
                                          rt_->config.policies, clock_.nowMs());
                    })
                    .ok());
    EXPECT_EQ(codeOf(t.card(purchase(c, 90000))), ResponseCode::Approved);  // 910.00 today
    EXPECT_EQ(codeOf(t.card(purchase(c, 9000))), ResponseCode::Approved);   // 1,000.00: not above
    std::int64_t before = balanceOf(c);
    EXPECT_EQ(codeOf(t.card(purchase(c, 1))), ResponseCode::WrongPin);  // PIN required
    EXPECT_EQ(codeOf(t.card(purchase(c, 1, true))), ResponseCode::Approved);
    EXPECT_EQ(balanceOf(c), before - 1);
}

TEST_F(PosEndToEnd, WrongMacUnknownTerminalAndFormatErrors) {
    Terminal t = signedOn(0);
    auto m = term::buildCardRequest(t.context(), purchase(cards_[6], 100), t.keys().pin_key.span());
    ASSERT_TRUE(m.ok());
    Bytes frame = term::sealFrame(*m, t.keys().mac_key.span());
    frame.back() ^= 0x01;
    EXPECT_EQ(codeOf(t.exchange(frame)), ResponseCode::MacFailure);
    // Mandatory field missing (no amount in a purchase).
    Message no_amount = *m;
    no_amount.clear(Field::Amount);
    no_amount.clear(Field::Currency);
    EXPECT_EQ(codeOf(t.exchange(term::sealFrame(no_amount, t.keys().mac_key.span()))),
              ResponseCode::FormatError);
    Terminal stranger(listener_->port(), {"99999999", terminals_[0].mid, terminals_[0].tmk});
    Message so = stranger.exchange(
        term::sealFrame(term::buildSignOn({"99999999", terminals_[0].mid, "000001"}, 1), {}));
    EXPECT_EQ(codeOf(so), ResponseCode::DoNotHonor);
    // Garbage that does not decode closes the connection without an answer.
    Bytes garbage = {0x00, 0x20};
    garbage.resize(34, 0x55);
    ASSERT_TRUE(t.link().send(garbage, kTimeoutMs).ok());
    EXPECT_FALSE(t.link().receiveFrame({}, kTimeoutMs).ok());
}

TEST_F(PosEndToEnd, VoidRefundAndTheirLimits) {
    Terminal t = signedOn(0);
    const DemoCard& c = cards_[7];
    std::int64_t before = balanceOf(c);
    Message p = t.card(purchase(c, 3000));
    ASSERT_EQ(codeOf(p), ResponseCode::Approved);
    term::CardRequest v;
    v.type = TransactionType::PurchaseVoid;
    v.pan = c.pan;
    v.amount = Money::fromMinor(2999, Currency::Cny);
    v.original_rrn = std::string(p.get(Field::RetrievalReference));
    v.original_data =
        iso8583::formatField61("000001", std::string(t.lastRequest().get(Field::Trace)));
    EXPECT_EQ(codeOf(t.card(v)), ResponseCode::InvalidAmount) << "a void is for the full amount";
    v.amount = Money::fromMinor(3000, Currency::Cny);
    EXPECT_EQ(codeOf(t.card(v)), ResponseCode::Approved);
    EXPECT_EQ(balanceOf(c), before);

    Message p2 = t.card(purchase(c, 5000));
    ASSERT_EQ(codeOf(p2), ResponseCode::Approved);
    term::CardRequest r;
    r.type = TransactionType::Refund;
    r.pan = c.pan;
    r.amount = Money::fromMinor(2000, Currency::Cny);
    r.original_rrn = std::string(p2.get(Field::RetrievalReference));
    r.original_data =
        iso8583::formatField61("000001", std::string(t.lastRequest().get(Field::Trace)), "0101");
    EXPECT_EQ(codeOf(t.card(r)), ResponseCode::Approved);
    r.amount = Money::fromMinor(3001, Currency::Cny);
    EXPECT_EQ(codeOf(t.card(r)), ResponseCode::InvalidAmount)
        << "refunds never exceed the original";
    r.amount = Money::fromMinor(3000, Currency::Cny);
    EXPECT_EQ(codeOf(t.card(r)), ResponseCode::Approved);
    EXPECT_EQ(balanceOf(c), before);
}

TEST_F(PosEndToEnd, PreAuthorisationCompletionForLessAndCancel) {
    Terminal t = signedOn(2);
    const DemoCard& c = cards_[8];
    std::int64_t before = balanceOf(c);
    term::CardRequest hold;
    hold.type = TransactionType::PreAuth;
    hold.pan = c.pan;
    hold.pin = c.pin;
    hold.amount = Money::fromMinor(20000, Currency::Cny);
    Message h = t.card(hold);
    ASSERT_EQ(codeOf(h), ResponseCode::Approved);
    std::string hold_trace(t.lastRequest().get(Field::Trace));
    // The hold lowers what a purchase may take.
    EXPECT_EQ(codeOf(t.card(purchase(c, before - 20000 + 1))), ResponseCode::InsufficientFunds);
    term::CardRequest done;
    done.type = TransactionType::PreAuthCompletion;
    done.pan = c.pan;
    done.amount = Money::fromMinor(15000, Currency::Cny);
    done.auth_id = std::string(h.get(Field::AuthorizationId));
    done.original_rrn = std::string(h.get(Field::RetrievalReference));
    done.original_data = iso8583::formatField61("000001", hold_trace, "0101");
    Message d = t.card(done);
    ASSERT_EQ(codeOf(d), ResponseCode::Approved) << d.get(Field::ResponseCode);
    EXPECT_EQ(balanceOf(c), before - 15000);
    EXPECT_EQ(codeOf(t.card(done)), ResponseCode::OriginalNotFound) << "a hold completes once";

    Message h2 = t.card(hold);
    ASSERT_EQ(codeOf(h2), ResponseCode::Approved);
    term::CardRequest cancel = done;
    cancel.original_data =
        iso8583::formatField61("000001", std::string(t.lastRequest().get(Field::Trace)), "0101");
    cancel.type = TransactionType::PreAuthCancel;
    cancel.pin.clear();
    cancel.amount = Money::fromMinor(20000, Currency::Cny);
    cancel.auth_id = std::string(h2.get(Field::AuthorizationId));
    cancel.original_rrn = std::string(h2.get(Field::RetrievalReference));
    EXPECT_EQ(codeOf(t.card(cancel)), ResponseCode::Approved);
    EXPECT_EQ(codeOf(t.card(purchase(c, before - 15000))), ResponseCode::Approved)
        << "hold released";
}

TEST_F(PosEndToEnd, ReversalRestoresAndIsIdempotentAndALateOriginalDoesNothing) {
    Terminal t = signedOn(0);
    const DemoCard& c = cards_[9];
    std::int64_t before = balanceOf(c);
    ASSERT_EQ(codeOf(t.card(purchase(c, 4200))), ResponseCode::Approved);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(codeOf(t.reverseLast()), ResponseCode::Approved);
    EXPECT_EQ(balanceOf(c), before);

    // The reversal arrives first (the terminal never got its purchase out), then the purchase.
    auto late = term::buildCardRequest(
        t.context(),
        [&] {
            auto r = purchase(c, 999);
            r.trace = t.nextTrace() + 1000;
            return r;
        }(),
        t.keys().pin_key.span());
    ASSERT_TRUE(late.ok());
    auto rev = term::buildReversal(*late, "98");
    ASSERT_TRUE(rev.ok());
    EXPECT_EQ(codeOf(t.exchange(term::sealFrame(*rev, t.keys().mac_key.span()))),
              ResponseCode::Approved);
    Message original = t.exchange(term::sealFrame(*late, t.keys().mac_key.span()));
    EXPECT_NE(codeOf(original), ResponseCode::Approved);
    EXPECT_EQ(balanceOf(c), before);
}

TEST_F(PosEndToEnd, SettlementBalancedThenMismatchRecorded) {
    Terminal t = signedOn(1);
    ASSERT_EQ(codeOf(t.card(purchase(cards_[10], 1000))), ResponseCode::Approved);
    ASSERT_EQ(codeOf(t.card(purchase(cards_[11], 2345))), ResponseCode::Approved);
    iso8583::SettlementTotals totals;
    totals.debit_amount_minor = 3345;
    totals.debit_count = 2;
    Message ok = t.settle(totals);
    ASSERT_EQ(codeOf(ok), ResponseCode::Approved);
    auto answer = iso8583::parseSettlementTotals(ok.get(Field::AdditionalData));
    ASSERT_TRUE(answer.ok());
    EXPECT_EQ(answer->result, 1);

    t.context().batch = "000002";
    ASSERT_EQ(codeOf(t.card(purchase(cards_[12], 500))), ResponseCode::Approved);
    totals.debit_amount_minor = 400;
    totals.debit_count = 1;
    Message off = t.settle(totals);
    auto mismatch = iso8583::parseSettlementTotals(off.get(Field::AdditionalData));
    ASSERT_TRUE(mismatch.ok());
    EXPECT_EQ(mismatch->result, 2);
    EXPECT_EQ(mismatch->debit_amount_minor, 500);
    auto reader = rt_->store->openReader();
    store::Statement open(*reader, "SELECT COUNT(*) FROM recon_exception WHERE state = 'OPEN'");
    ASSERT_TRUE(open.step());
    EXPECT_EQ(open.columnInt(0), 1);
}

TEST_F(PosEndToEnd, BatchUploadRecordsEachDifferenceOnce) {
    Terminal t = signedOn(2);
    ASSERT_EQ(codeOf(t.card(purchase(cards_[12], 500))), ResponseCode::Approved);
    const std::string trace_a(t.lastRequest().get(Field::Trace));
    ASSERT_EQ(codeOf(t.card(purchase(cards_[13], 700))), ResponseCode::Approved);
    iso8583::SettlementTotals totals;
    totals.debit_amount_minor = 700;
    totals.debit_count = 2;
    Message off = t.settle(totals);
    ASSERT_EQ(iso8583::parseSettlementTotals(off.get(Field::AdditionalData))->result, 2);

    // The terminal uploads the batch it just settled: purchase A with another amount, and a
    // trace the host never approved. The upload of purchase B is missing.
    const std::vector<iso8583::BatchUploadItem> items = {{trace_a, cards_[12].pan, 400},
                                                         {"000099", cards_[14].pan, 300}};
    auto upload = [&] {
        return t.exchange(term::sealFrame(term::buildBatchUpload(t.context(), t.nextTrace(), items),
                                          t.keys().mac_key.span()));
    };
    EXPECT_EQ(codeOf(upload()), ResponseCode::Approved);
    EXPECT_EQ(codeOf(upload()), ResponseCode::Approved);  // re-sent: recorded once
    auto end = [&] {
        return t.exchange(term::sealFrame(term::buildBatchUploadEnd(t.context(), t.nextTrace(), 3),
                                          t.keys().mac_key.span()));
    };
    EXPECT_EQ(codeOf(end()), ResponseCode::Approved);
    EXPECT_EQ(codeOf(end()), ResponseCode::Approved);

    auto reader = rt_->store->openReader();
    store::Statement items_read(*reader,
                                "SELECT trace_no, pan_masked, outcome, host_txn_id IS NOT NULL "
                                "FROM terminal_batch_item ORDER BY trace_no");
    ASSERT_TRUE(items_read.step());
    EXPECT_EQ(items_read.columnInt(0), std::stoi(trace_a));
    EXPECT_EQ(items_read.columnText(1), maskPan(cards_[12].pan));
    EXPECT_EQ(items_read.columnText(2), "AMOUNT_DIFFERS");
    EXPECT_EQ(items_read.columnInt(3), 1);
    ASSERT_TRUE(items_read.step());
    EXPECT_EQ(items_read.columnInt(0), 99);
    EXPECT_EQ(items_read.columnText(2), "NOT_AT_HOST");
    EXPECT_EQ(items_read.columnInt(3), 0);
    EXPECT_FALSE(items_read.step());
    store::Statement exceptions(*reader, "SELECT kind, detail FROM recon_exception ORDER BY id");
    std::vector<std::string> seen;
    while (exceptions.step()) {
        const std::string detail = exceptions.columnText(1);  // up to its first ':'
        seen.push_back(exceptions.columnText(0) + " " + detail.substr(0, detail.find(':')));
    }
    EXPECT_EQ(seen, (std::vector<std::string>{"terminal_batch terminal totals debit 7.00/2 credit "
                                              "0.00/0 vs host debit 12.00/2 credit 0.00/0",
                                              "batch_item AMOUNT_DIFFERS", "batch_item NOT_AT_HOST",
                                              "batch_item NOT_AT_TERMINAL",
                                              "batch_upload terminal counted 3 uploaded items, "
                                              "host received 2"}));
}

TEST_F(PosEndToEnd, BatchUploadOfAnUnsettledBatchIsRefused) {
    Terminal t = signedOn(2);
    const std::vector<iso8583::BatchUploadItem> items = {{"000001", cards_[12].pan, 400}};
    Message answer = t.exchange(term::sealFrame(
        term::buildBatchUpload(t.context(), t.nextTrace(), items), t.keys().mac_key.span()));
    EXPECT_NE(codeOf(answer), ResponseCode::Approved);
    auto reader = rt_->store->openReader();
    store::Statement count(*reader, "SELECT COUNT(*) FROM terminal_batch_item");
    ASSERT_TRUE(count.step());
    EXPECT_EQ(count.columnInt(0), 0);
}

TEST_F(PosEndToEnd, DailyCountLimitAnswers65) {
    Terminal t = signedOn(0);
    const DemoCard& c = cards_[14];  // named demo product: 50 purchases a day; the demo made 1
    std::int64_t before = balanceOf(c);
    for (int i = 0; i < 49; ++i)
        ASSERT_EQ(codeOf(t.card(purchase(c, 1))), ResponseCode::Approved) << i;
    EXPECT_EQ(codeOf(t.card(purchase(c, 1))), ResponseCode::OverCountLimit);
    EXPECT_EQ(balanceOf(c), before - 49);
}

TEST_F(PosEndToEnd, ExpiredAnonymousCardAnswers54) {
    Terminal t = signedOn(0);
    const DemoCard& c = cards_[cards_.size() - 1];  // anonymous: valid 36 months from sale
    std::int64_t before = balanceOf(c);
    ASSERT_EQ(codeOf(t.card(purchase(c, 100))), ResponseCode::Approved);
    ASSERT_TRUE(rt_->store->writer()
                    .runStatus([&](StoreTx& tx) {
                        tx.setBusinessDate(tx.businessDate().plusMonths(37));
                        return Status(Ok{});
                    })
                    .ok());
    EXPECT_EQ(codeOf(t.card(purchase(c, 100))), ResponseCode::ExpiredCard);
    EXPECT_EQ(balanceOf(c), before - 100);
}

TEST_F(PosEndToEnd, TwoHundredConcurrentPurchasesNeverOverdrawOneCard) {
    const DemoCard& c = cards_[13];  // 500.00
    std::int64_t before = balanceOf(c);
    constexpr int kThreads = 3;  // one terminal each: a second sign-on would replace the session
    constexpr int kPerThread = 67;
    std::atomic<int> approved{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kThreads; ++i) {
        threads.emplace_back([&, i] {
            Terminal t = signedOn(static_cast<std::size_t>(i));
            t.context().batch = "00010" + std::to_string(i);
            for (int k = 0; k < kPerThread; ++k) {
                if (codeOf(t.card(purchase(c, 1100))) == ResponseCode::Approved)
                    approved.fetch_add(1);
            }
        });
    }
    for (auto& th : threads) th.join();
    EXPECT_EQ(approved.load(), before / 1100);
    EXPECT_EQ(balanceOf(c), before - approved.load() * 1100);
    EXPECT_GE(balanceOf(c), 0);
}

// Secrets at rest (issue 9): after transactions with PINs, sign-ons and a reversal, neither the
// database nor its WAL holds a card number (in ASCII or packed BCD), a terminal master key or
// any key of the key file in clear.
TEST_F(PosEndToEnd, NoCardNumberOrKeyIsStoredInClear) {
    Terminal t = signedOn(0);
    ASSERT_EQ(codeOf(t.card(purchase(cards_[2], 1500, true))), ResponseCode::Approved);
    ASSERT_EQ(codeOf(t.reverseLast()), ResponseCode::Approved);
    std::vector<Bytes> secrets;
    for (const DemoCard& c : cards_) {
        secrets.emplace_back(c.pan.begin(), c.pan.end());
        Bytes bcd;  // the digits packed two per byte, as ISO 8583 carries field 2
        for (std::size_t i = 0; i + 1 < c.pan.size(); i += 2) {
            bcd.push_back(static_cast<std::uint8_t>((c.pan[i] - '0') << 4 | (c.pan[i + 1] - '0')));
        }
        secrets.push_back(bcd);
    }
    for (const DemoTerminal& terminal : terminals_) secrets.push_back(terminal.tmk);
    for (crypto::KeyPurpose purpose : crypto::kAllKeyPurposes) {
        auto key = rt_->keys.current(purpose).bytes;
        secrets.emplace_back(key.begin(), key.end());
    }
    for (const char* suffix : {"", "-wal"}) {
        const std::filesystem::path file = dir_ / (std::string("yika.db") + suffix);
        std::ifstream in(file, std::ios::binary);
        const std::string bytes((std::istreambuf_iterator<char>(in)), {});
        ASSERT_GT(bytes.size(), 0u) << file;
        for (std::size_t i = 0; i < secrets.size(); ++i) {
            const std::string needle(secrets[i].begin(), secrets[i].end());
            EXPECT_EQ(bytes.find(needle), std::string::npos) << file << ": secret #" << i;
        }
    }
}

// Storms (issue 9): the same purchase and its reversal, each sent many times over several
// connections of the terminal in a shuffled order (seeded), end in exactly one net effect.
// Round 0 sends one purchase first, round 1 one reversal first (a tombstone that neutralises
// the original when it comes), round 2 leaves the order to the threads. Every reversal copy is
// answered 00; every purchase copy gets the first purchase answer: 00 when it came before the
// reversal, 94 (duplicate: already reversed) when it came after.
TEST_F(PosEndToEnd, PurchaseAndReversalStormsEndInOneNetEffect) {
    constexpr int kConnections = 4;
    constexpr int kCopiesEach = 6;  // of the purchase and of the reversal, per connection
    Terminal t = signedOn(0);
    for (int round = 0; round < 3; ++round) {
        const DemoCard& c = cards_[static_cast<std::size_t>(15 + round)];
        const std::int64_t before = balanceOf(c);
        // Build the purchase without sending it, and its reversal.
        term::CardRequest r = purchase(c, 1234);
        r.trace = t.nextTrace();
        auto request = term::buildCardRequest(t.context(), r, t.keys().pin_key.span());
        ASSERT_TRUE(request.ok());
        auto reversal = term::buildReversal(*request, "98");
        ASSERT_TRUE(reversal.ok());
        const Bytes purchase_frame = term::sealFrame(*request, t.keys().mac_key.span());
        const Bytes reversal_frame = term::sealFrame(*reversal, t.keys().mac_key.span());
        std::mutex codes_mutex;
        std::set<ResponseCode> purchase_codes;
        std::atomic<int> answered{0};
        auto exchange = [&](term::TcpLink& link, const Bytes& frame) {
            ASSERT_TRUE(link.send(frame, kTimeoutMs).ok());
            auto body = link.receiveFrame({}, kTimeoutMs);
            ASSERT_TRUE(body.ok());
            auto m = iso8583::decode(*body, {});
            ASSERT_TRUE(m.ok());
            answered.fetch_add(1);
            if (&frame == &reversal_frame) {
                EXPECT_EQ(codeOf(*m), ResponseCode::Approved);
            } else {
                std::lock_guard lock(codes_mutex);
                purchase_codes.insert(codeOf(*m));
            }
        };
        if (round < 2) exchange(t.link(), round == 0 ? purchase_frame : reversal_frame);
        std::vector<std::thread> threads;
        for (int k = 0; k < kConnections; ++k) {
            threads.emplace_back([&, k] {
                std::vector<const Bytes*> order;
                for (int i = 0; i < kCopiesEach; ++i) {
                    order.push_back(&purchase_frame);
                    order.push_back(&reversal_frame);
                }
                std::mt19937 random(static_cast<std::uint32_t>(1000 * round + k));
                std::shuffle(order.begin(), order.end(), random);
                auto link = term::TcpLink::connect("127.0.0.1", listener_->port(), kTimeoutMs);
                ASSERT_TRUE(link.ok());
                for (const Bytes* frame : order) exchange(*link, *frame);
            });
        }
        for (auto& th : threads) th.join();
        EXPECT_EQ(answered.load(), kConnections * kCopiesEach * 2 + (round < 2 ? 1 : 0));
        EXPECT_EQ(balanceOf(c), before) << "round " << round;
        ASSERT_EQ(purchase_codes.size(), 1u) << "round " << round;
        if (round == 0) {
            EXPECT_EQ(*purchase_codes.begin(), ResponseCode::Approved);
        } else if (round == 1) {
            EXPECT_EQ(*purchase_codes.begin(), ResponseCode::Duplicate);
        }
        // One purchase row (approved then reversed, or declined as already reversed) and one
        // reversal row, however many copies arrived.
        auto reader = rt_->store->openReader();
        const std::string key = t.context().tid + ":1:" + std::to_string(r.trace) + ":%";
        store::Statement rows(*reader,
                              "SELECT COUNT(CASE WHEN idem_key LIKE 'T:' || ?1 THEN 1 END), "
                              "COUNT(CASE WHEN idem_key LIKE 'R:' || ?1 THEN 1 END) FROM card_txn");
        rows.bind(1, key);
        ASSERT_TRUE(rows.step());
        EXPECT_EQ(rows.columnInt(0), 1) << "round " << round;
        EXPECT_EQ(rows.columnInt(1), 1) << "round " << round;
    }
}

}  // namespace
}  // namespace yika
