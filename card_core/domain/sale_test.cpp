#include "card_core/domain/sale.h"

#include "card_core/testing/assertions.h"

#include <gtest/gtest.h>

#include <limits>

namespace yika {
namespace {

Money cny(std::int64_t minor) { return Money::fromMinor(minor, Currency::Cny); }
Money yuan(std::int64_t whole) { return cny(whole * 100); }

constexpr ProductId kNamed = 1;
constexpr ProductId kAnonymous = 2;
constexpr ProductId kFixedAmounts = 3;  // anonymous, only 100/200/500/1000.00

const char* const kResidentId = "11010519491231002X";
const char* const kCreditCode = "91350100M000100Y43";

std::vector<CardProduct> catalog() {
    ProductPolicy policy;
    CardProduct named = defaultProduct(true, policy);
    named.id = kNamed;
    named.code = "NAMED";
    CardProduct anonymous = defaultProduct(false, policy);
    anonymous.id = kAnonymous;
    anonymous.code = "ANON";
    CardProduct fixed = anonymous;
    fixed.id = kFixedAmounts;
    fixed.code = "ANON-FIXED";
    fixed.load_amounts = {yuan(100), yuan(200), yuan(500), yuan(1000)};
    return {named, anonymous, fixed};
}

Buyer person(const char* id_number = kResidentId) {
    Buyer b;
    b.kind = BuyerKind::Individual;
    b.name = "Zhang San";
    b.id_type = IdType::ResidentIdCard;
    b.id_number = id_number;
    return b;
}

Buyer company(const char* credit_code = kCreditCode) {
    Buyer b;
    b.kind = BuyerKind::Company;
    b.name = "Fuzhou Example Co., Ltd.";
    b.credit_code = credit_code;
    return b;
}

Buyer nobody() { return Buyer{}; }

// Gave a name but no identity document.
Buyer nameOnly() {
    Buyer b;
    b.name = "Li Si";
    return b;
}

OrderLine line(ProductId product, std::int64_t count, Money load_each) {
    OrderLine l;
    l.product_id = product;
    l.count = count;
    l.load_each = load_each;
    return l;
}

SalesOrder orderOf(std::vector<OrderLine> lines, Buyer buyer,
                   PaymentMethod method = PaymentMethod::Cash) {
    SalesOrder o;
    o.buyer = std::move(buyer);
    o.lines = std::move(lines);
    o.location = "SH-STORE-01";
    o.payment_method = method;
    return o;
}

Status check(SalesOrder& order, const SaleRules& rules = {}) {
    return priceAndValidateOrder(order, catalog(), rules);
}

TEST(SaleRules, PricesFaceAndPayTotals) {
    SalesOrder o = orderOf({line(kNamed, 3, yuan(500)), line(kAnonymous, 2, yuan(200))}, person());
    o.discount = yuan(15);
    ASSERT_OK(check(o));
    EXPECT_EQ(o.face_total, yuan(3 * 500 + 2 * 200));
    EXPECT_EQ(o.pay_total, yuan(3 * 500 + 2 * 200 - 15));
}

TEST(SaleRules, NamedCardNeedsBuyerId) {
    // A name alone is not real-name registration.
    SalesOrder o = orderOf({line(kNamed, 1, yuan(100))}, nameOnly());
    EXPECT_ERROR(check(o), ErrorCode::RuleViolation);
    // Without even a name the order is malformed.
    o.buyer = nobody();
    EXPECT_ERROR(check(o), ErrorCode::InvalidArgument);
    o.buyer = person();
    EXPECT_OK(check(o));
    o.buyer.id_type = IdType::Passport;
    o.buyer.id_number = "E12345678";
    EXPECT_OK(check(o));
}

TEST(SaleRules, RealNameSaleNeedsTheBuyerName) {
    SalesOrder o = orderOf({line(kNamed, 1, yuan(100))}, person());
    o.buyer.name = "";
    EXPECT_ERROR(check(o), ErrorCode::InvalidArgument);
}

TEST(SaleRules, AnonymousCardsNeedIdOnlyFrom10000) {
    SaleRules rules;
    // 10 x 999.99 = 9,999.90: below the line, no identity needed.
    SalesOrder below = orderOf({line(kAnonymous, 10, cny(99999))}, nobody());
    EXPECT_OK(check(below, rules));
    EXPECT_LT(below.face_total.minor(), rules.realname_threshold.minor());
    // 10 x 1,000.00 = 10,000.00: at the line.
    SalesOrder at = orderOf({line(kAnonymous, 10, yuan(1000))}, nameOnly());
    EXPECT_ERROR(check(at, rules), ErrorCode::RuleViolation);
    at.buyer = person();
    EXPECT_OK(check(at, rules));
    EXPECT_EQ(at.face_total, rules.realname_threshold);
    // The line counts the whole order, across lines.
    SalesOrder split =
        orderOf({line(kAnonymous, 5, yuan(1000)), line(kFixedAmounts, 5, yuan(1000))}, nameOnly());
    EXPECT_ERROR(check(split, rules), ErrorCode::RuleViolation);
}

TEST(SaleRules, RealNameLineIsASetting) {
    SaleRules rules;
    rules.realname_threshold = yuan(2000);
    SalesOrder o = orderOf({line(kAnonymous, 2, yuan(1000))}, nameOnly());
    EXPECT_ERROR(check(o, rules), ErrorCode::RuleViolation);
}

TEST(SaleRules, LoadAboveCapRefused) {
    SalesOrder named = orderOf({line(kNamed, 1, cny(500001))}, person());
    EXPECT_ERROR(check(named), ErrorCode::RuleViolation);
    named.lines[0].load_each = cny(500000);
    EXPECT_OK(check(named));
    SalesOrder anonymous = orderOf({line(kAnonymous, 1, cny(100001))}, nobody());
    EXPECT_ERROR(check(anonymous), ErrorCode::RuleViolation);
}

TEST(SaleRules, DisallowedLoadAmountRefused) {
    SalesOrder o = orderOf({line(kFixedAmounts, 1, yuan(300))}, nobody());
    EXPECT_ERROR(check(o), ErrorCode::InvalidAmount);
    o.lines[0].load_each = yuan(500);
    EXPECT_OK(check(o));
}

TEST(SaleRules, NonPositiveLoadRefused) {
    for (std::int64_t minor : {0, -100}) {
        SalesOrder o = orderOf({line(kNamed, 1, cny(minor))}, person());
        EXPECT_ERROR(check(o), ErrorCode::InvalidAmount) << minor;
    }
}

TEST(SaleRules, CreditCardNeverPaysForCards) {
    SalesOrder o =
        orderOf({line(kAnonymous, 1, yuan(100))}, nobody(), PaymentMethod::PosCreditCard);
    EXPECT_ERROR(check(o), ErrorCode::RuleViolation);
    o.payment_method = PaymentMethod::PosDebitCard;
    EXPECT_OK(check(o));
}

TEST(SaleRules, CompanyOver5000MustPayByTransfer) {
    SaleRules rules;
    SalesOrder at = orderOf({line(kNamed, 1, yuan(5000))}, company());
    ASSERT_EQ(yuan(5000), rules.company_noncash_threshold);
    EXPECT_ERROR(check(at, rules), ErrorCode::RuleViolation);
    at.payment_method = PaymentMethod::PosDebitCard;
    EXPECT_ERROR(check(at, rules), ErrorCode::RuleViolation);
    at.payment_method = PaymentMethod::BankTransfer;
    EXPECT_OK(check(at, rules));
    SalesOrder below = orderOf({line(kNamed, 1, cny(499999))}, company());
    EXPECT_OK(check(below, rules));
}

TEST(SaleRules, IndividualOver50000MustPayByTransfer) {
    SaleRules rules;
    SalesOrder at = orderOf({line(kNamed, 10, yuan(5000))}, person());
    ASSERT_EQ(yuan(50000), rules.individual_noncash_threshold);
    EXPECT_ERROR(check(at, rules), ErrorCode::RuleViolation);
    at.payment_method = PaymentMethod::BankTransfer;
    EXPECT_OK(check(at, rules));
    // 9 x 5,000.00 + 4,999.99 = 49,999.99 in cash is allowed.
    SalesOrder below =
        orderOf({line(kNamed, 9, yuan(5000)), line(kNamed, 1, cny(499999))}, person());
    EXPECT_OK(check(below, rules));
    // The company line (5,000.00) does not apply to individuals.
    SalesOrder small = orderOf({line(kNamed, 2, yuan(5000))}, person());
    EXPECT_OK(check(small, rules));
}

TEST(SaleRules, DiscountAboveFaceRefused) {
    SalesOrder o = orderOf({line(kNamed, 2, yuan(500))}, person());
    o.discount = cny(100001);
    EXPECT_ERROR(check(o), ErrorCode::InvalidAmount);
    o.discount = cny(-1);
    EXPECT_ERROR(check(o), ErrorCode::InvalidAmount);
    o.discount = yuan(30);
    EXPECT_OK(check(o));
    EXPECT_EQ(o.pay_total, yuan(970));
}

TEST(SaleRules, OverflowOfCountTimesLoadRefused) {
    // A product outside validateProduct's limits, to reach the arithmetic guard.
    const std::int64_t max = std::numeric_limits<std::int64_t>::max();
    CardProduct huge = defaultProduct(true, {});
    huge.id = 9;
    huge.max_balance = cny(max);
    SaleRules rules;
    SalesOrder o = orderOf({line(9, 3, cny(max / 2))}, person(), PaymentMethod::BankTransfer);
    EXPECT_ERROR(priceAndValidateOrder(o, {huge}, rules), ErrorCode::InvalidAmount);
    // Each line fits; their sum does not.
    SalesOrder two = orderOf({line(9, 1, cny(max / 2 + 1)), line(9, 1, cny(max / 2 + 1))}, person(),
                             PaymentMethod::BankTransfer);
    EXPECT_ERROR(priceAndValidateOrder(two, {huge}, rules), ErrorCode::InvalidAmount);
}

TEST(SaleRules, OrderShapeIsChecked) {
    SaleRules rules;
    SalesOrder empty = orderOf({}, person());
    EXPECT_ERROR(check(empty), ErrorCode::InvalidArgument);
    SalesOrder zero = orderOf({line(kNamed, 0, yuan(100))}, person());
    EXPECT_ERROR(check(zero), ErrorCode::InvalidArgument);
    SalesOrder too_many = orderOf({line(kAnonymous, rules.order_cards_max + 1, yuan(1))}, person());
    EXPECT_ERROR(check(too_many, rules), ErrorCode::InvalidArgument);
    SalesOrder unknown = orderOf({line(77, 1, yuan(100))}, person());
    EXPECT_ERROR(check(unknown), ErrorCode::NotFound);
    SalesOrder no_location = orderOf({line(kNamed, 1, yuan(100))}, person());
    no_location.location = "";
    EXPECT_ERROR(check(no_location), ErrorCode::InvalidArgument);
    SalesOrder usd = orderOf({line(kNamed, 1, Money::fromMinor(100, Currency::Usd))}, person());
    EXPECT_ERROR(check(usd), ErrorCode::CurrencyMismatch);
}

TEST(SaleRules, CardsBySerialRange) {
    SalesOrder o = orderOf({line(kNamed, 0, yuan(100))}, person());
    o.lines[0].first_card_id = 101;
    o.lines[0].last_card_id = 110;
    ASSERT_OK(check(o));
    EXPECT_EQ(o.lines[0].count, 10);
    EXPECT_EQ(o.face_total, yuan(1000));
    o.lines[0].first_card_id = 111;  // first > last
    EXPECT_ERROR(check(o), ErrorCode::InvalidArgument);
    o.lines[0].first_card_id = 101;
    o.lines[0].last_card_id = std::nullopt;  // half a range
    EXPECT_ERROR(check(o), ErrorCode::InvalidArgument);
}

TEST(SaleRules, InvoiceNeedsATitle) {
    SalesOrder o = orderOf({line(kNamed, 1, yuan(100))}, person());
    o.invoice_wanted = true;
    EXPECT_ERROR(check(o), ErrorCode::InvalidArgument);
    o.invoice_title = "Fuzhou Example Co., Ltd.";
    EXPECT_OK(check(o));
}

TEST(SaleRules, BadIdentityNumbersRefused) {
    std::string wrong = kResidentId;
    wrong[16] = '3';
    SalesOrder o = orderOf({line(kNamed, 1, yuan(100))}, person(wrong.c_str()));
    EXPECT_ERROR(check(o), ErrorCode::InvalidArgument);
    o.buyer = person();
    o.buyer.id_number = "";  // a type without a number
    EXPECT_ERROR(check(o), ErrorCode::InvalidArgument);
    std::string bad_code = kCreditCode;
    bad_code[17] = '4';
    SalesOrder c = orderOf({line(kNamed, 1, yuan(100))}, company(bad_code.c_str()));
    EXPECT_ERROR(check(c), ErrorCode::InvalidArgument);
    c.buyer = company();
    EXPECT_OK(check(c));
}

TEST(SaleRules, ResidentIdCheckCharacter) {
    const std::string valid = kResidentId;
    EXPECT_TRUE(validResidentId(valid));
    // ISO 7064 MOD 11-2 catches every single-digit change.
    for (std::size_t pos = 0; pos < 17; ++pos) {
        for (char digit = '0'; digit <= '9'; ++digit) {
            if (digit == valid[pos]) continue;
            std::string wrong = valid;
            wrong[pos] = digit;
            EXPECT_FALSE(validResidentId(wrong)) << wrong;
        }
    }
    for (char check : std::string_view("0123456789")) {
        std::string wrong = valid;
        wrong[17] = check;
        EXPECT_FALSE(validResidentId(wrong)) << wrong;
    }
    EXPECT_FALSE(validResidentId(valid.substr(0, 17)));
    EXPECT_FALSE(validResidentId(valid + "0"));
    EXPECT_FALSE(validResidentId("1101051949123100AX"));
    EXPECT_FALSE(validResidentId(""));
}

TEST(SaleRules, CreditCodeCheckCharacter) {
    const std::string valid = kCreditCode;
    const std::string_view alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
    EXPECT_TRUE(validCreditCode(valid));
    // Mod 31 with weights prime to 31 catches every single substitution.
    for (std::size_t pos = 0; pos < valid.size(); ++pos) {
        for (char c : alphabet) {
            if (c == valid[pos]) continue;
            std::string wrong = valid;
            wrong[pos] = c;
            EXPECT_FALSE(validCreditCode(wrong)) << wrong;
        }
    }
    // Letters the standard leaves out (I, O, S, V, Z) are never valid.
    for (char c : std::string_view("IOSVZ")) {
        std::string wrong = valid;
        wrong[8] = c;
        EXPECT_FALSE(validCreditCode(wrong)) << wrong;
    }
    EXPECT_FALSE(validCreditCode(valid.substr(0, 17)));
    EXPECT_FALSE(validCreditCode(valid + "0"));
    EXPECT_FALSE(validCreditCode(""));
}

TEST(SaleRules, StructuringBandIsJustUnderTheRealNameLine) {
    SaleRules rules;  // line 10,000.00, band 1,000.00
    EXPECT_TRUE(inStructuringBand(yuan(9000), rules));
    EXPECT_TRUE(inStructuringBand(cny(999999), rules));
    EXPECT_FALSE(inStructuringBand(yuan(10000), rules));
    EXPECT_FALSE(inStructuringBand(cny(899999), rules));
    EXPECT_FALSE(inStructuringBand(yuan(0), rules));
    rules.structuring_band = yuan(500);
    EXPECT_FALSE(inStructuringBand(yuan(9000), rules));
    EXPECT_TRUE(inStructuringBand(yuan(9500), rules));
}

TEST(SaleRules, BuyerKeyIdentifiesTheBuyer) {
    EXPECT_EQ(buyerKey(company()), std::string("C:") + kCreditCode);
    EXPECT_EQ(buyerKey(person()), std::string("I:resident_id:") + kResidentId);
    EXPECT_EQ(buyerKey(nobody()), "");
    Buyer passport = person();
    passport.id_type = IdType::Passport;
    EXPECT_NE(buyerKey(passport), buyerKey(person()));
}

SalesOrder pricedOrder(PaymentMethod method) {
    SalesOrder o = orderOf({line(kNamed, 2, yuan(500))}, person(), method);
    o.discount = yuan(30);
    EXPECT_OK(check(o));
    return o;
}

Payment paymentOf(const SalesOrder& o) {
    Payment p;
    p.method = o.payment_method;
    p.amount = o.pay_total;
    p.payer_name = "Zhang San";
    p.payer_account = "6222021001122334455";
    return p;
}

TEST(PaymentRules, ExactPaymentAccepted) {
    for (PaymentMethod m :
         {PaymentMethod::Cash, PaymentMethod::BankTransfer, PaymentMethod::PosDebitCard}) {
        SalesOrder o = pricedOrder(m);
        EXPECT_OK(validatePayment(o, paymentOf(o), {}));
    }
}

TEST(PaymentRules, AmountMismatchRefused) {
    SalesOrder o = pricedOrder(PaymentMethod::Cash);
    Payment p = paymentOf(o);
    for (std::int64_t delta : {-1, 1}) {
        p.amount = cny(o.pay_total.minor() + delta);
        EXPECT_ERROR(validatePayment(o, p, {}), ErrorCode::InvalidAmount) << delta;
    }
    p.amount = o.face_total;  // the undiscounted total is not what the order asks for
    EXPECT_ERROR(validatePayment(o, p, {}), ErrorCode::InvalidAmount);
}

TEST(PaymentRules, MethodMismatchRefused) {
    SalesOrder o = pricedOrder(PaymentMethod::BankTransfer);
    Payment p = paymentOf(o);
    p.method = PaymentMethod::Cash;
    EXPECT_ERROR(validatePayment(o, p, {}), ErrorCode::RuleViolation);
}

TEST(PaymentRules, TransferWithoutPayerAccountRefused) {
    SalesOrder o = pricedOrder(PaymentMethod::BankTransfer);
    Payment p = paymentOf(o);
    p.payer_account = "";
    EXPECT_ERROR(validatePayment(o, p, {}), ErrorCode::RuleViolation);
    p = paymentOf(o);
    p.payer_name = "";
    EXPECT_ERROR(validatePayment(o, p, {}), ErrorCode::RuleViolation);
}

TEST(PaymentRules, CreditCardRefused) {
    SalesOrder o = pricedOrder(PaymentMethod::Cash);
    Payment p = paymentOf(o);
    p.method = PaymentMethod::PosCreditCard;
    EXPECT_ERROR(validatePayment(o, p, {}), ErrorCode::RuleViolation);
}

TEST(PaymentRules, OnlyPendingOrdersArePaid) {
    for (OrderState state : {OrderState::Paid, OrderState::Cancelled}) {
        SalesOrder o = pricedOrder(PaymentMethod::Cash);
        o.state = state;
        EXPECT_ERROR(validatePayment(o, paymentOf(o), {}), ErrorCode::IllegalTransition);
    }
}

CardProduct namedProduct() { return catalog()[0]; }
CardProduct anonymousProduct() { return catalog()[1]; }

Card activeCard(Money balance) {
    Card c;
    c.id = 5;
    c.state = CardState::Active;
    c.balance = balance;
    return c;
}

Payment reloadPayment(Money amount, PaymentMethod method) {
    Payment p;
    p.method = method;
    p.amount = amount;
    p.payer_name = "Zhang San";
    if (method == PaymentMethod::BankTransfer) p.payer_account = "6222021001122334455";
    return p;
}

TEST(ReloadRules, NamedCardReloadsUpToTheCap) {
    SaleRules rules;
    Card card = activeCard(yuan(1000));
    EXPECT_OK(validateReload(card, namedProduct(), yuan(4000),
                             reloadPayment(yuan(4000), PaymentMethod::PosDebitCard), rules));
    EXPECT_ERROR(validateReload(card, namedProduct(), cny(400001),
                                reloadPayment(cny(400001), PaymentMethod::PosDebitCard), rules),
                 ErrorCode::OverCardCap);
}

TEST(ReloadRules, AnonymousCardRefused) {
    SaleRules rules;
    Card card = activeCard(yuan(100));
    EXPECT_ERROR(validateReload(card, anonymousProduct(), yuan(100),
                                reloadPayment(yuan(100), PaymentMethod::Cash), rules),
                 ErrorCode::NotPermitted);
    CardProduct not_reloadable = namedProduct();
    not_reloadable.reloadable = false;
    EXPECT_ERROR(validateReload(card, not_reloadable, yuan(100),
                                reloadPayment(yuan(100), PaymentMethod::Cash), rules),
                 ErrorCode::NotPermitted);
}

TEST(ReloadRules, OnlyActiveCardsReload) {
    SaleRules rules;
    for (CardState state :
         {CardState::InStock, CardState::Frozen, CardState::Expired, CardState::Closed}) {
        Card card = activeCard(yuan(100));
        card.state = state;
        EXPECT_ERROR(validateReload(card, namedProduct(), yuan(100),
                                    reloadPayment(yuan(100), PaymentMethod::Cash), rules),
                     ErrorCode::CardNotActive)
            << toString(state);
    }
}

TEST(ReloadRules, ReloadOf5000OrMoreNotInCash) {
    SaleRules rules;
    Card card = activeCard(yuan(0));
    EXPECT_ERROR(validateReload(card, namedProduct(), yuan(5000),
                                reloadPayment(yuan(5000), PaymentMethod::Cash), rules),
                 ErrorCode::RuleViolation);
    EXPECT_OK(validateReload(card, namedProduct(), yuan(5000),
                             reloadPayment(yuan(5000), PaymentMethod::BankTransfer), rules));
    EXPECT_OK(validateReload(card, namedProduct(), cny(499999),
                             reloadPayment(cny(499999), PaymentMethod::Cash), rules));
}

TEST(ReloadRules, CreditCardRefused) {
    SaleRules rules;
    Card card = activeCard(yuan(0));
    EXPECT_ERROR(validateReload(card, namedProduct(), yuan(100),
                                reloadPayment(yuan(100), PaymentMethod::PosCreditCard), rules),
                 ErrorCode::RuleViolation);
}

TEST(ReloadRules, PaymentMustMatchAndTransfersRecordTheAccount) {
    SaleRules rules;
    Card card = activeCard(yuan(0));
    EXPECT_ERROR(validateReload(card, namedProduct(), yuan(100),
                                reloadPayment(yuan(99), PaymentMethod::Cash), rules),
                 ErrorCode::InvalidAmount);
    Payment no_account = reloadPayment(yuan(100), PaymentMethod::BankTransfer);
    no_account.payer_account = "";
    EXPECT_ERROR(validateReload(card, namedProduct(), yuan(100), no_account, rules),
                 ErrorCode::RuleViolation);
}

TEST(ReloadRules, NonPositiveOrDisallowedAmountRefused) {
    SaleRules rules;
    Card card = activeCard(yuan(0));
    EXPECT_ERROR(validateReload(card, namedProduct(), yuan(0),
                                reloadPayment(yuan(0), PaymentMethod::Cash), rules),
                 ErrorCode::InvalidAmount);
    CardProduct fixed = namedProduct();
    fixed.load_amounts = {yuan(100), yuan(500)};
    EXPECT_ERROR(validateReload(card, fixed, yuan(200),
                                reloadPayment(yuan(200), PaymentMethod::Cash), rules),
                 ErrorCode::InvalidAmount);
    EXPECT_OK(validateReload(card, fixed, yuan(500), reloadPayment(yuan(500), PaymentMethod::Cash),
                             rules));
}

TEST(SaleRules, EnumNamesRoundTrip) {
    for (BuyerKind v : {BuyerKind::Individual, BuyerKind::Company}) {
        EXPECT_EQ(buyerKindFromString(toString(v)), v);
    }
    for (IdType v : {IdType::ResidentIdCard, IdType::Passport, IdType::HkMacauPermit,
                     IdType::TaiwanPermit, IdType::Other}) {
        EXPECT_EQ(idTypeFromString(toString(v)), v);
    }
    for (PaymentMethod v : {PaymentMethod::Cash, PaymentMethod::BankTransfer,
                            PaymentMethod::PosDebitCard, PaymentMethod::PosCreditCard}) {
        EXPECT_EQ(paymentMethodFromString(toString(v)), v);
    }
    for (OrderState v : {OrderState::PendingPayment, OrderState::Paid, OrderState::Cancelled}) {
        EXPECT_EQ(orderStateFromString(toString(v)), v);
    }
    EXPECT_EQ(toString(PaymentMethod::BankTransfer), "bank_transfer");
    EXPECT_FALSE(paymentMethodFromString("BANK_TRANSFER"));
}

}  // namespace
}  // namespace yika
