#pragma once

// Sales orders and the sale rules of design section 4 (PBOC and MOFCOM prepaid card rules,
// 2012). Each rule is a setting in SaleRules with the regulation's default.
//
//   PENDING_PAYMENT ──record payment──▶ PAID (all cards ACTIVE at once, one ledger entry)
//          └──cancel──▶ CANCELLED (reserved cards return to stock)

#include "card_core/domain/card.h"
#include "card_core/domain/money.h"
#include "card_core/domain/product.h"
#include "card_core/domain/result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace yika {

enum class BuyerKind : std::uint8_t { Individual, Company };
enum class IdType : std::uint8_t { ResidentIdCard, Passport, HkMacauPermit, TaiwanPermit, Other };
enum class PaymentMethod : std::uint8_t { Cash, BankTransfer, PosDebitCard, PosCreditCard };
enum class OrderState : std::uint8_t { PendingPayment, Paid, Cancelled };

std::string_view toString(BuyerKind v);
std::string_view toString(IdType v);
std::string_view toString(PaymentMethod v);
std::string_view toString(OrderState v);
std::optional<BuyerKind> buyerKindFromString(std::string_view text);
std::optional<IdType> idTypeFromString(std::string_view text);
std::optional<PaymentMethod> paymentMethodFromString(std::string_view text);
std::optional<OrderState> orderStateFromString(std::string_view text);

struct Buyer {
    BuyerKind kind = BuyerKind::Individual;
    std::string name;
    std::optional<IdType> id_type;  // individuals: needed for real-name registration
    std::string id_number;
    std::string credit_code;  // companies: unified social credit code (统一社会信用代码)
    std::string contact;
};

// The stable identity of a buyer for structuring checks and redemption rights; empty for an
// unidentified (anonymous) individual.
std::string buyerKey(const Buyer& buyer);

// Chinese resident ID number: 18 characters, ISO 7064 MOD 11-2 check character.
bool validResidentId(std::string_view id);
// Unified social credit code (GB 32100-2015): 18 characters with a mod-31 check character.
bool validCreditCode(std::string_view code);

// Cards of one product in an order: `count` from stock at `location`, or the serial range
// [first_card_id, last_card_id]; each loaded with `load_each`.
struct OrderLine {
    ProductId product_id = 0;
    std::int64_t count = 0;
    std::optional<CardId> first_card_id;
    std::optional<CardId> last_card_id;
    Money load_each = Money::zero(Currency::Cny);
};

struct SalesOrder {
    OrderId id = 0;
    Buyer buyer;
    std::vector<OrderLine> lines;
    std::string location;  // stock location cards are taken from
    Money discount = Money::zero(Currency::Cny);
    PaymentMethod payment_method = PaymentMethod::Cash;
    bool invoice_wanted = false;
    std::string invoice_title;
    std::string invoice_tax_id;
    std::string agent;  // sales agent, optional
    OrderState state = OrderState::PendingPayment;
    Money face_total = Money::zero(Currency::Cny);  // sum of loads
    Money pay_total = Money::zero(Currency::Cny);   // face_total - discount
    bool structuring_flag = false;                  // reported to risk, does not refuse the order
    std::string created_by;
    TimestampMs created_at_ms = 0;
    TimestampMs paid_at_ms = 0;
    std::optional<Date> business_date;  // of payment
    std::vector<CardId> card_ids;       // reserved cards, in line order
};

struct Payment {
    PaymentMethod method = PaymentMethod::Cash;
    Money amount = Money::zero(Currency::Cny);
    std::string payer_name;
    std::string payer_account;  // required for bank transfers
    std::string reference;      // bank reference / POS slip
};

struct SaleRules {
    Money realname_threshold = Money::fromMinor(1'000'000, Currency::Cny);  // 10,000.00
    Money structuring_band = Money::fromMinor(100'000, Currency::Cny);      // within 1,000.00 under
    int structuring_count = 3;                                              // a day
    Money company_noncash_threshold = Money::fromMinor(500'000, Currency::Cny);       // 5,000.00
    Money individual_noncash_threshold = Money::fromMinor(5'000'000, Currency::Cny);  // 50,000.00
    Money reload_noncash_threshold = Money::fromMinor(500'000, Currency::Cny);        // 5,000.00
    int redemption_months_min = 3;
    std::int64_t order_cards_max = 100'000;
};

// Totals the order (face, pay) and checks every rule that does not need the database:
// loads vs. caps and allowed amounts, real-name, payment method, discount, invoice fields.
// `products` holds each product the lines name.
Status priceAndValidateOrder(SalesOrder& order, const std::vector<CardProduct>& products,
                             const SaleRules& rules);

// Whether an order of `pay_total` is "just under" the real-name line.
bool inStructuringBand(Money pay_total, const SaleRules& rules);

// A payment must match the order exactly and obey the payment rules.
Status validatePayment(const SalesOrder& order, const Payment& payment, const SaleRules& rules);

// Reload (named, reloadable cards only; up to the cap; no cash at or above the threshold).
Status validateReload(const Card& card, const CardProduct& product, Money amount,
                      const Payment& payment, const SaleRules& rules);

}  // namespace yika
