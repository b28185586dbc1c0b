#include "card_core/domain/invoices.h"

namespace yika {

std::string monthOf(Date date) { return date.toIso().substr(0, 7); }

bool validMonth(std::string_view text) {
    if (text.size() != 7 || text[4] != '-') return false;
    return Date::parseIso(std::string(text) + "-01").has_value();
}

namespace {

Status checkText(std::string_view what, std::string_view value, std::size_t max, bool required) {
    if ((required && value.empty()) || value.size() > max) {
        return makeError(ErrorCode::InvalidArgument,
                         std::string(what) + (required ? " is required, " : " must be ") +
                             "at most " + std::to_string(max) + " bytes");
    }
    for (char ch : value) {
        auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == 0x7f) {
            return makeError(ErrorCode::InvalidArgument,
                             std::string(what) + " holds a control character");
        }
    }
    return Ok{};
}

}  // namespace

Result<IssuedInvoice> issueInvoice(StoreTx& tx, const IssueInvoiceRequest& r, std::string_view by,
                                   const InvoiceRules& rules, TimestampMs now_ms) {
    YIKA_TRY(checkText("invoice number", r.number, rules.number_bytes_max, true));
    if (!r.amount.isPositive()) {
        return makeError(ErrorCode::InvalidAmount, "the invoice amount must be positive");
    }
    auto order = tx.days().paidOrder(r.order_id);
    if (!order) {
        return makeError(ErrorCode::NotFound,
                         "order " + std::to_string(r.order_id) + " is not a paid order");
    }
    IssuedInvoice inv;
    inv.order_id = r.order_id;
    inv.number = r.number;
    inv.issued_on = r.issued_on;
    inv.title = r.title.empty() ? order->invoice_title : r.title;
    inv.tax_id = r.tax_id.empty() ? order->invoice_tax_id : r.tax_id;
    if (inv.title.empty()) inv.title = order->buyer_name;
    inv.amount = r.amount;
    inv.issued_by = std::string(by);
    inv.at_ms = now_ms;
    YIKA_TRY(checkText("title", inv.title, rules.text_bytes_max, true));
    YIKA_TRY(checkText("tax id", inv.tax_id, rules.number_bytes_max, false));
    if (r.amount.currency() != order->paid.currency()) {
        return makeError(ErrorCode::CurrencyMismatch, "the invoice is in another currency");
    }
    auto after = order->issued.plus(r.amount);
    if (!after || after->minor() > order->paid.minor()) {
        return makeError(ErrorCode::RuleViolation,
                         "invoices of order " + std::to_string(r.order_id) +
                             " may total at most what was paid, " + order->paid.toDecimal() +
                             "; already issued " + order->issued.toDecimal());
    }
    if (tx.days().issuedInvoiceNumberExists(r.number)) {
        return makeError(ErrorCode::Duplicate, "invoice number " + r.number + " was issued before");
    }
    inv.id = tx.days().insertIssuedInvoice(inv);
    return inv;
}

Result<ReceivedInvoice> recordMerchantInvoice(StoreTx& tx, const ReceiveInvoiceRequest& r,
                                              std::string_view by, const InvoiceRules& rules,
                                              TimestampMs now_ms) {
    YIKA_TRY(checkText("invoice number", r.number, rules.number_bytes_max, true));
    if (!validMonth(r.period)) {
        return makeError(ErrorCode::InvalidArgument, "the period must be YYYY-MM");
    }
    if (!r.amount.isPositive()) {
        return makeError(ErrorCode::InvalidAmount, "the invoice amount must be positive");
    }
    if (r.remark != kMerchantInvoiceRemark) {
        return makeError(ErrorCode::RuleViolation,
                         "a merchant's invoice for card settlement must carry the remark "
                         "\"收到预付卡结算款\" (STA 2016 No. 53); ask the merchant to reissue it");
    }
    auto merchant = tx.merchantByMid(r.mid);
    if (!merchant) return makeError(ErrorCode::NotFound, "unknown merchant " + r.mid);
    if (tx.days().receivedInvoiceExists(merchant->id, r.number)) {
        return makeError(ErrorCode::Duplicate,
                         "invoice " + r.number + " of " + r.mid + " was recorded before");
    }
    ReceivedInvoice inv;
    inv.merchant_id = merchant->id;
    inv.period = r.period;
    inv.number = r.number;
    inv.issued_on = r.issued_on;
    inv.amount = r.amount;
    inv.remark = r.remark;
    inv.recorded_by = std::string(by);
    inv.at_ms = now_ms;
    inv.id = tx.days().insertReceivedInvoice(inv);
    return inv;
}

}  // namespace yika
