#pragma once

// Invoices (design section 9, STA notice 2016 No. 53).
//   Out: the issuer gives a card buyer ordinary invoices (增值税普通发票, not taxable) for a paid
//        sales order; the invoices of an order never total more than the buyer paid for it.
//   In:  a merchant invoices the issuer for the settlement it received, remark
//        "收到预付卡结算款"; expected per merchant and month = what clearing credited to its
//        payable (2203) in that month; outstanding = expected - received; overdue once the
//        month is over by more than the due days and something is outstanding.
//   Pool: received from merchants against issued to buyers, by month.

#include "card_core/domain/day_store.h"
#include "card_core/domain/store.h"

#include <string>
#include <string_view>
#include <vector>

namespace yika {

inline constexpr std::string_view kMerchantInvoiceRemark = "收到预付卡结算款";

struct InvoiceRules {
    int merchant_invoice_due_days = 30;  // after the end of the settlement month
    std::size_t number_bytes_max = 32;
    std::size_t text_bytes_max = 200;
};

struct IssueInvoiceRequest {
    std::int64_t order_id = 0;
    std::string number;
    Date issued_on;
    std::string title;   // empty: the order's invoice title
    std::string tax_id;  // empty: the order's invoice tax id
    Money amount = Money::zero(Currency::Cny);
};

// Records an issued invoice; RuleViolation when the order's invoices would exceed what was
// paid, NotFound for an order that is not paid, Duplicate for a number issued before.
Result<IssuedInvoice> issueInvoice(StoreTx& tx, const IssueInvoiceRequest& request,
                                   std::string_view by, const InvoiceRules& rules,
                                   TimestampMs now_ms);

struct ReceiveInvoiceRequest {
    std::string mid;
    std::string period;  // "YYYY-MM"
    std::string number;
    Date issued_on;
    Money amount = Money::zero(Currency::Cny);
    std::string remark;  // must be kMerchantInvoiceRemark
};

Result<ReceivedInvoice> recordMerchantInvoice(StoreTx& tx, const ReceiveInvoiceRequest& request,
                                              std::string_view by, const InvoiceRules& rules,
                                              TimestampMs now_ms);

// "YYYY-MM" of a date; whether text is a valid "YYYY-MM".
std::string monthOf(Date date);
bool validMonth(std::string_view text);

}  // namespace yika
