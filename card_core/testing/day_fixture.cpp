#include "card_core/testing/day_fixture.h"

namespace yika::test {

MerchantId DayTest::addMerchantWith(std::string mid, std::int64_t fee_bps, FeeMode mode,
                                    int settle_days) {
    Merchant m;
    m.mid = std::move(mid);
    m.name = "Merchant " + m.mid;
    m.fee_bps = fee_bps;
    m.fee_mode = mode;
    m.settle_days = settle_days;
    m.bank_name = "Bank of Example";
    m.bank_account = "62220202" + m.mid.substr(m.mid.size() - 6);
    EXPECT_OK(validateMerchant(m));
    auto id =
        run<MerchantId>([&](StoreTx& tx) -> Result<MerchantId> { return tx.insertMerchant(m); });
    EXPECT_OK(id);
    return id ? *id : 0;
}

Date DayTest::cutOffNow() {
    TimestampMs at = tick();
    auto cut = run<Date>([&](StoreTx& tx) { return cutOff(tx, "op.li", at); });
    EXPECT_OK(cut);
    return cut ? *cut : Date{};
}

DayCloseOptions DayTest::closeOptions() const {
    DayCloseOptions o;
    o.policies = policies_;
    o.chunk_cards = 2;  // several chunks even with a handful of cards
    return o;
}

Result<DayCloseOutcome> DayTest::closeDate(Date date) {
    store::StoreTxRunner runner(*store_);
    return closeDay(runner, date, closeOptions(), tick());
}

std::string DayTest::dumpCloseResults(store::Database& db) {
    static const char* kQueries[] = {
        "SELECT 'entry', id, event_key, event_type, business_date, at_ms, memo FROM journal_entry "
        "ORDER BY id",
        "SELECT 'line', entry_id, line_no, account, sub_id, debit_minor, credit_minor FROM "
        "journal_line ORDER BY entry_id, line_no",
        "SELECT 'clearing', * FROM clearing ORDER BY business_date, merchant_id",
        "SELECT 'carry', * FROM merchant_carry ORDER BY merchant_id",
        "SELECT 'payout', * FROM payout ORDER BY id",
        "SELECT 'tb', * FROM trial_balance ORDER BY business_date, account",
        "SELECT 'report', * FROM day_report ORDER BY business_date",
        "SELECT 'step', business_date, step, done, count, done_at_ms FROM day_close_step ORDER "
        "BY business_date, step",
        "SELECT 'day', * FROM business_day ORDER BY business_date",
        "SELECT 'card', id, state, balance_minor, held_minor FROM card ORDER BY id",
        "SELECT 'txn', id, kind, state, card_id, amount_minor, business_date, at_ms, entry_id "
        "FROM card_txn ORDER BY id",
        "SELECT 'event', card_id, from_state, to_state, reason, at_ms FROM card_event ORDER BY id",
        "SELECT 'exception', kind, reference, detail, state FROM recon_exception ORDER BY id",
    };
    std::string out;
    for (const char* sql : kQueries) {
        store::Statement s(db, sql);
        while (s.step()) {
            for (int c = 0; c < s.columnCount(); ++c) {
                out += (s.columnIsNull(c) ? std::string("NULL") : s.columnText(c)) + "|";
            }
            out += "\n";
        }
    }
    return out;
}

}  // namespace yika::test
