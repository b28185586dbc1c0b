// A full disk under the real yikad binary (issue 9). The data folder lives on a small tmpfs
// mounted in this test's own mount namespace (root, or an unprivileged user namespace; the
// mount disappears with the process). A terminal buys; the test fills the disk with a filler
// file; purchases are then answered 96 (system error) and leave nothing behind; once the filler
// is deleted the next purchase and a retry of a refused one are approved, without a restart.
// Afterwards every approved purchase is in the ledger exactly once and `yikad verify` passes.

#include "card_core/domain/txn.h"
#include "server/data_dir.h"
#include "tests/support/pos_terminal.h"
#include "tests/support/yikad_process.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <set>
#include <vector>

#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

namespace yika {
namespace {

using iso8583::Field;
using iso8583::ResponseCode;

constexpr std::int64_t kAmountMinor = 100;
constexpr const char* kDiskSize = "size=24m";
constexpr int kPurchasesUntilFullMax = 5000;

bool writeFile(const std::string& path, const std::string& text) {
    std::ofstream out(path);
    out << text;
    return static_cast<bool>(out);
}

// A private mount namespace, so that the tmpfs is seen only by this process and its children.
// As root that is enough; otherwise an unprivileged user namespace maps this user to root in it.
std::string enterPrivateMountNamespace() {
    const uid_t uid = ::geteuid();
    const gid_t gid = ::getegid();
    if (uid == 0) {
        if (::unshare(CLONE_NEWNS) != 0) return std::string("unshare: ") + std::strerror(errno);
    } else {
        if (::unshare(CLONE_NEWUSER | CLONE_NEWNS) != 0) {
            return std::string("unshare(user): ") + std::strerror(errno);
        }
        writeFile("/proc/self/setgroups", "deny");
        if (!writeFile("/proc/self/uid_map", "0 " + std::to_string(uid) + " 1") ||
            !writeFile("/proc/self/gid_map", "0 " + std::to_string(gid) + " 1")) {
            return "cannot write the user namespace's id maps";
        }
    }
    if (::mount("none", "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
        return std::string("mount --make-rprivate /: ") + std::strerror(errno);
    }
    return {};
}

// Writes `path` until the file system is full; the number of bytes written.
std::int64_t fillDisk(const std::string& path) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) return -1;
    std::vector<char> block(64 * 1024, 'x');
    std::int64_t total = 0;
    for (;;) {
        ssize_t n = ::write(fd, block.data(), block.size());
        if (n <= 0) break;
        total += n;
    }
    for (std::size_t size = 4096; size > 0; size /= 2) {  // the last partial blocks
        while (::write(fd, block.data(), size) > 0) total += static_cast<std::int64_t>(size);
    }
    ::close(fd);
    return total;
}

TEST(DiskFullEndToEnd, PurchasesFailWith96ChangeNothingAndResumeWhenSpaceReturns) {
    const std::string failure = enterPrivateMountNamespace();
    ASSERT_TRUE(failure.empty()) << failure
                                 << " (the test needs root or unprivileged user namespaces)";
    const auto dir = std::filesystem::path(::testing::TempDir()) /
                     ("yika-diskfull-" + std::to_string(::getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir / "disk");
    ASSERT_EQ(::mount("yika-test", (dir / "disk").c_str(), "tmpfs", 0, kDiskSize), 0)
        << std::strerror(errno);
    const auto data = dir / "disk/data";
    auto init = testing::runYikad(YIKAD_PATH, "init --data " + data.string() + " --demo");
    ASSERT_EQ(init.exit_code, 0) << init.output;
    auto terminals = testing::readCsv(data / "demo/terminals.csv");
    auto cards = testing::readCsv(data / "demo/cards.csv");
    ASSERT_GE(cards.size(), 22u);

    testing::YikadProcess server(YIKAD_PATH, data, dir / "stderr.txt");
    ASSERT_TRUE(server.start()) << server.error();
    std::uint32_t trace = 1;
    auto terminal = testing::PosTerminal::connect(server.posPort(), terminals.at(0), trace);
    ASSERT_TRUE(terminal.has_value());
    std::set<std::string> approved;  // retrieval references
    // A purchase with `with_trace` on a card chosen by the trace (a retry uses the same card):
    // its response code and reference.
    auto buy = [&](std::uint32_t with_trace) -> std::pair<std::string, std::string> {
        const std::string& pan = cards[2 + with_trace % 20][0];
        auto answer = terminal->purchase(with_trace, pan, kAmountMinor);
        if (!answer) return {"no answer", ""};
        std::string rrn(answer->get(Field::RetrievalReference));
        if (answer->responseCode() == ResponseCode::Approved) approved.insert(rrn);
        return {std::string(answer->get(Field::ResponseCode)), rrn};
    };
    ASSERT_EQ(buy(trace++).first, "00");

    // The disk fills up: purchases are refused with 96 once the database must grow.
    const auto filler = (dir / "disk/filler").string();
    ASSERT_GT(fillDisk(filler), 0);
    std::vector<std::uint32_t> refused;
    for (int i = 0; i < kPurchasesUntilFullMax && refused.size() < 3; ++i) {
        std::uint32_t t = trace++;
        std::string code = buy(t).first;
        ASSERT_TRUE(code == "00" || code == "96") << "answered " << code;
        if (code == "96") refused.push_back(t);
    }
    ASSERT_EQ(refused.size(), 3u) << "no purchase was refused within " << kPurchasesUntilFullMax;

    // Space returns: service resumes by itself, and a refused request retried is approved once.
    std::filesystem::remove(filler);
    EXPECT_EQ(buy(trace++).first, "00");
    auto retried = buy(refused.front());
    EXPECT_EQ(retried.first, "00");
    EXPECT_EQ(buy(refused.front()), retried) << "the retry of the retry gets its first answer";
    terminal.reset();
    EXPECT_EQ(server.stop(), 0) << server.stderrText();

    // Exactly the approved purchases are in the ledger; the refused ones left nothing.
    {
        auto rt = server::openRuntime(data.string());
        ASSERT_TRUE(rt.ok()) << rt.error().detail;
        auto reader = (*rt)->store->openReader();
        store::Statement since(
            reader->handle(),
            "SELECT COUNT(*) FROM card_txn WHERE kind = ?1 AND terminal_id IS NOT "
            "NULL");
        since.bind(1, toString(TxnKind::Purchase));
        ASSERT_TRUE(since.step());
        EXPECT_EQ(static_cast<std::size_t>(since.columnInt(0)), approved.size());
        for (const std::string& rrn : approved) {
            auto found = (*rt)->store->writer().run<bool>([&](StoreTx& tx) -> Result<bool> {
                auto txn = tx.txn(std::stoll(rrn));
                return txn && txn->state == TxnState::Approved &&
                       txn->amount.minor() == kAmountMinor;
            });
            EXPECT_TRUE(found.ok() && *found) << "reference " << rrn;
        }
        auto report = (*rt)->store->verify();
        EXPECT_TRUE(report.ok()) << report.summary();
    }
    auto verify = testing::runYikad(YIKAD_PATH, "verify --data " + data.string());
    EXPECT_EQ(verify.exit_code, 0) << verify.output;
    ::umount((dir / "disk").c_str());
    std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace yika
