// `yikad bench-day`: one business day of N purchases at M merchants for the day-close benchmark
// (bench/day_close.sh), written by direct bulk inserts in one transaction: far faster than N
// terminal requests, and the ledger invariants still hold (`yikad verify` passes): C named cards
// are sold by one paid order (its entry credits each card's 2201 sub-account), every purchase is
// an approved transaction with its one entry (2201/card -> 2202/merchant), and each card's
// balance is its load minus its purchases. Card numbers are not real (lookup hashes are
// derived from the card id): the cards cannot be used at a terminal.

#include "card_core/domain/issuance.h"
#include "server/args.h"
#include "server/commands.h"
#include "server/data_dir.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

namespace yika::server {

namespace {

int fail(const std::string& what) {
    std::fprintf(stderr, "yikad bench-day: %s\n", what.c_str());
    return 1;
}

constexpr std::int64_t kLoadMinor = 500'000;  // 5,000.00 per card

// A purchase amount of 1.00-99.99 yuan, fixed by the purchase's number.
std::int64_t amountOf(std::int64_t i) { return 100 + (i * 7919) % 9900; }

Bytes lookupOf(std::int64_t card_id) {
    Bytes b(32, 0);
    for (int k = 0; k < 8; ++k)
        b[static_cast<std::size_t>(k)] = static_cast<std::uint8_t>(card_id >> (8 * k));
    b[31] = 0xBD;  // no real lookup hash ends like this with seven zero bytes before
    return b;
}

void insertMerchants(store::Database& db, std::int64_t first_id, std::int64_t count) {
    store::Statement s(db.handle(),
                       "INSERT INTO merchant (id, mid, name, group_id, fee_bps, fee_mode, "
                       "settle_days, bank_name, bank_account) VALUES (?1, ?2, ?3, NULL, ?4, ?5, 1, "
                       "'Bench Bank', ?6)");
    for (std::int64_t i = 0; i < count; ++i) {
        // A 15-character MID: "8983199" and the merchant's number in 8 digits (count is bounded
        // by the caller far below 10^8).
        std::string number = std::to_string(i + 1);
        const std::string mid =
            "8983199" + std::string(8 - std::min<std::size_t>(8, number.size()), '0') + number;
        s.bind(1, first_id + i).bind(2, std::string_view(mid));
        s.bind(3, std::string("Bench merchant ") + mid).bind(4, std::int64_t{30 + i % 50});
        s.bind(5, std::string_view(i % 4 == 3 ? "GROSS" : "NET"));
        s.bind(6, std::string("6222") + mid).run();
    }
}

// One paid order selling `cards` cards; returns the order's entry lines written.
void sellCards(store::Database& db, ProductId product, CardId first_card, std::int64_t cards,
               Date day, TimestampMs at_ms) {
    store::Statement order(
        db.handle(),
        "INSERT INTO sales_order (state, buyer_kind, buyer_name, buyer_id_number, "
        "buyer_credit_code, buyer_contact, buyer_key, location, currency, discount_minor, "
        "face_total_minor, pay_total_minor, payment_method, invoice_wanted, invoice_title, "
        "invoice_tax_id, agent, structuring_flag, created_by, created_at_ms, created_on, "
        "paid_at_ms, business_date) VALUES ('PAID', 'COMPANY', 'Bench Co.', '', "
        "'91350100M000100Y43', '', 'bench', 'BENCH', 156, 0, ?1, ?1, 'bank_transfer', 0, '', '', "
        "'', 0, 'bench', ?2, ?3, ?2, ?3)");
    order.bind(1, cards * kLoadMinor).bind(2, at_ms).bind(3, day.toIso()).run();
    std::int64_t order_id = db.lastInsertId();
    store::Statement entry(db.handle(),
                           "INSERT INTO journal_entry (event_key, event_type, business_date, "
                           "at_ms, memo) VALUES (?1, 'sale', ?2, ?3, 'bench sale')");
    entry.bind(1, "order:" + std::to_string(order_id)).bind(2, day.toIso()).bind(3, at_ms).run();
    std::int64_t entry_id = db.lastInsertId();
    store::Statement line(db.handle(),
                          "INSERT INTO journal_line (entry_id, line_no, account, sub_id, currency, "
                          "debit_minor, credit_minor) VALUES (?1, ?2, ?3, ?4, 156, ?5, ?6)");
    line.bind(1, entry_id).bind(2, std::int64_t{0}).bind(3, std::int64_t{1001});
    line.bind(4, std::int64_t{0}).bind(5, cards * kLoadMinor).bind(6, std::int64_t{0}).run();
    store::Statement card(
        db.handle(),
        "INSERT INTO card (id, product_id, batch_id, state, currency, balance_minor, held_minor, "
        "pan_masked, pan_lookup, pan_enc, pvv, expiry, location, order_id, buyer_key, "
        "activated_on, pin_failures, pin_locked_until_ms, spend_day, spent_today_minor, "
        "count_today) VALUES (?1, ?2, 0, 'ACTIVE', 156, ?3, 0, '990001******0000', ?4, x'00', "
        "x'00', NULL, 'BENCH', ?5, 'bench', ?6, 0, 0, NULL, 0, 0)");
    for (std::int64_t i = 0; i < cards; ++i) {
        CardId id = first_card + i;
        card.bind(1, id).bind(2, product).bind(3, kLoadMinor).bindBlob(4, lookupOf(id));
        card.bind(5, order_id).bind(6, day.toIso()).run();
        line.bind(1, entry_id).bind(2, i + 1).bind(3, std::int64_t{2201}).bind(4, id);
        line.bind(5, std::int64_t{0}).bind(6, kLoadMinor).run();
    }
}

void insertPurchases(store::Database& db, CardId first_card, std::int64_t cards,
                     MerchantId first_merchant, std::int64_t merchants, std::int64_t purchases,
                     Date day, TimestampMs at_ms) {
    store::Statement txn(
        db.handle(),
        "INSERT INTO card_txn (kind, state, decline, card_id, merchant_id, currency, "
        "amount_minor, refunded_minor, business_date, at_ms, balance_after_minor, batch_no, "
        "trace_no, hold_open_minor) VALUES ('purchase', 'APPROVED', '', ?1, ?2, 156, ?3, 0, ?4, "
        "?5, 0, 0, 0, 0)");
    store::Statement entry(db.handle(),
                           "INSERT INTO journal_entry (event_key, event_type, business_date, "
                           "at_ms, memo) VALUES (?1, 'purchase', ?2, ?3, '')");
    store::Statement link(db.handle(), "UPDATE card_txn SET entry_id = ?2 WHERE id = ?1");
    store::Statement line(db.handle(),
                          "INSERT INTO journal_line (entry_id, line_no, account, sub_id, currency, "
                          "debit_minor, credit_minor) VALUES (?1, ?2, ?3, ?4, 156, ?5, ?6)");
    std::vector<std::int64_t> spent(static_cast<std::size_t>(cards), 0);
    const std::string iso = day.toIso();
    for (std::int64_t i = 0; i < purchases; ++i) {
        CardId card = first_card + i % cards;
        MerchantId merchant = first_merchant + (i * 31) % merchants;
        std::int64_t amount = amountOf(i);
        spent[static_cast<std::size_t>(i % cards)] += amount;
        txn.bind(1, card).bind(2, merchant).bind(3, amount).bind(4, iso).bind(5, at_ms + i).run();
        std::int64_t txn_id = db.lastInsertId();
        entry.bind(1, "txn:" + std::to_string(txn_id)).bind(2, iso).bind(3, at_ms + i).run();
        std::int64_t entry_id = db.lastInsertId();
        link.bind(1, txn_id).bind(2, entry_id).run();
        line.bind(1, entry_id).bind(2, std::int64_t{0}).bind(3, std::int64_t{2201}).bind(4, card);
        line.bind(5, amount).bind(6, std::int64_t{0}).run();
        line.bind(1, entry_id).bind(2, std::int64_t{1}).bind(3, std::int64_t{2202});
        line.bind(4, merchant).bind(5, std::int64_t{0}).bind(6, amount).run();
    }
    store::Statement balance(db.handle(), "UPDATE card SET balance_minor = ?2 WHERE id = ?1");
    for (std::int64_t c = 0; c < cards; ++c) {
        balance.bind(1, first_card + c).bind(2, kLoadMinor - spent[static_cast<std::size_t>(c)]);
        balance.run();
    }
}

}  // namespace

int runBenchDay(const std::vector<std::string>& argv) {
    Args args(argv, {"--data", "--purchases", "--merchants", "--cards"}, {});
    if (!args.ok() || !args.value("--data")) {
        return fail(args.ok() ? "needs --data DIR" : args.error());
    }
    std::int64_t purchases = std::stoll(args.value("--purchases").value_or("1000000"));
    std::int64_t merchants = std::stoll(args.value("--merchants").value_or("10000"));
    std::int64_t cards = std::stoll(args.value("--cards").value_or(std::to_string(purchases / 10)));
    if (purchases <= 0 || purchases > 10'000'000 || merchants <= 0 || merchants > 1'000'000 ||
        cards <= 0 || cards > 10'000'000 || purchases / cards > kLoadMinor / 9999) {
        return fail(
            "--purchases 1-10000000, --merchants 1-1000000, --cards with at most 50 "
            "purchases per card");
    }
    auto opened = openRuntime(*args.value("--data"));
    if (!opened) return fail(opened.error().detail);
    Runtime& rt = **opened;
    SystemClock clock;
    auto started = std::chrono::steady_clock::now();
    CardProduct product = defaultProduct(true, rt.config.policies.product);
    product.code = "BENCH-DAY";
    product.name = "Day-close benchmark card";
    product.bin = "99000199";
    auto product_id = rt.store->writer().run<ProductId>(
        [&](StoreTx& tx) { return createProduct(tx, product, rt.config.policies); });
    if (!product_id) return fail(product_id.error().detail);
    auto ids = rt.store->writer().run<std::pair<Date, CardId>>(
        [&](StoreTx& tx) -> Result<std::pair<Date, CardId>> {
            return std::make_pair(tx.businessDate(), tx.maxCardId() + 1);
        });
    if (!ids) return fail(ids.error().detail);
    auto [day, first_card] = *ids;
    try {
        store::Database::Options options;
        options.synchronous_full = false;  // benchmark data: one fsync at the end is enough
        options.cache_pages = rt.config.store.cache_pages;
        store::Database db(rt.paths.database(), options);
        store::Statement max_merchant(db.handle(), "SELECT COALESCE(MAX(id), 0) FROM merchant");
        max_merchant.step();
        MerchantId first_merchant = max_merchant.columnInt(0) + 1;
        max_merchant.reset();
        db.exec("BEGIN IMMEDIATE");
        insertMerchants(db, first_merchant, merchants);
        sellCards(db, *product_id, first_card, cards, day, clock.nowMs());
        insertPurchases(db, first_card, cards, first_merchant, merchants, purchases, day,
                        clock.nowMs());
        db.exec("COMMIT");
    } catch (const StorageError& e) {
        return fail(e.what());
    }
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf(
        "bench-day: %lld purchases at %lld merchants on %lld cards, business date %s, in "
        "%.1f s\n",
        static_cast<long long>(purchases), static_cast<long long>(merchants),
        static_cast<long long>(cards), day.toIso().c_str(), seconds);
    return 0;
}

}  // namespace yika::server
