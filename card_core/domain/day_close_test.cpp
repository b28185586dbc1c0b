// Business day and day close over the real SQLite store (issue 5): cut-off, closed days,
// clearing and settlement postings, the trial balance, and a close interrupted at every
// transaction boundary then resumed, compared with an uninterrupted one.

#include "card_core/domain/clearing.h"
#include "card_core/domain/postings.h"
#include "card_core/domain/report_writers.h"
#include "card_core/testing/day_fixture.h"

#include <filesystem>

namespace yika::test {
namespace {

class DayCloseTest : public DayTest {
  protected:
    struct Scenario {
        MerchantId net = 0;     // 内扣, 38 bps
        MerchantId gross = 0;   // 外收, 60 bps
        MerchantId refund = 0;  // refunds above purchases on the day
        std::vector<CardId> cards;
        Date day;
    };

    // Three anonymous cards sold, then (on their expiry date) a day of purchases and refunds
    // at three merchants, then cut off.
    Scenario buildDay() {
        Scenario s;
        s.net = addMerchantWith("898310048160001", 38, FeeMode::Net);
        s.gross = addMerchantWith("898310048160002", 60, FeeMode::Gross, 2);
        s.refund = addMerchantWith("898310048160003", 50, FeeMode::Net);
        ProductId anonymous = addProduct(anonymousProduct("GIFT-A"));
        produceAndReceive(anonymous, 3);
        auto expiring = sell(anonymous, 3, yuan(100), anonymousBuyer());
        EXPECT_EQ(expiring.size(), 3u);
        setBusinessDate(*card(expiring[0]).expiry);
        ProductId product = addProduct(namedProduct("GIFT-N"));
        produceAndReceive(product, 6);
        s.cards = sell(product, 4, yuan(1000));
        s.day = businessDate();
        EXPECT_OK(spend(s.cards[0], s.net, cny(13'157)));  // 131.57
        EXPECT_OK(spend(s.cards[1], s.net, cny(1)));
        EXPECT_OK(spend(s.cards[2], s.gross, cny(50'000)));
        auto big = spend(s.cards[3], s.gross, cny(25'050));
        EXPECT_OK(big);
        EXPECT_OK(refundOf(big->id, cny(5'000)));
        auto at_refund = spend(s.cards[3], s.refund, cny(2'000));
        EXPECT_OK(at_refund);
        EXPECT_OK(refundOf(at_refund->id, cny(2'000)));
        EXPECT_EQ(cutOffNow(), s.day);
        return s;
    }

    std::int64_t subBalance(int account, std::int64_t sub) {
        return queryInt(
            "SELECT COALESCE(SUM(credit_minor - debit_minor), 0) FROM journal_line "
            "WHERE account = " +
            std::to_string(account) + " AND sub_id = " + std::to_string(sub));
    }
};

TEST_F(DayCloseTest, CutOffMovesLaterPostingsToTheNextDate) {
    MerchantId m = addMerchantWith("898310048160001", 38, FeeMode::Net);
    ProductId product = addProduct(namedProduct("GIFT-N"));
    produceAndReceive(product, 2);
    auto cards = sell(product, 1, yuan(100));
    Date day = businessDate();
    auto before = spend(cards[0], m, yuan(1));
    ASSERT_OK(before);
    EXPECT_EQ(cutOffNow(), day);
    auto after = spend(cards[0], m, yuan(2));
    ASSERT_OK(after);
    EXPECT_EQ(txn(before->id).business_date, day);
    EXPECT_EQ(txn(after->id).business_date, day.plusDays(1));
    EXPECT_EQ(businessDate(), day.plusDays(1));
    EXPECT_EQ(reader().days().day(day)->state, DayState::CutOff);
    EXPECT_EQ(reader().days().day(day.plusDays(1))->state, DayState::Open);
    // The business date cannot be cut off twice from the same state: the new one is open.
    EXPECT_EQ(cutOffNow(), day.plusDays(1));
    expectLedgerInvariants();
}

TEST_F(DayCloseTest, ScheduledCutOffHappensExactlyAtTheConfiguredTime) {
    Date day = businessDate();
    CutoffSchedule schedule;
    schedule.minute_of_day = 22 * 60 + 30;
    TimestampMs instant = cutoffInstantMs(day, schedule);
    auto due = [&](TimestampMs at) {
        return run<int>([&](StoreTx& tx) { return cutOffIfDue(tx, schedule, at); });
    };
    auto none = due(instant - 1);
    ASSERT_OK(none);
    EXPECT_EQ(*none, 0);
    EXPECT_EQ(businessDate(), day);
    auto one = due(instant);
    ASSERT_OK(one);
    EXPECT_EQ(*one, 1);
    EXPECT_EQ(businessDate(), day.plusDays(1));
    EXPECT_EQ(reader().days().day(day)->cutoff_by, "schedule");
    // yikad down for three days: every missed cut-off is made, in order.
    auto caught_up = due(cutoffInstantMs(day.plusDays(4), schedule) - 1);
    ASSERT_OK(caught_up);
    EXPECT_EQ(*caught_up, 3);
    EXPECT_EQ(businessDate(), day.plusDays(4));
    schedule.automatic = false;
    EXPECT_EQ(*due(cutoffInstantMs(day.plusDays(10), schedule)), 0);
}

TEST_F(DayCloseTest, ClosesInOrderAndOnlyCutOffDays) {
    Date day = businessDate();
    EXPECT_ERROR(closeDate(day), ErrorCode::IllegalTransition);  // still OPEN
    cutOffNow();
    cutOffNow();
    EXPECT_ERROR(closeDate(day.plusDays(1)), ErrorCode::IllegalTransition);  // day not closed
    ASSERT_OK(closeDate(day));
    ASSERT_OK(closeDate(day.plusDays(1)));
    EXPECT_EQ(reader().days().day(day.plusDays(1))->state, DayState::Closed);
}

TEST_F(DayCloseTest, NothingPostsIntoAClosedDay) {
    Scenario s = buildDay();
    ASSERT_OK(closeDate(s.day));
    JournalEntry late;
    late.event_key = "test:late";
    late.event_type = "test";
    late.business_date = s.day;
    late.lines = {debitLine(account(AccountCode::ReserveFund), cny(1)),
                  creditLine(account(AccountCode::BuyerDeposits), cny(1))};
    auto posted = run<EntryId>([&](StoreTx& tx) { return post(tx, late); });
    ASSERT_ERROR(posted, ErrorCode::NotPermitted);
    EXPECT_NE(posted.error().detail.find("closed"), std::string::npos);
    // A refund after the close of a purchase of the closed day belongs to the open day.
    auto purchase = spend(s.cards[0], s.net, cny(100));
    ASSERT_OK(purchase);
    EXPECT_EQ(txn(purchase->id).business_date, s.day.plusDays(1));
    expectLedgerInvariants();
}

TEST_F(DayCloseTest, ClearingPostsNetAndGrossAndCarriesNegativeNets) {
    Scenario s = buildDay();
    auto closed = closeDate(s.day);
    ASSERT_OK(closed);
    EXPECT_EQ(closed->ran.size(), 7u);
    auto records = reader().days().clearings(s.day);
    ASSERT_EQ(records.size(), 3u);
    // 内扣: 131.57 + 0.01 = 131.58, fee 38 bps = 0.50004 -> 0.50 (one rounding, not two).
    const ClearingRecord& net = records[0];
    EXPECT_EQ(net.merchant_id, s.net);
    EXPECT_EQ(net.purchase_count, 2);
    EXPECT_EQ(net.net, cny(13'158));
    EXPECT_EQ(net.fee, cny(50));
    EXPECT_EQ(net.payable, cny(13'108));
    EXPECT_EQ(entryLines(clearingEventKey(s.day, s.net)),
              (std::vector<LineRow>{
                  {2202, s.net, 13'158, 0}, {2203, s.net, 0, 13'108}, {6001, 0, 0, 50}}));
    // 外收: 500.00 + 250.50 - 50.00 = 700.50, fee 60 bps = 4.203 -> 4.20, settled gross.
    const ClearingRecord& gross = records[1];
    EXPECT_EQ(gross.net, cny(70'050));
    EXPECT_EQ(gross.refund_count, 1);
    EXPECT_EQ(gross.fee, cny(420));
    EXPECT_EQ(gross.payable, cny(70'050));
    EXPECT_EQ(entryLines(clearingEventKey(s.day, s.gross)),
              (std::vector<LineRow>{{2202, s.gross, 70'050, 0},
                                    {1131, 0, 420, 0},
                                    {2203, s.gross, 0, 70'050},
                                    {6001, 0, 0, 420}}));
    // Purchases and refunds cancel: nothing posted, nothing carried.
    EXPECT_EQ(records[2].net, cny(0));
    EXPECT_FALSE(records[2].entry_id.has_value());
    // 2202 is cleared to zero; 2203 holds what the payouts will pay.
    EXPECT_EQ(subBalance(2202, s.net), 0);
    EXPECT_EQ(subBalance(2202, s.gross), 0);
    EXPECT_EQ(subBalance(2203, s.net), 13'108);
    auto payouts = reader().days().payouts(s.day);
    ASSERT_EQ(payouts.size(), 2u);
    EXPECT_EQ(payouts[0].amount, cny(13'108));
    EXPECT_EQ(payouts[0].value_date, s.day.plusDays(1));  // T+1
    EXPECT_EQ(payouts[1].value_date, s.day.plusDays(2));  // the merchant's T+2
    EXPECT_EQ(payouts[1].state, PayoutState::Pending);
    TrialBalance tb = trialBalanceReport(reader(), s.day);
    EXPECT_TRUE(tb.balanced);
    EXPECT_EQ(tb.debits, tb.credits);
    EXPECT_TRUE(closed->report.trial_balance_balanced);
    EXPECT_EQ(closed->report.merchants_cleared, 3);
    EXPECT_EQ(closed->report.activity.fees, cny(470));
    EXPECT_EQ(reader().days().day(s.day)->state, DayState::Closed);
    expectLedgerInvariants();
}

TEST_F(DayCloseTest, RefundsAboveTheDaysPurchasesCarryIntoTheNextClearing) {
    Scenario s = buildDay();
    ASSERT_OK(closeDate(s.day));
    // Day 2 at `refund`: sales refunded in full the same day, net 0.
    auto sale = spend(s.cards[1], s.refund, cny(3'000));
    ASSERT_OK(sale);
    ASSERT_OK(refundOf(sale->id, cny(3'000)));
    auto other = spend(s.cards[2], s.refund, cny(1'000));
    ASSERT_OK(other);
    auto second = spend(s.cards[2], s.refund, cny(500));
    ASSERT_OK(second);
    ASSERT_OK(refundOf(other->id, cny(1'000)));
    ASSERT_OK(refundOf(second->id, cny(500)));
    Date day2 = cutOffNow();
    ASSERT_OK(closeDate(day2));
    auto p3 = spend(s.cards[2], s.refund, cny(800));
    ASSERT_OK(p3);
    Date day3 = cutOffNow();
    ASSERT_OK(closeDate(day3));
    auto r3 = reader().days().clearings(day3);
    ASSERT_EQ(r3.size(), 1u);
    EXPECT_EQ(r3[0].payable, cny(796));  // 8.00 - 0.04 fee
    // A refund of 8.00 on day 4 with no sale: negative net, carried.
    auto refund4 = refundOf(p3->id, cny(800));
    ASSERT_OK(refund4);
    Date day4 = cutOffNow();
    ASSERT_OK(closeDate(day4));
    auto r4 = reader().days().clearings(day4);
    ASSERT_EQ(r4.size(), 1u);
    EXPECT_EQ(r4[0].carried_out, cny(-800));
    EXPECT_FALSE(r4[0].entry_id.has_value());
    EXPECT_EQ(subBalance(2202, s.refund), -800);  // a debit balance, not cleared
    // Day 5: 20.00 sold; clearing nets the carried -8.00: fee on 12.00.
    ASSERT_OK(spend(s.cards[1], s.refund, cny(2'000)));
    Date day5 = cutOffNow();
    ASSERT_OK(closeDate(day5));
    auto r5 = reader().days().clearings(day5);
    ASSERT_EQ(r5.size(), 1u);
    EXPECT_EQ(r5[0].carried_in, cny(-800));
    EXPECT_EQ(r5[0].net, cny(1'200));
    EXPECT_EQ(r5[0].fee, cny(6));
    EXPECT_EQ(r5[0].payable, cny(1'194));
    EXPECT_EQ(subBalance(2202, s.refund), 0);
    EXPECT_TRUE(reader().days().merchantCarries().empty());
    expectLedgerInvariants();
}

TEST_F(DayCloseTest, CloseExpiresCardsAndRecognisesBreakageByPolicy) {
    policies_.breakage.enabled = true;
    policies_.breakage.months_after_expiry = 0;
    ProductId product = addProduct(anonymousProduct("GIFT-A"));
    produceAndReceive(product, 3);
    auto cards = sell(product, 3, yuan(100), anonymousBuyer());
    ASSERT_EQ(cards.size(), 3u);
    Date expiry = *card(cards[0]).expiry;
    setBusinessDate(expiry);
    Date day = cutOffNow();
    auto closed = closeDate(day);
    ASSERT_OK(closed);
    EXPECT_EQ(closed->report.cards_expired, 3);
    EXPECT_EQ(closed->report.breakage_cards, 3);
    EXPECT_EQ(card(cards[0]).state, CardState::Closed);
    EXPECT_EQ(closed->report.activity.breakage, yuan(300));
    BreakageReport b = breakageReport(reader(), day, day, 100);
    EXPECT_EQ(b.items.size(), 3u);
    EXPECT_EQ(b.total, yuan(300));
    EXPECT_TRUE(trialBalanceReport(reader(), day).balanced);
    expectLedgerInvariants();
}

// Runs writes through `inner` until `writes_left` is used up, then fails every write as a
// crashed process would never make it.
class CrashingRunner final : public TxRunner {
  public:
    CrashingRunner(TxRunner& inner, int writes_left) : inner_(inner), writes_left_(writes_left) {}
    Status write(const std::function<Status(StoreTx&)>& work) override {
        if (writes_left_-- <= 0) return makeError(ErrorCode::StorageUnavailable, "crashed");
        ++writes_;
        return inner_.write(work);
    }
    int writes() const { return writes_; }
    Status read(const std::function<Status(StoreTx&)>& work) override { return inner_.read(work); }

  private:
    TxRunner& inner_;
    int writes_left_;
    int writes_ = 0;
};

TEST_F(DayCloseTest, CloseInterruptedAtAnyStepThenRerunGivesTheSameResult) {
    // Breakage too, so both chunked steps have several transactions.
    policies_.breakage.enabled = true;
    policies_.breakage.months_after_expiry = 0;
    Scenario s = buildDay();
    reader_.reset();
    reader_db_.reset();
    store_.reset();  // the pristine cut-off database, closed cleanly
    namespace fs = std::filesystem;
    auto copyTo = [&](const std::string& target) {
        for (const char* suffix : {"", "-wal"}) {
            fs::remove(target + suffix);
            if (fs::exists(path_ + suffix)) fs::copy_file(path_ + suffix, target + suffix);
        }
    };
    auto open = [](const std::string& path) {
        store::SqliteStoreOptions o;
        o.path = path;
        o.synchronous_full = false;
        return std::make_unique<store::SqliteStore>(o);
    };
    auto dump = [&](store::SqliteStore& st) {
        auto db = st.openReader();
        return dumpCloseResults(*db);
    };
    const TimestampMs first_run_ms = now_ms_ + 1000;
    std::string expected;
    int writes = 0;
    {
        std::string ref = path_ + ".ref";
        copyTo(ref);
        auto st = open(ref);
        store::StoreTxRunner runner(*st);
        CrashingRunner counting(runner, 1'000'000);
        ASSERT_OK(closeDay(counting, s.day, closeOptions(), first_run_ms));
        writes = counting.writes();
        expected = dump(*st);
        // A second close of a closed day changes nothing.
        ASSERT_OK(closeDay(runner, s.day, closeOptions(), first_run_ms + 5000));
        EXPECT_EQ(dump(*st), expected);
    }
    // Interrupted after every write in turn, each attempt resuming the last: the same result.
    {
        std::string again = path_ + ".again";
        copyTo(again);
        auto st = open(again);
        store::StoreTxRunner runner(*st);
        for (int attempt = 0; attempt <= writes; ++attempt) {
            CrashingRunner one_more(runner, 2);  // its start, then one more transaction
            if (closeDay(one_more, s.day, closeOptions(), first_run_ms + attempt)) break;
        }
        EXPECT_EQ(dump(*st), expected);
    }
    ASSERT_GT(writes, 7);  // begin + one per step at least, expiry and breakage in chunks
    for (int crash_after = 0; crash_after < writes; ++crash_after) {
        SCOPED_TRACE("crash after " + std::to_string(crash_after) + " writes");
        std::string p = path_ + ".crash" + std::to_string(crash_after);
        copyTo(p);
        {
            auto st = open(p);
            store::StoreTxRunner runner(*st);
            CrashingRunner crashing(runner, crash_after);
            ASSERT_ERROR(closeDay(crashing, s.day, closeOptions(), first_run_ms),
                         ErrorCode::StorageUnavailable);
        }  // the process dies: store closed, committed steps stay
        auto st = open(p);
        store::StoreTxRunner runner(*st);
        // A crash before the first write left no trace: the re-run is then the first run.
        TimestampMs rerun_ms = crash_after == 0 ? first_run_ms : first_run_ms + 60'000;
        auto resumed = closeDay(runner, s.day, closeOptions(), rerun_ms);
        ASSERT_OK(resumed);
        EXPECT_EQ(dump(*st), expected);
        store::InvariantReport report = st->verify();
        EXPECT_TRUE(report.ok()) << report.summary();
        st.reset();
        for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(p + suffix);
    }
    for (const char* name : {".ref", ".again"}) {
        for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path_ + name + suffix);
    }
    store_ = open(path_);  // for TearDown and the final check
    reader_db_ = store_->openReader();
    reader_ = std::make_unique<store::SqliteStoreTx>(*reader_db_);
    expectLedgerInvariants();
}

}  // namespace
}  // namespace yika::test
