// yika-term end to end: the command line, the state file and the TCP exchange against an
// in-process fake host (fake_host.h) that implements the host side independently.

#include "terminal_api/term/cli.h"

#include "terminal_api/term/commands.h"
#include "terminal_api/term/fake_host.h"
#include "terminal_api/term/terminal_state.h"

#include <gtest/gtest.h>

#include <sstream>

#include <sys/stat.h>
#include <unistd.h>

namespace yika::term {
namespace {

using iso8583::Field;
using testing::FakeHost;
using testing::FakeHostConfig;

constexpr std::string_view kTid = "10000001";
constexpr std::string_view kMid = "898310048140001";
constexpr std::string_view kTmk = "0123456789abcdeffedcba9876543210";
const std::string kPan = "6288881234567890128";
const std::string kPanNoPin = "6288889876543210987";

TEST(CommandLine, ParsesCommandsAndOptionsInAnyOrder) {
    auto line = parseCommandLine({"--port", "1", "purchase", "--tid", "10000001", "--mid",
                                  std::string(kMid), "--pan", kPan, "--amount", "1", "--hex"});
    ASSERT_TRUE(line.ok()) << line.error().detail;
    EXPECT_EQ(line->command, "purchase");
    EXPECT_EQ(line->value("--pan"), kPan);
    EXPECT_TRUE(line->flag("--hex"));
    EXPECT_EQ(parseCommandLine({"--help"}).value().command, "help");
}

TEST(CommandLine, RefusesMistakes) {
    const std::vector<std::string> base = {"--port",   "1",     "--tid",
                                           "10000001", "--mid", std::string(kMid)};
    const auto with = [&](std::vector<std::string> extra) {
        std::vector<std::string> args = base;
        args.insert(args.end(), extra.begin(), extra.end());
        return parseCommandLine(args);
    };
    EXPECT_FALSE(with({}).ok());                                   // no command
    EXPECT_FALSE(with({"teleport"}).ok());                         // unknown command
    EXPECT_FALSE(with({"purchase", "--pan", kPan}).ok());          // no --amount
    EXPECT_FALSE(with({"sign-on", "--pan", kPan}).ok());           // option not taken
    EXPECT_FALSE(with({"sign-on", "--port", "2"}).ok());           // given twice
    EXPECT_FALSE(with({"sign-on", "--state"}).ok());               // no value
    EXPECT_FALSE(with({"sign-on", "extra"}).ok());                 // stray argument
    EXPECT_FALSE(parseCommandLine({"load", "--port", "1"}).ok());  // load needs its files
}

class YikaTermTest : public ::testing::Test {
  protected:
    void SetUp() override {
        FakeHostConfig config;
        config.tmk_hex_by_tid[std::string(kTid)] = std::string(kTmk);
        config.cards_by_pan[kPan] = {"123456", 100'000};
        config.cards_by_pan[kPanNoPin] = {"", 5'000};
        config.silent_amounts = {777};
        host_ = std::make_unique<FakeHost>(config);
        state_path_ = ::testing::TempDir() + "/yika_term_cli_" + std::to_string(::getpid()) + "_" +
                      ::testing::UnitTest::GetInstance()->current_test_info()->name();
        ::unlink(state_path_.c_str());
    }
    void TearDown() override { ::unlink(state_path_.c_str()); }

    int run(std::vector<std::string> command, std::string_view tmk = kTmk) {
        std::vector<std::string> args = {"--host",       "127.0.0.1",
                                         "--port",       std::to_string(host_->port()),
                                         "--tid",        std::string(kTid),
                                         "--mid",        std::string(kMid),
                                         "--tmk",        std::string(tmk),
                                         "--state",      state_path_,
                                         "--timeout-ms", "2000"};
        args.insert(args.end(), command.begin(), command.end());
        out_.str("");
        err_.str("");
        const int status = runMain(args, out_, err_);
        // Whatever happened, no output shows a full card number.
        for (const std::string& pan : {kPan, kPanNoPin}) {
            EXPECT_EQ(out_.str().find(pan), std::string::npos) << out_.str();
            EXPECT_EQ(err_.str().find(pan), std::string::npos) << err_.str();
        }
        return status;
    }
    TerminalState state() { return loadState(state_path_, kTid).value(); }
    Message lastRequest() { return host_->requests().back(); }

    std::unique_ptr<FakeHost> host_;
    std::string state_path_;
    std::ostringstream out_;
    std::ostringstream err_;
};

TEST_F(YikaTermTest, NothingButSignOnAndEchoWorksBeforeSignOn) {
    EXPECT_EQ(run({"purchase", "--pan", kPan, "--amount", "1"}), kExitUsage);
    EXPECT_NE(err_.str().find("sign-on"), std::string::npos);
    EXPECT_EQ(run({"echo"}), kExitOk);
    EXPECT_NE(out_.str().find("00 approved"), std::string::npos);
}

TEST_F(YikaTermTest, SignOnStoresTheNonceNotTheKeysAndAdoptsTheBatch) {
    ASSERT_EQ(run({"sign-on"}), kExitOk) << err_.str();
    EXPECT_NE(out_.str().find("MAC KCV"), std::string::npos);
    const TerminalState s = state();
    EXPECT_TRUE(s.session_nonce.has_value());
    EXPECT_EQ(s.session_tmk_kcv, "48985e");
    EXPECT_EQ(s.batch, 7U);  // the fake host assigns batch 000007
    struct stat info {};
    ASSERT_EQ(::stat(state_path_.c_str(), &info), 0);
    EXPECT_EQ(info.st_mode & 0777, 0600U);
    // A run with another TMK is told to sign on again rather than sending bad MACs.
    EXPECT_EQ(run({"purchase", "--pan", kPan, "--amount", "1"}, "00000000000000000000000000000000"),
              kExitUsage);
    EXPECT_NE(err_.str().find("another TMK"), std::string::npos);
    EXPECT_EQ(host_->macFailures(), 0U);
}

TEST_F(YikaTermTest, SignOnWithTheWrongTmkFailsOnTheKeyCheckValues) {
    EXPECT_EQ(run({"sign-on"}, "00000000000000000000000000000000"), kExitNoAnswer);
    EXPECT_NE(err_.str().find("key check values"), std::string::npos);
    EXPECT_FALSE(state().session_nonce.has_value());
}

TEST_F(YikaTermTest, PurchaseWithPinBalanceAndWrongPin) {
    ASSERT_EQ(run({"sign-on"}), kExitOk);
    ASSERT_EQ(run({"purchase", "--pan", kPan, "--amount", "12.50", "--pin", "123456", "--hex"}),
              kExitOk)
        << err_.str();
    EXPECT_NE(out_.str().find(">> 0200 request"), std::string::npos);
    EXPECT_NE(out_.str().find("628888*********0128"), std::string::npos);
    EXPECT_EQ(host_->balance(kPan), 100'000 - 1250);
    EXPECT_EQ(host_->decryptedPins().back(), "123456");
    EXPECT_EQ(lastRequest().get(Field::SecurityControl), "2900000000000000");

    ASSERT_EQ(run({"balance", "--pan", kPan, "--pin", "123456"}), kExitOk);
    EXPECT_NE(out_.str().find("CNY 987.50"), std::string::npos) << out_.str();

    EXPECT_EQ(run({"purchase", "--pan", kPan, "--amount", "1", "--pin", "654321"}), kExitDeclined);
    EXPECT_NE(out_.str().find("55 wrong PIN"), std::string::npos);
    EXPECT_EQ(host_->macFailures(), 0U);
    const TerminalState s = state();
    ASSERT_EQ(s.transactions.size(), 2U);  // balance inquiries are not kept
    EXPECT_EQ(s.transactions[1].status, TxnStatus::Declined);
    EXPECT_EQ(s.totals.debit_amount_minor, 1250);
}

TEST_F(YikaTermTest, VoidRefundAndSettle) {
    ASSERT_EQ(run({"sign-on"}), kExitOk);
    ASSERT_EQ(run({"purchase", "--pan", kPanNoPin, "--amount", "10"}), kExitOk);
    const std::uint32_t sale = state().transactions.back().trace;
    ASSERT_EQ(run({"purchase", "--pan", kPanNoPin, "--amount", "5"}), kExitOk);
    const std::uint32_t second = state().transactions.back().trace;
    ASSERT_EQ(run({"void", "--trace", std::to_string(sale)}), kExitOk) << err_.str();
    EXPECT_EQ(lastRequest().get(Field::RetrievalReference),
              findTransaction(*std::make_unique<TerminalState>(state()), sale)->rrn);
    EXPECT_EQ(run({"void", "--trace", std::to_string(sale)}), kExitUsage);  // already voided
    ASSERT_EQ(run({"refund", "--trace", std::to_string(second), "--amount", "2"}), kExitOk)
        << err_.str();
    EXPECT_TRUE(iso8583::checkMandatory(lastRequest()).ok());
    EXPECT_EQ(host_->balance(kPanNoPin), 5'000 - 500 + 200);
    const TerminalState before = state();
    EXPECT_EQ(before.totals, (iso8583::SettlementTotals{500, 1, 200, 1, 0}));
    ASSERT_EQ(run({"settle"}), kExitOk) << err_.str();
    EXPECT_NE(out_.str().find("balanced"), std::string::npos);
    EXPECT_EQ(state().batch, before.batch + 1);
    EXPECT_TRUE(state().transactions.empty());
    EXPECT_EQ(host_->macFailures(), 0U);
}

TEST_F(YikaTermTest, UnbalancedSettlementUploadsTheBatch) {
    host_.reset();
    FakeHostConfig config;
    config.tmk_hex_by_tid[std::string(kTid)] = std::string(kTmk);
    config.cards_by_pan[kPanNoPin] = {"", 100'000};
    config.settlement_balanced = false;
    host_ = std::make_unique<FakeHost>(config);
    ASSERT_EQ(run({"sign-on"}), kExitOk);
    for (int i = 0; i < 9; ++i) {
        ASSERT_EQ(run({"purchase", "--pan", kPanNoPin, "--amount", "1"}), kExitOk);
    }
    ASSERT_EQ(run({"settle"}), kExitOk) << err_.str();
    EXPECT_NE(out_.str().find("9 transactions sent"), std::string::npos) << out_.str();
    const auto requests = host_->requests();
    ASSERT_GE(requests.size(), 3U);
    // 9 items: one upload of 8, one of 1, then the end with the count.
    EXPECT_EQ(requests[requests.size() - 1].get(Field::AdditionalData), "0009");
    EXPECT_EQ(requests[requests.size() - 2].get(Field::AdditionalData).substr(0, 2), "01");
    EXPECT_EQ(requests[requests.size() - 3].get(Field::AdditionalData).substr(0, 2), "08");
    EXPECT_EQ(host_->macFailures(), 0U);
}

TEST_F(YikaTermTest, PreAuthCompleteAndCancel) {
    ASSERT_EQ(run({"sign-on"}), kExitOk);
    ASSERT_EQ(run({"preauth", "--pan", kPan, "--amount", "300", "--pin", "123456"}), kExitOk);
    const std::string auth_id = state().transactions.back().auth_id;
    ASSERT_EQ(auth_id.size(), 6U);
    EXPECT_NE(out_.str().find(auth_id), std::string::npos);
    ASSERT_EQ(run({"complete", "--auth-id", auth_id, "--amount", "250"}), kExitOk) << err_.str();
    EXPECT_EQ(lastRequest().get(Field::AuthorizationId), auth_id);
    EXPECT_TRUE(iso8583::checkMandatory(lastRequest()).ok());
    EXPECT_EQ(run({"complete", "--auth-id", "NOPE00", "--amount", "1"}), kExitUsage);
    ASSERT_EQ(run({"preauth", "--pan", kPan, "--amount", "40", "--pin", "123456"}), kExitOk);
    const std::uint32_t second = state().transactions.back().trace;
    ASSERT_EQ(run({"void", "--trace", std::to_string(second)}), kExitOk) << err_.str();
    EXPECT_EQ(iso8583::classify(lastRequest()).value(), TransactionType::PreAuthCancel);
}

TEST_F(YikaTermTest, NoAnswerThenReversal) {
    ASSERT_EQ(run({"sign-on"}), kExitOk);
    ASSERT_EQ(run({"purchase", "--pan", kPan, "--amount", "7.77", "--pin", "123456", "--timeout-ms",
                   "200"}),
              kExitUsage);  // --timeout-ms given twice
    std::vector<std::string> args = {"--host",       "127.0.0.1",
                                     "--port",       std::to_string(host_->port()),
                                     "--tid",        std::string(kTid),
                                     "--mid",        std::string(kMid),
                                     "--tmk",        std::string(kTmk),
                                     "--state",      state_path_,
                                     "--timeout-ms", "300",
                                     "purchase",     "--pan",
                                     kPan,           "--amount",
                                     "7.77",         "--pin",
                                     "123456"};
    std::ostringstream out;
    std::ostringstream err;
    EXPECT_EQ(runMain(args, out, err), kExitNoAnswer);
    EXPECT_NE(err.str().find("reversal --trace"), std::string::npos) << err.str();
    const TxnRecord sent = state().transactions.back();
    EXPECT_EQ(sent.status, TxnStatus::Sent);
    ASSERT_EQ(run({"reversal", "--trace", std::to_string(sent.trace)}), kExitOk) << err_.str();
    const Message reversal = lastRequest();
    EXPECT_EQ(reversal.mti(), iso8583::Mti::ReversalAdvice);
    EXPECT_FALSE(reversal.has(Field::PinData));
    EXPECT_EQ(reversal.get(Field::PosEntryMode), "011");
    EXPECT_TRUE(iso8583::checkMandatory(reversal).ok());
    EXPECT_EQ(state().transactions.back().status, TxnStatus::Reversed);
    EXPECT_EQ(state().totals.debit_count, 0U);
    // Reversing an approved purchase takes it out of the totals.
    ASSERT_EQ(run({"purchase", "--pan", kPan, "--amount", "3", "--pin", "123456"}), kExitOk);
    const std::uint32_t approved = state().transactions.back().trace;
    EXPECT_EQ(state().totals.debit_count, 1U);
    ASSERT_EQ(run({"reversal", "--trace", std::to_string(approved), "--reason", "06"}), kExitOk);
    EXPECT_EQ(state().totals.debit_count, 0U);
    EXPECT_EQ(run({"reversal", "--trace", "999998"}), kExitUsage);
    EXPECT_EQ(host_->macFailures(), 0U);
}

TEST_F(YikaTermTest, AnswerWithABadMacIsNotTrusted) {
    host_.reset();
    FakeHostConfig config;
    config.tmk_hex_by_tid[std::string(kTid)] = std::string(kTmk);
    config.cards_by_pan[kPanNoPin] = {"", 100'000};
    config.corrupt_answer_macs = true;
    host_ = std::make_unique<FakeHost>(config);
    ASSERT_EQ(run({"sign-on"}), kExitOk);  // the 0810 has no MAC
    EXPECT_EQ(run({"purchase", "--pan", kPanNoPin, "--amount", "1"}), kExitNoAnswer);
    EXPECT_NE(err_.str().find("--reason A0"), std::string::npos) << err_.str();
    EXPECT_EQ(state().transactions.back().status, TxnStatus::MacFailed);
    EXPECT_EQ(state().totals.debit_count, 0U);
}

TEST_F(YikaTermTest, StatusShowsMaskedTransactions) {
    ASSERT_EQ(run({"sign-on"}), kExitOk);
    ASSERT_EQ(run({"purchase", "--pan", kPan, "--amount", "1", "--pin", "123456"}), kExitOk);
    ASSERT_EQ(run({"status"}), kExitOk);
    EXPECT_NE(out_.str().find("628888*********0128"), std::string::npos) << out_.str();
    EXPECT_NE(out_.str().find("signed on"), std::string::npos);
}

TEST_F(YikaTermTest, BadInputIsAUsageError) {
    ASSERT_EQ(run({"sign-on"}), kExitOk);
    EXPECT_EQ(run({"purchase", "--pan", kPan, "--amount", "12.345"}), kExitUsage);
    EXPECT_EQ(run({"purchase", "--pan", "12345", "--amount", "1"}), kExitUsage);
    EXPECT_EQ(run({"purchase", "--pan", kPan, "--amount", "1", "--pin", "12"}), kExitUsage);
    EXPECT_EQ(run({"void", "--trace", "abc"}), kExitUsage);
    EXPECT_EQ(run({"sign-on"}, "xyz"), kExitUsage);
}

TEST_F(YikaTermTest, UnreachableHostIsNoAnswer) {
    const std::uint16_t port = host_->port();
    host_.reset();  // nobody listens any more
    std::vector<std::string> args = {"--port",  std::to_string(port), "--tid", std::string(kTid),
                                     "--mid",   std::string(kMid),    "--tmk", std::string(kTmk),
                                     "--state", state_path_,          "echo"};
    std::ostringstream out;
    std::ostringstream err;
    EXPECT_EQ(runMain(args, out, err), kExitNoAnswer);
}

}  // namespace
}  // namespace yika::term
