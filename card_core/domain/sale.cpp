#include "card_core/domain/sale.h"

#include "card_core/domain/card_number.h"

#include <array>

namespace yika {

namespace {
template <std::size_t N>
std::optional<std::size_t> indexOf(const std::array<std::string_view, N>& names,
                                   std::string_view text) {
    for (std::size_t i = 0; i < N; ++i) {
        if (names[i] == text) return i;
    }
    return std::nullopt;
}
constexpr std::array<std::string_view, 2> kBuyerKinds = {"individual", "company"};
constexpr std::array<std::string_view, 5> kIdTypes = {"resident_id", "passport", "hk_macau_permit",
                                                      "taiwan_permit", "other"};
constexpr std::array<std::string_view, 4> kMethods = {"cash", "bank_transfer", "pos_debit_card",
                                                      "pos_credit_card"};
constexpr std::array<std::string_view, 3> kOrderStates = {"PENDING_PAYMENT", "PAID", "CANCELLED"};

Error rule(std::string detail) { return makeError(ErrorCode::RuleViolation, std::move(detail)); }
Error invalid(std::string detail) {
    return makeError(ErrorCode::InvalidArgument, std::move(detail));
}

constexpr std::size_t kTextBytesMax = 200;
bool textOk(const std::string& s, bool required) {
    return s.size() <= kTextBytesMax && (!required || !s.empty());
}
}  // namespace

std::string_view toString(BuyerKind v) { return kBuyerKinds[static_cast<std::size_t>(v)]; }
std::string_view toString(IdType v) { return kIdTypes[static_cast<std::size_t>(v)]; }
std::string_view toString(PaymentMethod v) { return kMethods[static_cast<std::size_t>(v)]; }
std::string_view toString(OrderState v) { return kOrderStates[static_cast<std::size_t>(v)]; }

std::optional<BuyerKind> buyerKindFromString(std::string_view t) {
    auto i = indexOf(kBuyerKinds, t);
    return i ? std::optional(static_cast<BuyerKind>(*i)) : std::nullopt;
}
std::optional<IdType> idTypeFromString(std::string_view t) {
    auto i = indexOf(kIdTypes, t);
    return i ? std::optional(static_cast<IdType>(*i)) : std::nullopt;
}
std::optional<PaymentMethod> paymentMethodFromString(std::string_view t) {
    auto i = indexOf(kMethods, t);
    return i ? std::optional(static_cast<PaymentMethod>(*i)) : std::nullopt;
}
std::optional<OrderState> orderStateFromString(std::string_view t) {
    auto i = indexOf(kOrderStates, t);
    return i ? std::optional(static_cast<OrderState>(*i)) : std::nullopt;
}

std::string buyerKey(const Buyer& buyer) {
    if (buyer.kind == BuyerKind::Company && !buyer.credit_code.empty())
        return "C:" + buyer.credit_code;
    if (buyer.id_type && !buyer.id_number.empty()) {
        return "I:" + std::string(toString(*buyer.id_type)) + ":" + buyer.id_number;
    }
    return {};
}

bool validResidentId(std::string_view id) {
    static constexpr std::array<int, 17> kWeights = {7, 9, 10, 5,  8, 4, 2, 1, 6,
                                                     3, 7, 9,  10, 5, 8, 4, 2};
    static constexpr std::string_view kCheck = "10X98765432";
    if (id.size() != 18 || !isAllDigits(id.substr(0, 17))) return false;
    int sum = 0;
    for (std::size_t i = 0; i < 17; ++i) sum += (id[i] - '0') * kWeights[i];
    return kCheck[static_cast<std::size_t>(sum % 11)] == id[17];
}

bool validCreditCode(std::string_view code) {
    static constexpr std::string_view kChars = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    static constexpr std::array<int, 17> kWeights = {1,  3,  9,  27, 19, 26, 16, 17, 20,
                                                     29, 25, 13, 8,  24, 10, 30, 28};
    if (code.size() != 18) return false;
    int sum = 0;
    for (std::size_t i = 0; i < 17; ++i) {
        std::size_t v = kChars.find(code[i]);
        if (v == std::string_view::npos) return false;
        sum += static_cast<int>(v) * kWeights[i];
    }
    int check = (31 - sum % 31) % 31;
    return kChars[static_cast<std::size_t>(check)] == code[17];
}

namespace {

Status validateBuyer(const Buyer& b, bool realname_required) {
    if (!textOk(b.name, b.kind == BuyerKind::Company || realname_required) ||
        !textOk(b.contact, false)) {
        return invalid("buyer.name: required for companies and real-name sales, at most 200 bytes");
    }
    if (b.kind == BuyerKind::Company) {
        if (!validCreditCode(b.credit_code)) {
            return invalid("buyer.credit_code: not a valid unified social credit code");
        }
        return Ok{};
    }
    if (b.id_type || !b.id_number.empty()) {
        if (!b.id_type || b.id_number.empty() || b.id_number.size() > 40) {
            return invalid("buyer.id_number: ID type and number go together");
        }
        if (*b.id_type == IdType::ResidentIdCard && !validResidentId(b.id_number)) {
            return invalid("buyer.id_number: not a valid resident ID number");
        }
    }
    if (realname_required && (!b.id_type || b.id_number.empty())) {
        return rule("buyer: real-name registration (ID type and number) is required for this sale");
    }
    return Ok{};
}

Result<Money> priceLines(SalesOrder& order, const std::vector<CardProduct>& products,
                         const SaleRules& rules, bool& any_named) {
    constexpr std::size_t kOrderLinesMax = 100;
    if (order.lines.empty() || order.lines.size() > kOrderLinesMax) return invalid("lines: 1-100");
    Money face = Money::zero(order.discount.currency());
    std::int64_t cards = 0;
    // Messages name the line as the request does ("lines[1].load_each: ..."), so a form can
    // show each next to its field; adapters rename members whose wire name differs.
    for (std::size_t i = 0; i < order.lines.size(); ++i) {
        OrderLine& line = order.lines[i];
        const std::string at = "lines[" + std::to_string(i) + "].";
        const CardProduct* product = nullptr;
        for (const CardProduct& p : products) {
            if (p.id == line.product_id) product = &p;
        }
        if (product == nullptr) {
            return makeError(ErrorCode::NotFound, at + "product_id: unknown product");
        }
        if (line.first_card_id || line.last_card_id) {
            if (!line.first_card_id || !line.last_card_id ||
                *line.first_card_id > *line.last_card_id || *line.first_card_id <= 0) {
                return invalid(at + "first_card_id: a serial range needs first <= last");
            }
            line.count = *line.last_card_id - *line.first_card_id + 1;
        }
        if (line.count <= 0 || line.count > rules.order_cards_max) {
            return invalid(at + "count: 1-" + std::to_string(rules.order_cards_max));
        }
        cards += line.count;
        if (line.load_each.currency() != product->currency ||
            face.currency() != product->currency) {
            return makeError(ErrorCode::CurrencyMismatch, at + "load_each: one currency per order");
        }
        if (!line.load_each.isPositive())
            return makeError(ErrorCode::InvalidAmount, at + "load_each: must be positive");
        if (line.load_each.minor() > product->max_balance.minor()) {
            return rule(at + "load_each: " + product->code + " cards hold at most " +
                        product->max_balance.toDecimal());
        }
        if (!isAllowedLoadAmount(*product, line.load_each)) {
            return makeError(ErrorCode::InvalidAmount,
                             at + "load_each: not an allowed amount for " + product->code);
        }
        auto line_total = line.load_each.times(line.count);
        auto sum = line_total ? face.plus(*line_total) : std::nullopt;
        if (!sum) return makeError(ErrorCode::InvalidAmount, "order total overflows");
        face = *sum;
        any_named = any_named || product->named;
    }
    if (cards > rules.order_cards_max) {
        return invalid("an order holds at most " + std::to_string(rules.order_cards_max) +
                       " cards");
    }
    return face;
}

}  // namespace

bool inStructuringBand(Money pay_total, const SaleRules& rules) {
    std::int64_t line = rules.realname_threshold.minor();
    return pay_total.minor() < line && pay_total.minor() >= line - rules.structuring_band.minor();
}

Status priceAndValidateOrder(SalesOrder& order, const std::vector<CardProduct>& products,
                             const SaleRules& rules) {
    bool any_named = false;
    auto face = priceLines(order, products, rules, any_named);
    if (!face) return face.error();
    if (order.discount.isNegative() || order.discount.minor() > face->minor()) {
        return makeError(ErrorCode::InvalidAmount, "discount: between 0 and the face total");
    }
    order.face_total = *face;
    order.pay_total = *face->minus(order.discount);
    bool realname = any_named || face->minor() >= rules.realname_threshold.minor();
    YIKA_TRY(validateBuyer(order.buyer, realname));
    if (order.payment_method == PaymentMethod::PosCreditCard) {
        return rule("payment: credit cards may never pay for prepaid cards");
    }
    Money noncash = order.buyer.kind == BuyerKind::Company ? rules.company_noncash_threshold
                                                           : rules.individual_noncash_threshold;
    if (order.pay_total.minor() >= noncash.minor() &&
        order.payment_method != PaymentMethod::BankTransfer) {
        return rule("payment: " + std::string(toString(order.buyer.kind)) + " purchases of " +
                    noncash.toDecimal() + " or more must be paid by bank transfer");
    }
    if (order.invoice_wanted && !textOk(order.invoice_title, true)) {
        return invalid("invoice_title: required when an invoice is wanted");
    }
    if (!textOk(order.invoice_tax_id, false) || !textOk(order.agent, false) ||
        !textOk(order.location, true)) {
        return invalid("location is required; invoice_tax_id and agent at most 200 bytes");
    }
    return Ok{};
}

Status validatePayment(const SalesOrder& order, const Payment& payment, const SaleRules& rules) {
    (void)rules;
    if (order.state != OrderState::PendingPayment) {
        return makeError(
            ErrorCode::IllegalTransition,
            "order is " + std::string(toString(order.state)) + ", not PENDING_PAYMENT");
    }
    if (payment.method == PaymentMethod::PosCreditCard) {
        return rule("payment: credit cards may never pay for prepaid cards");
    }
    if (payment.method != order.payment_method) {
        return rule("payment: the order must be paid by " +
                    std::string(toString(order.payment_method)));
    }
    if (payment.amount != order.pay_total) {
        return makeError(ErrorCode::InvalidAmount,
                         "payment: amount must equal the order's " + order.pay_total.toDecimal());
    }
    if (payment.method == PaymentMethod::BankTransfer &&
        (!textOk(payment.payer_account, true) || !textOk(payment.payer_name, true))) {
        return rule("payment: a bank transfer records the payer's name and account");
    }
    if (!textOk(payment.reference, false)) return invalid("payment.reference: at most 200 bytes");
    return Ok{};
}

Status validateReload(const Card& card, const CardProduct& product, Money amount,
                      const Payment& payment, const SaleRules& rules) {
    if (!product.named || !product.reloadable) {
        return makeError(ErrorCode::NotPermitted,
                         "anonymous or non-reloadable cards cannot be reloaded");
    }
    if (card.state != CardState::Active) {
        return makeError(ErrorCode::CardNotActive, "only an ACTIVE card can be reloaded");
    }
    if (amount.currency() != product.currency || !amount.isPositive()) {
        return makeError(ErrorCode::InvalidAmount,
                         "reload amount must be positive in the card currency");
    }
    if (!isAllowedLoadAmount(product, amount)) {
        return makeError(ErrorCode::InvalidAmount, "reload: not an allowed amount");
    }
    auto after = card.balance.plus(amount);
    if (!after || after->minor() > product.max_balance.minor()) {
        return makeError(ErrorCode::OverCardCap,
                         "reload would take the card above " + product.max_balance.toDecimal());
    }
    if (payment.method == PaymentMethod::PosCreditCard) {
        return rule("payment: credit cards may never pay for reloads");
    }
    if (amount.minor() >= rules.reload_noncash_threshold.minor() &&
        payment.method == PaymentMethod::Cash) {
        return rule("payment: reloads of " + rules.reload_noncash_threshold.toDecimal() +
                    " or more are not paid in cash");
    }
    if (payment.amount != amount)
        return makeError(ErrorCode::InvalidAmount, "payment must equal the reload");
    if (payment.method == PaymentMethod::BankTransfer && payment.payer_account.empty()) {
        return rule("payment: a bank transfer records the payer's account");
    }
    return Ok{};
}

}  // namespace yika
