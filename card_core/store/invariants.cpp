#include "card_core/store/invariants.h"

#include "card_core/domain/ledger.h"

namespace yika::store {

namespace {

// Runs `sql` (bound with the limit as ?1) and records one violation per row, formatted from
// the row's columns.
void collect(Database& db, InvariantReport& report, const char* invariant, const char* sql,
             int limit, const char* what) {
    Statement s(db, sql);
    s.bind(1, std::int64_t{limit});
    while (s.step()) {
        std::string detail = what;
        for (int c = 0; c < 3; ++c) {
            if (s.columnIsNull(c)) break;
            detail += (c == 0 ? " " : ", ") + s.columnText(c);
        }
        report.violations.push_back({invariant, detail});
    }
}

std::string knownAccountsList() {
    std::string out;
    for (AccountCode code : chartOfAccounts()) {
        if (!out.empty()) out += ',';
        out += std::to_string(static_cast<int>(code));
    }
    return out;
}

}  // namespace

std::string InvariantReport::summary() const {
    std::string out;
    for (const Violation& v : violations) out += v.invariant + ": " + v.detail + "\n";
    return out;
}

InvariantReport checkInvariants(Database& db, int per_check_max) {
    InvariantReport r;
    const int n = per_check_max;
    collect(
        db, r, "V1",
        "SELECT entry_id, SUM(debit_minor), SUM(credit_minor) FROM journal_line GROUP BY entry_id "
        "HAVING SUM(debit_minor) != SUM(credit_minor) OR COUNT(*) < 2 LIMIT ?1",
        n, "entry does not balance or has one line: entry, debits, credits");
    collect(db, r, "V1",
            "SELECT e.id FROM journal_entry e WHERE NOT EXISTS "
            "(SELECT 1 FROM journal_line l WHERE l.entry_id = e.id) LIMIT ?1",
            n, "entry without lines:");
    collect(db, r, "V2",
            "SELECT entry_id, line_no FROM journal_line WHERE debit_minor < 0 OR credit_minor < 0 "
            "OR (debit_minor = 0) = (credit_minor = 0) LIMIT ?1",
            n, "line must have exactly one positive side: entry, line");
    std::string accounts_sql = "SELECT DISTINCT account FROM journal_line WHERE account NOT IN (" +
                               knownAccountsList() + ") LIMIT ?1";
    collect(db, r, "V2", accounts_sql.c_str(), n, "unknown account");
    collect(db, r, "V2",
            "SELECT DISTINCT l.entry_id FROM journal_line l WHERE NOT EXISTS "
            "(SELECT 1 FROM journal_entry e WHERE e.id = l.entry_id) LIMIT ?1",
            n, "lines of a missing entry:");
    collect(db, r, "V3",
            "SELECT d, c FROM (SELECT COALESCE(SUM(debit_minor), 0) AS d, "
            "COALESCE(SUM(credit_minor), 0) "
            "AS c FROM journal_line) totals WHERE d != c LIMIT ?1",
            n, "total debits != total credits:");
    collect(db, r, "V4",
            "WITH sub AS (SELECT sub_id, SUM(credit_minor - debit_minor) AS bal FROM journal_line "
            "WHERE account = 2201 GROUP BY sub_id) "
            "SELECT c.id, c.balance_minor, COALESCE(s.bal, 0) FROM card c LEFT JOIN sub s "
            "ON s.sub_id = c.id WHERE c.balance_minor != COALESCE(s.bal, 0) LIMIT ?1",
            n, "card balance != its 2201 sub-account: card, balance, ledger");
    collect(db, r, "V4",
            "SELECT DISTINCT l.sub_id FROM journal_line l WHERE l.account = 2201 AND NOT EXISTS "
            "(SELECT 1 FROM card c WHERE c.id = l.sub_id) LIMIT ?1",
            n, "2201 sub-account without a card:");
    collect(db, r, "V5",
            "SELECT c.id, c.balance_minor, c.held_minor FROM card c JOIN product p ON p.id = "
            "c.product_id WHERE c.balance_minor < 0 OR c.held_minor < 0 OR c.held_minor > "
            "c.balance_minor OR c.balance_minor > p.max_balance_minor LIMIT ?1",
            n, "card balance or available balance out of range: card, balance, held");
    collect(db, r, "V6",
            "SELECT id, state, balance_minor FROM card WHERE state IN ('PRODUCED', 'IN_STOCK', "
            "'CLOSED', 'DESTROYED') AND (balance_minor != 0 OR held_minor != 0) LIMIT ?1",
            n, "card holds value in a state without value: card, state, balance");
    collect(
        db, r, "V7",
        "SELECT cards, ledger FROM (SELECT (SELECT COALESCE(SUM(balance_minor), 0) FROM card) AS "
        "cards, (SELECT COALESCE(SUM(credit_minor - debit_minor), 0) FROM journal_line WHERE "
        "account = 2201) AS ledger) totals WHERE cards != ledger LIMIT ?1",
        n, "sum of card balances != 2201 control total:");
    collect(
        db, r, "V8",
        "SELECT t.id, t.kind, t.state FROM card_txn t LEFT JOIN journal_entry e ON e.event_key = "
        "'txn:' || t.id WHERE "
        "(t.state IN ('APPROVED', 'REVERSED') AND t.kind IN ('purchase', 'refund', 'reload', "
        "'redemption', 'breakage', 'preauth_completion', 'void') AND e.id IS NULL) OR "
        "(t.entry_id IS NOT NULL AND (e.id IS NULL OR t.entry_id != e.id)) OR "
        "(t.entry_id IS NULL AND e.id IS NOT NULL) OR "
        "(t.state = 'DECLINED' AND e.id IS NOT NULL) LIMIT ?1",
        n, "transaction without its one entry (or a declined one with an entry): txn, kind, state");
    collect(db, r, "V9",
            "SELECT e.id, e.event_key FROM journal_entry e WHERE NOT ("
            "(e.event_key LIKE 'txn:%' AND EXISTS (SELECT 1 FROM card_txn t WHERE t.id = "
            "CAST(substr(e.event_key, 5) AS INTEGER) AND t.entry_id = e.id)) OR "
            "(e.event_key LIKE 'order:%' AND EXISTS (SELECT 1 FROM sales_order o WHERE o.id = "
            "CAST(substr(e.event_key, 7) AS INTEGER) AND o.state = 'PAID')) OR "
            // issue 6: a manual adjustment's event is its executed maker-checker request.
            "(e.event_key LIKE 'adjustment:%' AND EXISTS (SELECT 1 FROM approval_request a "
            "WHERE a.id = CAST(substr(e.event_key, 12) AS INTEGER) AND a.kind = "
            "'manual_adjustment' AND a.state = 'EXECUTED')) OR "
            // issue 5: clearing and settlement-paid entries and their records.
            "(e.event_key LIKE 'clearing:%' AND EXISTS (SELECT 1 FROM clearing c WHERE "
            "c.entry_id = e.id)) OR "
            "(e.event_key LIKE 'payout:%' AND EXISTS (SELECT 1 FROM payout p WHERE p.entry_id = "
            "e.id AND p.state = 'PAID'))) LIMIT ?1",
            n, "entry without its business event: entry, event");
    collect(db, r, "V10",
            "SELECT o.id FROM sales_order o WHERE o.state = 'PAID' AND NOT EXISTS (SELECT 1 FROM "
            "journal_entry e WHERE e.event_key = 'order:' || o.id) LIMIT ?1",
            n, "paid order without its entry:");
    return r;
}

}  // namespace yika::store
