// libFuzzer target for the back office's CSV importers (issue 9): the input is a file as a bank
// would send it, read as a bank statement and as a payout result file (card_core/domain/csv.h,
// reconciliation.h, settlement.h). The first byte picks the header to prepend, so that the
// fuzzer reaches the lines and not only the header check. Properties: nothing crashes, hangs or
// trips a sanitizer; a file is either refused with "line N: reason" or every line it yields
// is well formed (YIKA_ASSERT aborts otherwise, which libFuzzer reports as a crash).

#include "card_core/domain/assert.h"
#include "card_core/domain/csv.h"
#include "card_core/domain/reconciliation.h"
#include "card_core/domain/settlement.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace yika {
namespace {

// Small limits, so that the fuzzer also meets them.
const CsvLimits kLimits{.rows_max = 64, .field_bytes_max = 64, .file_bytes_max = 4096};

void checkRefusal(const Error& e) {
    YIKA_ASSERT(e.code == ErrorCode::InvalidArgument);
    YIKA_ASSERT(e.detail.rfind("line ", 0) == 0);  // every refusal names its line
}

}  // namespace
}  // namespace yika

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    using namespace yika;
    if (size == 0) return 0;
    std::string body(reinterpret_cast<const char*>(data) + 1, size - 1);
    std::string text;
    switch (data[0] % 3) {
        case 0:
            text = body;
            break;  // the header too is the fuzzer's
        case 1:
            text = std::string(bankStatementHeader()) + "\n" + body;
            break;
        default:
            text = std::string(payoutResultHeader()) + "\n" + body;
            break;
    }

    if (auto rows = parseCsv(text, bankStatementHeader(), kLimits); rows) {
        YIKA_ASSERT(static_cast<std::int64_t>(rows->size()) <= kLimits.rows_max);
        for (const CsvRow& row : *rows) YIKA_ASSERT(row.line_no >= 2 && row.fields.size() == 8);
    }
    if (auto lines = parseBankStatement(text, kLimits); lines) {
        for (const BankStatementLine& l : *lines) {
            YIKA_ASSERT(!l.bank_txn_id.empty());
            YIKA_ASSERT(l.amount.isPositive());
        }
    } else {
        checkRefusal(lines.error());
    }
    if (auto results = parsePayoutResults(text, kLimits); results) {
        for (const PayoutResultLine& l : *results) {
            YIKA_ASSERT(l.line_no >= 2);
            YIKA_ASSERT(l.outcome != PayoutOutcome::Failed || !l.reason.empty());
        }
    } else {
        checkRefusal(results.error());
    }
    return 0;
}
