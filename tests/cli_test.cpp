// End to end through the real yikad binary: init with demo data, verify, tamper detection,
// a production batch whose sealed manufacturer file opens only with the manufacturer's key and
// whose PINs verify against the stored PIN verification values.

#include "card_core/domain/card_number.h"
#include "card_core/store/sqlite_db.h"
#include "crypto/card_vault.h"
#include "crypto/key_file.h"
#include "crypto/pin_verifier.h"
#include "crypto/seal_key.h"
#include "crypto/sealed_file.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <sys/stat.h>
#include <sys/wait.h>

namespace yika {
namespace {

struct CliRun {
    int exit_code;
    std::string output;  // stdout and stderr
};

CliRun yikad(const std::string& args) {
    std::string command = std::string(YIKAD_PATH) + " " + args + " 2>&1";
    FILE* pipe = ::popen(command.c_str(), "r");
    EXPECT_NE(pipe, nullptr);
    std::string out;
    std::array<char, 4096> buf{};
    while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe)) out.append(buf.data(), n);
    int status = ::pclose(pipe);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

class CliTest : public ::testing::Test {
  protected:
    void SetUp() override {
        dir_ = std::filesystem::path(::testing::TempDir()) /
               ("yika-cli-" + std::to_string(::getpid()) + "-" +
                ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::remove_all(dir_);
    }
    void TearDown() override { std::filesystem::remove_all(dir_); }
    std::string data() const { return "--data " + dir_.string(); }

    std::filesystem::path dir_;
};

TEST_F(CliTest, InitDemoCreatesPrivateFilesAndAVerifiedLedger) {
    CliRun init = yikad("init " + data() + " --demo");
    ASSERT_EQ(init.exit_code, 0) << init.output;
    EXPECT_NE(init.output.find("ledger invariants hold"), std::string::npos) << init.output;
    struct stat st {};
    ASSERT_EQ(::stat((dir_ / "keys/yika.keys").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    ASSERT_EQ(::stat((dir_ / "yika.db").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0077, 0u) << "database readable by group or others";
    CliRun verify = yikad("verify " + data());
    EXPECT_EQ(verify.exit_code, 0) << verify.output;
}

TEST_F(CliTest, InitRefusesAnInitialisedFolder) {
    ASSERT_EQ(yikad("init " + data()).exit_code, 0);
    std::string keys_before;
    {
        std::ifstream in(dir_ / "keys/yika.keys");
        keys_before.assign(std::istreambuf_iterator<char>(in), {});
    }
    CliRun again = yikad("init " + data());
    EXPECT_NE(again.exit_code, 0);
    EXPECT_NE(again.output.find("already initialised"), std::string::npos) << again.output;
    std::ifstream in(dir_ / "keys/yika.keys");
    std::string keys_after(std::istreambuf_iterator<char>(in), {});
    EXPECT_EQ(keys_before, keys_after) << "init must never overwrite keys";
}

// --- admin API (issue 6): the first administrator and the audit chain ---
TEST_F(CliTest, InitPrintsTheFirstAdministratorOnceAndVerifyNamesAnEditedAuditRow) {
    CliRun init = yikad("init " + data());
    ASSERT_EQ(init.exit_code, 0) << init.output;
    EXPECT_NE(init.output.find("first administrator: admin, one-time password"), std::string::npos)
        << init.output;
    {
        store::Database db((dir_ / "yika.db").string(), {});
        // A second row, then someone with the database file edits the first one.
        db.exec(
            "INSERT INTO admin_audit (id, at_ms, actor, role, client, action, target, outcome, "
            "detail, prev_hash, hash) SELECT 2, at_ms, actor, role, client, 'x', target, outcome, "
            "detail, hash, hash FROM admin_audit WHERE id = 1");
        db.exec("DROP TRIGGER admin_audit_no_update");
        db.exec("UPDATE admin_audit SET detail = 'first administrator mallory' WHERE id = 1");
    }
    CliRun verify = yikad("verify " + data());
    EXPECT_EQ(verify.exit_code, 1) << verify.output;
    EXPECT_NE(verify.output.find("audit chain broken at row 1"), std::string::npos)
        << verify.output;
    EXPECT_NE(verify.output.find("ledger"), std::string::npos) << verify.output;
}

TEST_F(CliTest, VerifyNamesACardWhoseBalanceWasEditedByHand) {
    ASSERT_EQ(yikad("init " + data() + " --demo").exit_code, 0);
    {
        store::Database db((dir_ / "yika.db").string(), {});
        db.exec(
            "UPDATE card SET balance_minor = balance_minor + 1 WHERE id = "
            "(SELECT MIN(id) FROM card WHERE state = 'ACTIVE')");
    }
    CliRun verify = yikad("verify " + data());
    EXPECT_EQ(verify.exit_code, 1);
    EXPECT_NE(verify.output.find("V4: card balance != its 2201 sub-account"), std::string::npos)
        << verify.output;
    EXPECT_NE(verify.output.find("V7"), std::string::npos) << verify.output;
}

TEST_F(CliTest, VerifyNamesAnUnbalancedEntryAddedBehindTheLedgersBack) {
    ASSERT_EQ(yikad("init " + data() + " --demo").exit_code, 0);
    {
        store::Database db((dir_ / "yika.db").string(), {});
        db.exec(
            "INSERT INTO journal_entry (event_key, event_type, business_date, at_ms, memo) "
            "VALUES ('forged:1', 'forged', '2026-01-01', 0, '')");
        db.exec(
            "INSERT INTO journal_line VALUES ((SELECT id FROM journal_entry WHERE event_key = "
            "'forged:1'), 0, 1001, 0, 156, 100, 0)");
    }
    CliRun verify = yikad("verify " + data());
    EXPECT_EQ(verify.exit_code, 1);
    EXPECT_NE(verify.output.find("V1"), std::string::npos) << verify.output;
    EXPECT_NE(verify.output.find("V9: entry without its business event"), std::string::npos)
        << verify.output;
}

TEST_F(CliTest, ProduceWritesASealedFileWhosePinsVerify) {
    ASSERT_EQ(yikad("init " + data() + " --demo").exit_code, 0);
    CliRun produce =
        yikad("produce " + data() +
              " --product GIFT-NAMED --count 500 --location SHOP-1 --requested-by carol "
              "--approved-by dave --receive");
    ASSERT_EQ(produce.exit_code, 0) << produce.output;
    EXPECT_NE(produce.output.find("500 cards"), std::string::npos) << produce.output;

    auto pair =
        crypto::readSealSecretKeyFile((dir_ / "manufacturer/manufacturer-demo.secret").string());
    ASSERT_TRUE(pair.ok());
    std::string sealed = (dir_ / "exports/batch-4.sealed").string();
    auto plain = crypto::openSealedFile(sealed, pair->public_key, pair->secret_key.span());
    ASSERT_TRUE(plain.ok()) << plain.error().detail;

    auto keys = crypto::loadKeyFile((dir_ / "keys/yika.keys").string());
    ASSERT_TRUE(keys.ok());
    crypto::SodiumPinVerifier pins(*keys);
    crypto::SodiumCardNumberVault vault(*keys);
    store::Database db((dir_ / "yika.db").string(), {});
    store::Statement card(
        db.handle(), "SELECT pvv, pan_enc, state, location, balance_minor FROM card WHERE id = ?1");

    std::istringstream lines(*plain);
    std::string line;
    std::getline(lines, line);
    EXPECT_EQ(line, "serial,card_number,pin,track2,expiry_yymm");
    int records = 0;
    while (std::getline(lines, line)) {
        std::array<std::string, 5> f;
        std::istringstream fields(line);
        for (auto& x : f) std::getline(fields, x, ',');
        ASSERT_TRUE(luhnValid(f[1])) << "record " << records;
        EXPECT_EQ(f[1].substr(0, 8), "99000101");
        EXPECT_EQ(f[2].size(), 6u);
        EXPECT_EQ(f[3].substr(0, f[1].size() + 1), f[1] + "=");
        card.bind(1, std::stoll(f[0]));
        ASSERT_TRUE(card.step());
        EXPECT_TRUE(pins.verifyPin(std::stoll(f[0]), f[2], card.columnBlob(0)));
        std::string wrong = f[2];
        wrong[0] = wrong[0] == '9' ? '0' : static_cast<char>(wrong[0] + 1);
        EXPECT_FALSE(pins.verifyPin(std::stoll(f[0]), wrong, card.columnBlob(0)));
        EXPECT_EQ(vault.decrypt(card.columnBlob(1)), f[1]);
        EXPECT_EQ(card.columnText(2), "IN_STOCK");
        EXPECT_EQ(card.columnText(3), "SHOP-1");
        EXPECT_EQ(card.columnInt(4), 0) << "stock holds no value";
        card.reset();
        ++records;
    }
    EXPECT_EQ(records, 500);

    // Only the manufacturer's key opens it.
    auto stranger = crypto::generateSealKeyPair();
    EXPECT_FALSE(
        crypto::openSealedFile(sealed, stranger.public_key, stranger.secret_key.span()).ok());
    // Nothing on disk holds a PIN or a card number in clear.
    std::ifstream raw(sealed, std::ios::binary);
    std::string bytes(std::istreambuf_iterator<char>(raw), {});
    EXPECT_EQ(bytes.find("99000101"), std::string::npos);
    EXPECT_EQ(yikad("verify " + data()).exit_code, 0);
}

TEST_F(CliTest, ProduceRefusesTheSameOperatorAsMakerAndChecker) {
    ASSERT_EQ(yikad("init " + data() + " --demo").exit_code, 0);
    CliRun produce = yikad("produce " + data() +
                           " --product GIFT-NAMED --count 10 --location HQ --requested-by carol "
                           "--approved-by carol");
    EXPECT_NE(produce.exit_code, 0);
    EXPECT_NE(produce.output.find("maker_checker_violation"), std::string::npos) << produce.output;
    EXPECT_FALSE(std::filesystem::exists(dir_ / "exports/batch-4.sealed"));
}

TEST_F(CliTest, BadArgumentsAreRefusedClearly) {
    EXPECT_EQ(yikad("").exit_code, 2);
    EXPECT_EQ(yikad("frobnicate").exit_code, 2);
    CliRun unknown = yikad("verify " + data() + " --force");
    EXPECT_NE(unknown.exit_code, 0);
    EXPECT_NE(unknown.output.find("unknown option --force"), std::string::npos);
    CliRun missing = yikad("verify " + data());
    EXPECT_NE(missing.exit_code, 0);
    EXPECT_NE(missing.output.find("no database"), std::string::npos);
    ASSERT_EQ(yikad("init " + data()).exit_code, 0);
    for (const char* count : {"0", "-5", "12abc", "99999999999"}) {
        CliRun produce = yikad("produce " + data() + " --product GIFT-NAMED --count " + count +
                               " --location HQ --requested-by a --approved-by b");
        EXPECT_NE(produce.exit_code, 0) << count;
    }
}

// --- online accounts (issue 4) ---

TEST_F(CliTest, InitDemoWritesTheWebShopKeyWithoutPrintingIt) {
    CliRun init = yikad("init " + data() + " --demo");
    ASSERT_EQ(init.exit_code, 0) << init.output;
    std::ifstream in(dir_ / "demo/shop.csv");
    std::string line;
    ASSERT_TRUE(std::getline(in, line));
    ASSERT_EQ(line.size(), 8u + 1 + 15 + 1 + 64) << "TID,MID,64 hex digits";
    EXPECT_EQ(line.substr(0, 9), "WEBSHOP1,");
    EXPECT_EQ(init.output.find(line.substr(25)), std::string::npos) << "the key was printed";
}

TEST_F(CliTest, BadPortalSettingsStopServeNamingTheKey) {
    ASSERT_EQ(yikad("init " + data()).exit_code, 0);
    for (std::string bad :
         {"portal.threads_max = 0", "portal.public_url = ftp://x", "portal.no_such = 1"}) {
        std::filesystem::copy_file(dir_ / "yikad.properties", dir_ / "good.properties",
                                   std::filesystem::copy_options::overwrite_existing);
        std::ofstream(dir_ / "yikad.properties", std::ios::app) << bad << "\n";
        CliRun serve = yikad("serve " + data());
        EXPECT_EQ(serve.exit_code, 1) << bad;
        EXPECT_NE(serve.output.find(bad.substr(0, bad.find(' '))), std::string::npos)
            << serve.output;
        std::filesystem::copy_file(dir_ / "good.properties", dir_ / "yikad.properties",
                                   std::filesystem::copy_options::overwrite_existing);
    }
}

}  // namespace
}  // namespace yika
