// SqliteDayStoreTx, second part: invoices and the report queries (sqlite_day_store_tx.h).
#include "card_core/store/sqlite_day_store_tx.h"

#include <map>
#include <tuple>

namespace yika::store {

namespace {

std::int64_t cur(Money m) { return static_cast<std::int64_t>(m.currency()); }

// Paid orders with what their invoices total so far.
constexpr const char* kInvoiceableOrderColumns =
    "SELECT o.id, o.business_date, o.buyer_name, o.invoice_title, o.invoice_tax_id, "
    "o.invoice_wanted, o.currency, o.pay_total_minor, COALESCE((SELECT SUM(i.amount_minor) FROM "
    "invoice_out i WHERE i.order_id = o.id), 0) FROM sales_order o ";

InvoiceableOrder readInvoiceableOrder(const Statement& s) {
    InvoiceableOrder o;
    o.order_id = s.columnInt(0);
    o.paid_on = dayDateOf(s, 1);
    o.buyer_name = s.columnText(2);
    o.invoice_title = s.columnText(3);
    o.invoice_tax_id = s.columnText(4);
    o.invoice_wanted = s.columnInt(5) != 0;
    Currency c = dayCurrencyOf(s.columnInt(6));
    o.paid = Money::fromMinor(s.columnInt(7), c);
    o.issued = Money::fromMinor(s.columnInt(8), c);
    return o;
}

}  // namespace

std::vector<InvoiceableOrder> SqliteDayStoreTx::paidOrders(Date from, Date to, std::int64_t limit) {
    static const std::string sql =
        std::string(kInvoiceableOrderColumns) +
        "WHERE o.state = 'PAID' AND o.business_date BETWEEN ?1 AND ?2 ORDER BY o.id LIMIT ?3";
    auto& s = stmt(sql.c_str());
    s.bind(1, from.toIso()).bind(2, to.toIso()).bind(3, limit);
    std::vector<InvoiceableOrder> out;
    while (s.step()) out.push_back(readInvoiceableOrder(s));
    s.reset();
    return out;
}

std::optional<InvoiceableOrder> SqliteDayStoreTx::paidOrder(std::int64_t order_id) {
    static const std::string sql =
        std::string(kInvoiceableOrderColumns) + "WHERE o.state = 'PAID' AND o.id = ?1";
    auto& s = stmt(sql.c_str());
    s.bind(1, order_id);
    std::optional<InvoiceableOrder> out;
    if (s.step()) out = readInvoiceableOrder(s);
    s.reset();
    return out;
}

std::int64_t SqliteDayStoreTx::insertIssuedInvoice(const IssuedInvoice& i) {
    auto& s = stmt(
        "INSERT INTO invoice_out (order_id, number, issued_on, title, tax_id, currency, "
        "amount_minor, issued_by, at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    s.bind(1, i.order_id).bind(2, std::string_view(i.number)).bind(3, i.issued_on.toIso());
    s.bind(4, std::string_view(i.title)).bind(5, std::string_view(i.tax_id));
    s.bind(6, cur(i.amount)).bind(7, i.amount.minor()).bind(8, std::string_view(i.issued_by));
    s.bind(9, i.at_ms);
    s.run();
    return db_.lastInsertId();
}

bool SqliteDayStoreTx::issuedInvoiceNumberExists(std::string_view number) {
    auto& s = stmt("SELECT 1 FROM invoice_out WHERE number = ?1");
    s.bind(1, number);
    bool found = s.step();
    s.reset();
    return found;
}

std::vector<IssuedInvoice> SqliteDayStoreTx::issuedInvoices(std::int64_t order_id) {
    auto& s = stmt(
        "SELECT id, order_id, number, issued_on, title, tax_id, currency, amount_minor, "
        "issued_by, at_ms FROM invoice_out WHERE order_id = ?1 ORDER BY id");
    s.bind(1, order_id);
    std::vector<IssuedInvoice> out;
    while (s.step()) {
        IssuedInvoice i;
        i.id = s.columnInt(0);
        i.order_id = s.columnInt(1);
        i.number = s.columnText(2);
        i.issued_on = dayDateOf(s, 3);
        i.title = s.columnText(4);
        i.tax_id = s.columnText(5);
        i.amount = Money::fromMinor(s.columnInt(7), dayCurrencyOf(s.columnInt(6)));
        i.issued_by = s.columnText(8);
        i.at_ms = s.columnInt(9);
        out.push_back(std::move(i));
    }
    s.reset();
    return out;
}

std::int64_t SqliteDayStoreTx::insertReceivedInvoice(const ReceivedInvoice& i) {
    auto& s = stmt(
        "INSERT INTO invoice_in (merchant_id, period, number, issued_on, currency, amount_minor, "
        "remark, recorded_by, at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)");
    s.bind(1, i.merchant_id).bind(2, std::string_view(i.period));
    s.bind(3, std::string_view(i.number)).bind(4, i.issued_on.toIso());
    s.bind(5, cur(i.amount)).bind(6, i.amount.minor()).bind(7, std::string_view(i.remark));
    s.bind(8, std::string_view(i.recorded_by)).bind(9, i.at_ms);
    s.run();
    return db_.lastInsertId();
}

bool SqliteDayStoreTx::receivedInvoiceExists(MerchantId merchant, std::string_view number) {
    auto& s = stmt("SELECT 1 FROM invoice_in WHERE merchant_id = ?1 AND number = ?2");
    s.bind(1, merchant).bind(2, number);
    bool found = s.step();
    s.reset();
    return found;
}

std::vector<ReceivedInvoice> SqliteDayStoreTx::receivedInvoices(MerchantId merchant,
                                                                std::string_view period) {
    auto& s = stmt(
        "SELECT id, merchant_id, period, number, issued_on, currency, amount_minor, remark, "
        "recorded_by, at_ms FROM invoice_in WHERE merchant_id = ?1 AND period = ?2 ORDER BY id");
    s.bind(1, merchant).bind(2, period);
    std::vector<ReceivedInvoice> out;
    while (s.step()) {
        ReceivedInvoice i;
        i.id = s.columnInt(0);
        i.merchant_id = s.columnInt(1);
        i.period = s.columnText(2);
        i.number = s.columnText(3);
        i.issued_on = dayDateOf(s, 4);
        i.amount = Money::fromMinor(s.columnInt(6), dayCurrencyOf(s.columnInt(5)));
        i.remark = s.columnText(7);
        i.recorded_by = s.columnText(8);
        i.at_ms = s.columnInt(9);
        out.push_back(std::move(i));
    }
    s.reset();
    return out;
}

std::vector<MerchantPeriodAmount> SqliteDayStoreTx::merchantMonths(Statement& s) {
    std::vector<MerchantPeriodAmount> out;
    while (s.step()) {
        out.push_back({s.columnInt(0), s.columnText(1),
                       Money::fromMinor(s.columnInt(3), dayCurrencyOf(s.columnInt(2)))});
    }
    s.reset();
    return out;
}

std::vector<MonthAmount> SqliteDayStoreTx::months(Statement& s) {
    std::vector<MonthAmount> out;
    while (s.step()) {
        out.push_back(
            {s.columnText(0), Money::fromMinor(s.columnInt(2), dayCurrencyOf(s.columnInt(1)))});
    }
    s.reset();
    return out;
}

std::vector<MerchantPeriodAmount> SqliteDayStoreTx::settledByMerchantMonth(std::string_view from,
                                                                           std::string_view to) {
    auto& s = stmt(
        "SELECT merchant_id, substr(business_date, 1, 7) AS m, currency, SUM(payable_minor) FROM "
        "clearing WHERE business_date >= ?1 || '-01' AND business_date <= ?2 || '-31' AND "
        "payable_minor > 0 GROUP BY merchant_id, m, currency ORDER BY merchant_id, m");
    s.bind(1, from).bind(2, to);
    return merchantMonths(s);
}

std::vector<MerchantPeriodAmount> SqliteDayStoreTx::receivedByMerchantMonth(std::string_view from,
                                                                            std::string_view to) {
    auto& s = stmt(
        "SELECT merchant_id, period, currency, SUM(amount_minor) FROM invoice_in WHERE period "
        "BETWEEN ?1 AND ?2 GROUP BY merchant_id, period, currency ORDER BY merchant_id, period");
    s.bind(1, from).bind(2, to);
    return merchantMonths(s);
}

std::vector<MonthAmount> SqliteDayStoreTx::issuedByMonth(std::string_view from,
                                                         std::string_view to) {
    auto& s = stmt(
        "SELECT substr(issued_on, 1, 7) AS m, currency, SUM(amount_minor) FROM invoice_out WHERE "
        "substr(issued_on, 1, 7) BETWEEN ?1 AND ?2 GROUP BY m, currency ORDER BY m");
    s.bind(1, from).bind(2, to);
    return months(s);
}

std::vector<MonthAmount> SqliteDayStoreTx::receivedByMonth(std::string_view from,
                                                           std::string_view to) {
    auto& s = stmt(
        "SELECT substr(issued_on, 1, 7) AS m, currency, SUM(amount_minor) FROM invoice_in WHERE "
        "substr(issued_on, 1, 7) BETWEEN ?1 AND ?2 GROUP BY m, currency ORDER BY m");
    s.bind(1, from).bind(2, to);
    return months(s);
}

std::vector<ActivityCell> SqliteDayStoreTx::activity(Date from, Date to) {
    struct Key {
        std::string date;
        std::string event_type;
        std::int64_t account;
        std::int64_t currency;
        bool operator<(const Key& o) const {
            return std::tie(date, event_type, account, currency) <
                   std::tie(o.date, o.event_type, o.account, o.currency);
        }
    };
    struct Sum {
        std::int64_t debits = 0, credits = 0, lines = 0;
    };
    std::map<Key, Sum> sums;
    // The last group's sums, so that most lines skip the map lookup.
    Key last{"", "", -1, -1};
    Sum* current = nullptr;
    forEachLine(from.toIso(), to.toIso(), [&](const SpanLine& l) {
        if (current == nullptr || l.account != last.account || l.currency != last.currency ||
            *l.event_type != last.event_type || *l.business_date != last.date) {
            last = {*l.business_date, *l.event_type, l.account, l.currency};
            current = &sums[last];
        }
        current->debits += l.debit_minor;
        current->credits += l.credit_minor;
        ++current->lines;
    });
    std::vector<ActivityCell> out;
    for (const auto& [k, sum] : sums) {
        auto date = Date::parseIso(k.date);
        if (!date) throw StorageError(ErrorCode::StorageUnavailable, "bad date in database");
        Currency c = dayCurrencyOf(k.currency);
        out.push_back({*date, k.event_type, static_cast<AccountCode>(k.account),
                       Money::fromMinor(sum.debits, c), Money::fromMinor(sum.credits, c),
                       sum.lines});
    }
    return out;
}

std::vector<LiabilityCell> SqliteDayStoreTx::cardLiability() {
    auto& s = stmt(
        "SELECT p.id, p.code, p.name, c.state, c.currency, COUNT(*), SUM(c.balance_minor) FROM "
        "card c JOIN product p ON p.id = c.product_id WHERE c.balance_minor != 0 GROUP BY p.id, "
        "c.state, c.currency ORDER BY p.code, c.state");
    std::vector<LiabilityCell> out;
    while (s.step()) {
        LiabilityCell cell;
        cell.product_id = s.columnInt(0);
        cell.product_code = s.columnText(1);
        cell.product_name = s.columnText(2);
        auto state = cardStateFromString(s.columnText(3));
        if (!state) throw StorageError(ErrorCode::StorageUnavailable, "unknown card state");
        cell.state = *state;
        cell.cards = s.columnInt(5);
        cell.balance = Money::fromMinor(s.columnInt(6), dayCurrencyOf(s.columnInt(4)));
        out.push_back(std::move(cell));
    }
    s.reset();
    return out;
}

std::vector<BreakageItem> SqliteDayStoreTx::breakage(Date from, Date to, std::int64_t limit) {
    // Breakage entries through the date index, their transactions by key.
    auto& s = stmt(
        "SELECT e.business_date, t.id, t.card_id, p.code, c.pan_masked, t.currency, "
        "t.amount_minor FROM journal_entry e INDEXED BY journal_entry_date JOIN card_txn t ON "
        "t.id = CAST(substr(e.event_key, 5) AS INTEGER) JOIN card c ON c.id = t.card_id JOIN "
        "product p ON p.id = c.product_id WHERE e.business_date BETWEEN ?1 AND ?2 AND "
        "e.event_type = 'breakage' ORDER BY e.business_date, t.id LIMIT ?3");
    s.bind(1, from.toIso()).bind(2, to.toIso()).bind(3, limit);
    std::vector<BreakageItem> out;
    while (s.step()) {
        BreakageItem i;
        i.date = dayDateOf(s, 0);
        i.txn_id = s.columnInt(1);
        i.card_id = s.columnInt(2);
        i.product_code = s.columnText(3);
        i.pan_masked = s.columnText(4);
        i.amount = Money::fromMinor(s.columnInt(6), dayCurrencyOf(s.columnInt(5)));
        out.push_back(std::move(i));
    }
    s.reset();
    return out;
}

}  // namespace yika::store
