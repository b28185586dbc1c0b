#include "terminal_api/term/terminal_state.h"

#include "terminal_api/term/requests.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>

#include <sys/stat.h>
#include <unistd.h>

namespace yika::term {
namespace {

using T = iso8583::TransactionType;

TxnRecord record(std::uint32_t trace, T type, TxnStatus status, std::int64_t amount_minor) {
    TxnRecord r;
    r.trace = trace;
    r.type = type;
    r.status = status;
    r.batch = "000001";
    r.pan = "6288881234567890128";
    r.amount_minor = amount_minor;
    return r;
}

TerminalState sampleState() {
    TerminalState state = freshState("10000001");
    state.batch = 7;
    state.next_trace = 42;
    state.session_nonce = crypto::SessionNonce{1, 2, 3};
    state.session_tmk_kcv = "48985e";
    state.totals = {1250, 1, 300, 1, 0};
    TxnRecord full = record(2, T::PreAuthCompletion, TxnStatus::Approved, 1250);
    full.pin_entered = true;
    full.sent_auth_id = "A00042";
    full.sent_original_data = "0000010000010315";
    full.original_trace = 1;
    full.rrn = "000000000042";
    full.auth_id = "A00042";
    full.date = "0315";
    full.time = "142502";
    full.response_code = "00";
    state.transactions.push_back(record(1, T::PreAuth, TxnStatus::Sent, 5000));
    state.transactions.push_back(full);
    return state;
}

std::string tempPath(const char* name) {
    return ::testing::TempDir() + "/yika_term_" + name + "_" + std::to_string(::getpid());
}

TEST(TerminalState, SerializeParseRoundTrip) {
    const TerminalState state = sampleState();
    auto parsed = parseState(serializeState(state));
    ASSERT_TRUE(parsed.ok()) << parsed.error().detail;
    EXPECT_EQ(*parsed, state);
    EXPECT_EQ(parseState(serializeState(freshState("10000001"))).value(), freshState("10000001"));
}

TEST(TerminalState, ParseRefusesMalformedLinesWithoutEchoingThem) {
    const std::string good = serializeState(sampleState());
    for (const std::string& bad : {
             std::string("version=2\ntid=10000001\n"),
             std::string("tid=10000001\n"),            // no version
             std::string("version=1\ntid=1000000\n"),  // short TID
             std::string("version=1\ntid=10000001\nbatch=0\n"),
             std::string("version=1\ntid=10000001\nnext_trace=1000000\n"),
             std::string("version=1\ntid=10000001\nsession_nonce=abc\n"),
             std::string("version=1\ntid=10000001\nunknown=1\n"),
             std::string("version=1\ntid=10000001\nno equals sign\n"),
             std::string("version=1\ntid=10000001\ntotals=1|2|3\n"),
             std::string("version=1\ntid=10000001\ntxn=1|purchase|approved|000001|"
                         "6288881234567890128|10|0\n"),
             std::string("version=1\ntid=10000001\ntxn=1|teleport|approved|000001|"
                         "6288881234567890128|10|0||||0|||||\n"),
             std::string("version=1\ntid=10000001\ntxn=1|purchase|approved|000001|"
                         "628888123456789012X|10|0||||0|||||\n"),
         }) {
        auto parsed = parseState(bad);
        EXPECT_FALSE(parsed.ok()) << bad;
        if (!parsed.ok()) {
            EXPECT_EQ(parsed.error().detail.find("6288881234567890128"), std::string::npos);
        }
    }
    EXPECT_TRUE(parseState("version=1\ntid=10000001\ntxn=1|purchase|approved|000001|"
                           "6288881234567890128|10|0||||0|||||\n")
                    .ok());
}

TEST(TerminalState, TakeTraceWraps) {
    TerminalState state = freshState("10000001");
    EXPECT_EQ(takeTrace(state), 1U);
    EXPECT_EQ(takeTrace(state), 2U);
    state.next_trace = 999'999;
    EXPECT_EQ(takeTrace(state), 999'999U);
    EXPECT_EQ(takeTrace(state), 1U);
}

TEST(TerminalState, KeepsAtMostTheLimitDroppingTheOldest) {
    TerminalState state = freshState("10000001");
    for (std::uint32_t trace = 1; trace <= kStateTransactionsMax + 5; ++trace) {
        addTransaction(state, record(trace, T::Purchase, TxnStatus::Approved, 1));
    }
    EXPECT_EQ(state.transactions.size(), kStateTransactionsMax);
    EXPECT_EQ(state.transactions.front().trace, 6U);
    EXPECT_EQ(findTransaction(state, 1), nullptr);
    EXPECT_NE(findTransaction(state, 105), nullptr);
    EXPECT_TRUE(parseState(serializeState(state)).ok());
}

TEST(TerminalState, TotalsFollowPurchasesVoidsRefundsAndReversals) {
    TerminalState state = freshState("10000001");
    const TxnRecord sale = record(1, T::Purchase, TxnStatus::Approved, 1000);
    const TxnRecord completion = record(2, T::PreAuthCompletion, TxnStatus::Approved, 500);
    const TxnRecord sale_void = record(3, T::PurchaseVoid, TxnStatus::Approved, 1000);
    const TxnRecord refund = record(4, T::Refund, TxnStatus::Approved, 200);
    const TxnRecord preauth = record(5, T::PreAuth, TxnStatus::Approved, 9000);
    for (const TxnRecord* r : {&sale, &completion, &sale_void, &refund, &preauth}) {
        applyToTotals(state, *r, 1);
    }
    EXPECT_EQ(state.totals, (iso8583::SettlementTotals{500, 1, 200, 1, 0}));
    applyToTotals(state, sale_void, -1);  // the void reversed: the sale counts again
    EXPECT_EQ(state.totals, (iso8583::SettlementTotals{1500, 2, 200, 1, 0}));
}

TEST(TerminalState, CloseBatchStartsTheNextOne) {
    TerminalState state = sampleState();
    state.batch = 1;
    TxnRecord later = record(9, T::Purchase, TxnStatus::Approved, 1);
    later.batch = "000002";
    state.transactions.push_back(later);
    closeBatch(state);
    EXPECT_EQ(state.batch, 2U);
    EXPECT_EQ(state.totals, iso8583::SettlementTotals{});
    ASSERT_EQ(state.transactions.size(), 1U);
    EXPECT_EQ(state.transactions[0].trace, 9U);
    state.batch = 999'999;
    closeBatch(state);
    EXPECT_EQ(state.batch, 1U);
}

TEST(TerminalState, FindPreAuthByAuthorizationId) {
    TerminalState state = freshState("10000001");
    TxnRecord preauth = record(3, T::PreAuth, TxnStatus::Approved, 5000);
    preauth.auth_id = "A00042";
    state.transactions.push_back(preauth);
    EXPECT_NE(findPreAuth(state, "A00042"), nullptr);
    EXPECT_EQ(findPreAuth(state, "A00043"), nullptr);
    state.transactions[0].status = TxnStatus::Voided;
    EXPECT_EQ(findPreAuth(state, "A00042"), nullptr);
}

TEST(TerminalState, SaveLoadWithMode0600) {
    const std::string path = tempPath("state");
    ::unlink(path.c_str());
    auto missing = loadState(path, "10000001");
    ASSERT_TRUE(missing.ok());
    EXPECT_EQ(*missing, freshState("10000001"));
    const mode_t old_umask = ::umask(0);  // even a permissive umask gives 0600
    ASSERT_TRUE(saveState(path, sampleState()).ok());
    ::umask(old_umask);
    struct stat info {};
    ASSERT_EQ(::stat(path.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600U);
    auto loaded = loadState(path, "10000001");
    ASSERT_TRUE(loaded.ok());
    EXPECT_EQ(*loaded, sampleState());
    auto other = loadState(path, "10000002");
    EXPECT_FALSE(other.ok());
    ASSERT_TRUE(saveState(path, freshState("10000001")).ok());  // replaces
    EXPECT_EQ(loadState(path, "10000001").value(), freshState("10000001"));
    ::unlink(path.c_str());
}

TEST(TerminalState, LoadRefusesGarbageAndUnwritablePlacesFail) {
    const std::string path = tempPath("garbage");
    {
        std::ofstream out(path);
        out << "this is not a state file\n";
    }
    EXPECT_FALSE(loadState(path, "10000001").ok());
    ::unlink(path.c_str());
    EXPECT_FALSE(saveState("/nonexistent-dir/x.state", freshState("10000001")).ok());
}

TEST(TerminalState, DefaultPathSanitisesTheTid) {
    EXPECT_EQ(defaultStatePath("10000001"), "./yika-term-10000001.state");
    EXPECT_EQ(defaultStatePath("../a b/x"), "./yika-term-___a_b_x.state");
}

}  // namespace
}  // namespace yika::term
