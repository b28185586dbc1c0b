// Sales orders (design section 4): create with the sale rules checked (their messages name the
// field), record the payment (every card of the order activates at once), cancel.

#include "card_core/domain/sales_service.h"

#include "admin_api/admin_http.h"

namespace yika::admin {

namespace {

constexpr std::size_t kOrderLinesMax = 50;
constexpr std::size_t kTextMax = 200;

Result<PaymentMethod> methodField(const JsonReader& b, std::string_view name) {
    auto text = b.str(name, 32);
    if (!text) return text.error();
    auto m = paymentMethodFromString(*text);
    if (!m) {
        return makeError(
            ErrorCode::InvalidArgument,
            b.pathOf(name) + ": cash, bank_transfer, pos_debit_card or pos_credit_card");
    }
    return *m;
}

// The sale rules name a line's amount by its domain member ("lines[0].load_each: ..."); the
// request calls it load_each_minor, and the error's field must be the request's path.
Error onTheWire(Error error) {
    constexpr std::string_view kDomain = "].load_each: ";
    if (auto at = error.detail.find(kDomain);
        error.detail.rfind("lines[", 0) == 0 && at != std::string::npos) {
        error.detail.replace(at, kDomain.size(), "].load_each_minor: ");
    }
    return error;
}

Result<OrderLine> readLine(const JsonReader& l, std::int64_t cards_max) {
    YIKA_TRY(l.only({"product_id", "count", "first_card_id", "last_card_id", "load_each_minor"}));
    OrderLine line;
    auto product = l.integer("product_id", 1, INT64_MAX);
    if (!product) return product.error();
    auto count = l.optInteger("count", 1, cards_max);
    if (!count) return count.error();
    auto first = l.optInteger("first_card_id", 1, INT64_MAX);
    if (!first) return first.error();
    auto last = l.optInteger("last_card_id", 1, INT64_MAX);
    if (!last) return last.error();
    auto load = moneyField(l, "load_each_minor", false);
    if (!load) return load.error();
    if (count->has_value() == (first->has_value() || last->has_value()) ||
        first->has_value() != last->has_value()) {
        return makeError(ErrorCode::InvalidArgument,
                         l.pathOf("count") + ": give count, or first_card_id and last_card_id");
    }
    line.product_id = *product;
    line.count = count->value_or(0);
    line.first_card_id = *first;
    line.last_card_id = *last;
    line.load_each = *load;
    return line;
}

Result<SalesOrder> readOrder(const JsonReader& b, const Policies& policies) {
    YIKA_TRY(b.only({"buyer", "lines", "location", "discount_minor", "payment_method",
                     "invoice_wanted", "invoice_title", "invoice_tax_id", "agent"}));
    SalesOrder order;
    auto buyer = buyerField(b, "buyer");
    if (!buyer) return buyer.error();
    order.buyer = std::move(*buyer);
    auto lines = b.objects("lines", kOrderLinesMax);
    if (!lines) return lines.error();
    for (const JsonReader& l : *lines) {
        auto line = readLine(l, policies.sale.order_cards_max);
        if (!line) return line.error();
        order.lines.push_back(*line);
    }
    auto location = b.optStr("location", 64);
    if (!location) return location.error();
    order.location = *location;
    auto discount = b.optInteger("discount_minor", 0, 999'999'999'999);
    if (!discount) return discount.error();
    order.discount = Money::fromMinor(discount->value_or(0), Currency::Cny);
    auto method = methodField(b, "payment_method");
    if (!method) return method.error();
    order.payment_method = *method;
    auto invoice = b.optBool("invoice_wanted", false);
    if (!invoice) return invoice.error();
    order.invoice_wanted = *invoice;
    for (auto [name, field] :
         {std::pair{"invoice_title", &order.invoice_title},
          std::pair{"invoice_tax_id", &order.invoice_tax_id}, std::pair{"agent", &order.agent}}) {
        auto v = b.optStr(name, kTextMax);
        if (!v) return v.error();
        *field = *v;
    }
    return order;
}

std::vector<std::string> warningsOf(const SalesOrder& o) {
    std::vector<std::string> out;
    if (o.structuring_flag) {
        out.push_back(http::jsonString(
            "structuring: this buyer has several purchases just under the real-name line today; "
            "reported to risk / 疑似拆分购卡，已报风控"));
    }
    return out;
}

AdminReply createOrderHandler(Call& call) {
    auto b = call.body();
    if (!b) return errorReply(b.error());
    auto order = readOrder(*b, call.state.deps.policies);
    if (!order) return errorReply(order.error());
    order->created_by = call.op->name;
    auto id = call.write<OrderId>([&](StoreTx& tx) {
        auto created = createOrder(tx, *order, call.state.deps.policies, call.now());
        if (created) call.target = "order:" + std::to_string(*created);
        return created;
    });
    if (!id) return errorReply(onTheWire(id.error()));
    auto reader = call.state.readers.acquire();
    auto stored = reader.tx().order(*id);
    return jsonReply(201, JsonOut()
                              .raw("order", orderJson(*stored))
                              .raw("warnings", jsonArray(warningsOf(*stored)))
                              .done());
}

AdminReply listOrders(Call& call) {
    auto page = call.page();
    if (!page) return errorReply(page.error());
    auto reader = call.state.readers.acquire();
    auto ids = reader.tx().admin().orderIds(page->first, page->second);
    std::vector<std::string> items;
    for (OrderId id : ids) items.push_back(orderJson(*reader.tx().order(id)));
    return jsonReply(200, pageJson(items, ids.empty() ? 0 : ids.back(),
                                   static_cast<std::int64_t>(ids.size()) == page->second));
}

AdminReply getOrder(Call& call) {
    auto reader = call.state.readers.acquire();
    auto o = reader.tx().order(call.param(0));
    if (!o) return errorReply(makeError(ErrorCode::NotFound, "no such order"));
    return jsonReply(
        200,
        JsonOut().raw("order", orderJson(*o)).raw("warnings", jsonArray(warningsOf(*o))).done());
}

AdminReply pay(Call& call) {
    auto b = call.body();
    if (!b) return errorReply(b.error());
    if (Status s = b->only({"method", "amount_minor", "payer_name", "payer_account", "reference"});
        !s) {
        return errorReply(s.error());
    }
    Payment payment;
    auto method = methodField(*b, "method");
    if (!method) return errorReply(method.error());
    auto amount = moneyField(*b, "amount_minor", false);
    if (!amount) return errorReply(amount.error());
    payment.method = *method;
    payment.amount = *amount;
    for (auto [name, field] : {std::pair{"payer_name", &payment.payer_name},
                               std::pair{"payer_account", &payment.payer_account},
                               std::pair{"reference", &payment.reference}}) {
        auto v = b->optStr(name, kTextMax);
        if (!v) return errorReply(v.error());
        *field = *v;
    }
    OrderId id = call.param(0);
    call.target = "order:" + std::to_string(id);
    call.detail = std::string(toString(payment.method)) + " " + payment.amount.toDecimal();
    auto done = call.write<Ok>([&](StoreTx& tx) -> Result<Ok> {
        YIKA_TRY(
            recordPayment(tx, id, payment, call.actor(), call.state.deps.policies, call.now()));
        return Ok{};
    });
    if (!done) return errorReply(done.error());
    auto reader = call.state.readers.acquire();
    auto o = reader.tx().order(id);
    return jsonReply(200, JsonOut()
                              .raw("order", orderJson(*o))
                              .num("activated_cards", static_cast<std::int64_t>(o->card_ids.size()))
                              .done());
}

AdminReply cancel(Call& call) {
    OrderId id = call.param(0);
    call.target = "order:" + std::to_string(id);
    auto done = call.write<Ok>([&](StoreTx& tx) -> Result<Ok> {
        YIKA_TRY(cancelOrder(tx, id));
        return Ok{};
    });
    if (!done) return errorReply(done.error());
    auto reader = call.state.readers.acquire();
    return jsonReply(200, JsonOut().raw("order", orderJson(*reader.tx().order(id))).done());
}

}  // namespace

void addSalesRoutes(std::vector<Route>& r) {
    using P = Permission;
    constexpr Access kP = Access::Permission;
    r.push_back({"GET", "/v1/orders", kP, P::Read, "order.list", listOrders});
    r.push_back({"POST", "/v1/orders", kP, P::OrderCreate, "order.create", createOrderHandler});
    r.push_back({"GET", "/v1/orders/{id}", kP, P::Read, "order.read", getOrder});
    r.push_back({"POST", "/v1/orders/{id}/payment", kP, P::OrderPay, "order.pay", pay});
    r.push_back({"POST", "/v1/orders/{id}/cancel", kP, P::OrderCreate, "order.cancel", cancel});
}

}  // namespace yika::admin
