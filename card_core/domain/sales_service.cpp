#include "card_core/domain/sales_service.h"

#include "card_core/domain/postings.h"

namespace yika {

namespace {

Result<std::vector<CardProduct>> productsOf(StoreTx& tx, const SalesOrder& order) {
    std::vector<CardProduct> products;
    for (const OrderLine& line : order.lines) {
        auto product = tx.product(line.product_id);
        if (!product) return makeError(ErrorCode::NotFound, "lines: unknown product");
        products.push_back(std::move(*product));
    }
    return products;
}

Status reserveStock(StoreTx& tx, SalesOrder& order) {
    order.card_ids.clear();
    for (const OrderLine& line : order.lines) {
        std::vector<CardId> ids =
            line.first_card_id
                ? tx.freeStockRange(line.product_id, *line.first_card_id, *line.last_card_id)
                : tx.freeStock(line.product_id, order.location, line.count);
        if (static_cast<std::int64_t>(ids.size()) != line.count) {
            return makeError(ErrorCode::NotPermitted, "only " + std::to_string(ids.size()) +
                                                          " of " + std::to_string(line.count) +
                                                          " requested cards are free in stock");
        }
        order.card_ids.insert(order.card_ids.end(), ids.begin(), ids.end());
    }
    return Ok{};
}

Money loadOfCard(const SalesOrder& order, std::size_t card_index) {
    std::size_t seen = 0;
    for (const OrderLine& line : order.lines) {
        seen += static_cast<std::size_t>(line.count);
        if (card_index < seen) return line.load_each;
    }
    YIKA_ASSERT(false);
    return Money::zero(Currency::Cny);
}

}  // namespace

Result<OrderId> createOrder(StoreTx& tx, SalesOrder order, const Policies& policies,
                            TimestampMs now_ms) {
    auto products = productsOf(tx, order);
    if (!products) return products.error();
    YIKA_TRY(priceAndValidateOrder(order, *products, policies.sale));
    YIKA_TRY(reserveStock(tx, order));
    order.state = OrderState::PendingPayment;
    order.created_at_ms = now_ms;
    std::string key = buyerKey(order.buyer);
    if (!key.empty() && inStructuringBand(order.pay_total, policies.sale)) {
        Money top = policies.sale.realname_threshold;
        Money bottom = *top.minus(policies.sale.structuring_band);
        int earlier = tx.countOrdersInBand(key, tx.businessDate(), bottom, top);
        order.structuring_flag = earlier + 1 >= policies.sale.structuring_count;
    }
    OrderId id = tx.insertOrder(order);
    tx.reserveCards(order.card_ids, id);
    return id;
}

Status recordPayment(StoreTx& tx, OrderId id, const Payment& payment, const Actor& actor,
                     const Policies& policies, TimestampMs now_ms) {
    auto order = tx.order(id);
    if (!order) return makeError(ErrorCode::NotFound, "unknown order");
    YIKA_TRY(validatePayment(*order, payment, policies.sale));
    Date today = tx.businessDate();
    std::string key = buyerKey(order->buyer);
    EntryBuilder entry("sale", orderEventKey(id), today, now_ms);
    entry.debit(account(AccountCode::ReserveFund), order->pay_total)
        .debit(account(AccountCode::SalesDiscount), order->discount)
        .memo("sales order " + std::to_string(id));
    for (std::size_t i = 0; i < order->card_ids.size(); ++i) {
        auto card = tx.card(order->card_ids[i]);
        YIKA_ASSERT(card && card->order_id == id);  // reservation is exclusive
        auto product = tx.product(card->product_id);
        YIKA_ASSERT(product.has_value());
        CardState from = card->state;
        YIKA_TRY(transition(*card, CardState::Active));
        card->balance = loadOfCard(*order, i);
        card->buyer_key = key;
        card->activated_on = today;
        if (product->validity_months > 0) card->expiry = today.plusMonths(product->validity_months);
        tx.updateCard(*card);
        tx.insertCardEvent(
            {card->id, from, CardState::Active, actor, std::string(reason::kSold), now_ms});
        entry.credit(cardAccount(card->id), card->balance);
    }
    auto built = std::move(entry).build();
    if (!built) return built.error();
    auto posted = post(tx, *built);
    if (!posted) return posted.error();
    tx.insertPayment(id, payment, now_ms);
    order->state = OrderState::Paid;
    order->paid_at_ms = now_ms;
    order->business_date = today;
    tx.updateOrder(*order);
    return Ok{};
}

Status cancelOrder(StoreTx& tx, OrderId id) {
    auto order = tx.order(id);
    if (!order) return makeError(ErrorCode::NotFound, "unknown order");
    if (order->state != OrderState::PendingPayment) {
        return makeError(ErrorCode::IllegalTransition, "only an unpaid order can be cancelled");
    }
    tx.reserveCards(order->card_ids, std::nullopt);
    order->state = OrderState::Cancelled;
    tx.updateOrder(*order);
    return Ok{};
}

}  // namespace yika
