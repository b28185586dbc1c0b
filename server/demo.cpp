// Demo data for `yikad init --demo`: enough of a running business to look at. Every value
// goes through the same domain services as production, so the demo ledger verifies.

#include "card_core/domain/card_service.h"
#include "card_core/domain/issuance.h"
#include "card_core/domain/sales_service.h"
#include "card_core/domain/spend_service.h"
#include "crypto/hex.h"
#include "crypto/seal_key.h"
#include "crypto/sealed_file.h"
#include "server/commands.h"
#include "server/production.h"
#include "server/terminals.h"
#include "terminal_api/http/request_signature.h"

#include <sodium.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>

#include <sys/stat.h>

namespace yika::server {

namespace {

Money cny(std::int64_t yuan) { return Money::fromMinor(yuan * 100, Currency::Cny); }

struct Demo {
    Runtime& rt;
    SystemClock clock;
    store::CommitQueue& writer() { return rt.store->writer(); }

    Result<ProductId> product(CardProduct p) {
        return writer().run<ProductId>(
            [&](StoreTx& tx) { return createProduct(tx, p, rt.config.policies); });
    }

    Result<MerchantId> merchant(std::string mid, std::string name, std::int64_t fee_bps,
                                FeeMode mode, std::optional<MerchantGroupId> group) {
        return writer().run<MerchantId>([&](StoreTx& tx) -> Result<MerchantId> {
            Merchant m;
            m.mid = std::move(mid);
            m.name = std::move(name);
            m.fee_bps = fee_bps;
            m.fee_mode = mode;
            m.group = group;
            m.bank_name = "Demo Bank";
            m.bank_account = "6222000000000000000";
            YIKA_TRY(validateMerchant(m));
            return tx.insertMerchant(m);
        });
    }

    Result<OrderId> sell(SalesOrder order, Payment payment) {
        auto id = writer().run<OrderId>(
            [&](StoreTx& tx) { return createOrder(tx, order, rt.config.policies, clock.nowMs()); });
        if (!id) return id;
        Actor seller{ActorKind::Operator, "demo-sales", Channel::Cli};
        auto order_now = writer().run<SalesOrder>(
            [&](StoreTx& tx) -> Result<SalesOrder> { return *tx.order(*id); });
        payment.amount = order_now->pay_total;
        YIKA_TRY(writer().runStatus([&](StoreTx& tx) {
            return recordPayment(tx, *id, payment, seller, rt.config.policies, clock.nowMs());
        }));
        return id;
    }
};

CardProduct namedProduct(const Policies& policies) {
    CardProduct p = defaultProduct(true, policies.product);
    p.code = "GIFT-NAMED";
    p.name = "Yika named gift card (记名卡)";
    p.bin = "99000101";
    p.pan_length = 19;
    return p;
}

CardProduct anonymousProduct(const Policies& policies) {
    CardProduct p = defaultProduct(false, policies.product);
    p.code = "GIFT-ANON";
    p.name = "Yika anonymous gift card (不记名卡)";
    p.bin = "99000102";
    p.pan_length = 16;
    p.load_amounts = {cny(100), cny(200), cny(500), cny(1000)};
    return p;
}

// Writes "PAN,PIN" for `cards` from the demo manufacturer's sealed files.
Status writeDemoCards(Runtime& rt, const std::vector<CardId>& cards, const std::string& path) {
    auto pair = crypto::readSealSecretKeyFile(rt.paths.manufacturer_secret_key());
    if (!pair) return pair.error();
    std::map<CardId, std::string> records;
    for (int batch = 1; batch <= 3; ++batch) {
        auto plain = crypto::openSealedFile(
            rt.paths.exports_dir() + "/batch-" + std::to_string(batch) + ".sealed",
            pair->public_key, pair->secret_key.span());
        if (!plain) return plain.error();
        std::istringstream lines(*plain);
        std::string line;
        std::getline(lines, line);  // header
        while (std::getline(lines, line)) {
            std::size_t c1 = line.find(',');
            std::size_t c2 = line.find(',', c1 + 1);
            std::size_t c3 = line.find(',', c2 + 1);
            records[std::stoll(line.substr(0, c1))] = line.substr(c1 + 1, c3 - c1 - 1);
        }
        sodium_memzero(plain->data(), plain->size());
    }
    std::ofstream out(path);
    for (CardId id : cards) out << records.at(id) << '\n';
    out.close();
    return out ? Status(Ok{})
               : Status(makeError(ErrorCode::StorageUnavailable, "cannot write " + path));
}

}  // namespace

int loadDemoData(Runtime& rt) {
    Demo demo{rt, {}};
    auto named = demo.product(namedProduct(rt.config.policies));
    auto anonymous = demo.product(anonymousProduct(rt.config.policies));
    auto group = demo.writer().run<MerchantGroupId>([](StoreTx& tx) -> Result<MerchantGroupId> {
        return tx.insertMerchantGroup("BAKERY", "Sunny Bakery stores");
    });
    CardProduct bakery_card = namedProduct(rt.config.policies);
    bakery_card.code = "BAKERY";
    bakery_card.name = "Sunny Bakery prepaid card (single-purpose)";
    bakery_card.bin = "99000103";
    bakery_card.max_balance = cny(2000);
    bakery_card.purchase_max = cny(2000);
    bakery_card.daily_spend_max = cny(2000);
    bakery_card.scope_group = *group;
    auto bakery = demo.product(bakery_card);
    if (!named || !anonymous || !bakery) {
        std::fprintf(stderr, "yikad: demo products failed\n");
        return 1;
    }
    std::vector<MerchantId> merchants;
    merchants.push_back(*demo.merchant("898310048160001", "Huamei Department Store 华美百货", 60,
                                       FeeMode::Net, std::nullopt));
    merchants.push_back(*demo.merchant("898310058120002", "Lianhua Supermarket 联华超市", 38,
                                       FeeMode::Net, std::nullopt));
    merchants.push_back(*demo.merchant("898310070110003", "Jinjiang Hotel 锦江饭店", 80,
                                       FeeMode::Gross, std::nullopt));
    MerchantId bakery_merchant =
        *demo.merchant("898310054110004", "Sunny Bakery 阳光烘焙", 50, FeeMode::Net, *group);

    for (const char* code : {"GIFT-NAMED", "GIFT-ANON", "BAKERY"}) {
        ProduceRequest request{code, 200, "HQ", "alice", "bob", {}, true};
        auto outcome = produceBatch(rt, request, nullptr);
        if (!outcome) {
            std::fprintf(stderr, "yikad: demo batch failed: %s\n", outcome.error().detail.c_str());
            return 1;
        }
    }

    SalesOrder individual;
    individual.buyer = {
        BuyerKind::Individual, "Zhang San 张三", IdType::ResidentIdCard, "11010519491231002X", "",
        "13800000000"};
    individual.lines = {{*named, 2, std::nullopt, std::nullopt, cny(1000)}};
    individual.location = "HQ";
    individual.payment_method = PaymentMethod::Cash;
    SalesOrder company;
    company.buyer = {BuyerKind::Company,   "Demo Technology Co., Ltd. 演示科技有限公司",
                     std::nullopt,         "",
                     "91350100M000100Y43", "Li Si 李四"};
    company.lines = {{*named, 20, std::nullopt, std::nullopt, cny(500)},
                     {*bakery, 10, std::nullopt, std::nullopt, cny(300)}};
    company.location = "HQ";
    company.discount = cny(200);
    company.payment_method = PaymentMethod::BankTransfer;
    company.invoice_wanted = true;
    company.invoice_title = "演示科技有限公司";
    company.invoice_tax_id = "91350100M000100Y43";
    SalesOrder walk_in;
    walk_in.lines = {{*anonymous, 5, std::nullopt, std::nullopt, cny(200)}};
    walk_in.location = "HQ";
    walk_in.payment_method = PaymentMethod::Cash;
    Payment cash{PaymentMethod::Cash, cny(0), "", "", "counter"};
    Payment transfer{PaymentMethod::BankTransfer, cny(0), "Demo Technology Co., Ltd.",
                     "6217000000000000001", "TRF-0001"};
    std::vector<OrderId> orders;
    for (auto [order, payment] :
         {std::pair{individual, cash}, std::pair{company, transfer}, std::pair{walk_in, cash}}) {
        auto id = demo.sell(order, payment);
        if (!id) {
            std::fprintf(stderr, "yikad: demo sale failed: %s\n", id.error().detail.c_str());
            return 1;
        }
        orders.push_back(*id);
    }

    // Some spending: every sold card buys something at a merchant in its scope.
    auto sold =
        demo.writer().run<std::vector<CardId>>([&](StoreTx& tx) -> Result<std::vector<CardId>> {
            std::vector<CardId> ids;
            for (OrderId id : orders) {
                auto order = tx.order(id);
                ids.insert(ids.end(), order->card_ids.begin(), order->card_ids.end());
            }
            return ids;
        });
    int approved = 0;
    std::optional<TxnId> first_purchase;
    for (std::size_t i = 0; i < sold->size(); ++i) {
        auto card = demo.writer().run<Card>(
            [&](StoreTx& tx) -> Result<Card> { return *tx.card((*sold)[i]); });
        MerchantId m =
            card->product_id == *bakery ? bakery_merchant : merchants[i % merchants.size()];
        PurchaseRequest request;
        request.card_id = card->id;
        request.merchant_id = m;
        request.amount = Money::fromMinor(1000 + static_cast<std::int64_t>(i) * 137, Currency::Cny);
        request.idem_key = "demo-purchase-" + std::to_string(i);
        auto txn = demo.writer().run<CardTxn>([&](StoreTx& tx) {
            return purchase(tx, request, rt.pins, rt.config.policies, demo.clock.nowMs());
        });
        if (!txn) {
            std::fprintf(stderr, "yikad: demo purchase failed: %s %s\n",
                         std::string(toString(txn.code())).c_str(), txn.error().detail.c_str());
            return 1;
        }
        if (txn->state == TxnState::Approved) {
            ++approved;
            if (!first_purchase) first_purchase = txn->id;
        }
    }
    if (first_purchase) {
        RefundRequest demo_refund;
        demo_refund.original_id = *first_purchase;
        demo_refund.amount = Money::fromMinor(500, Currency::Cny);
        demo_refund.idem_key = "demo-refund-1";
        auto refunded = demo.writer().run<CardTxn>(
            [&](StoreTx& tx) { return refund(tx, demo_refund, demo.clock.nowMs()); });
        if (!refunded) {
            std::fprintf(stderr, "yikad: demo refund failed: %s\n",
                         refunded.error().detail.c_str());
            return 1;
        }
    }
    // Demo terminals, and demo-only files that let yika-term be tried at once: terminal master
    // keys and the card numbers and PINs of the sold cards. A real issuer never has either file:
    // master keys are shown once at registration, PINs exist only in the sealed file the
    // manufacturer opens.
    std::string demo_dir = rt.paths.dir + "/demo";
    ::mkdir(demo_dir.c_str(), 0700);
    {
        std::ofstream terminals(demo_dir + "/terminals.csv");
        const std::vector<std::pair<std::string, std::string>> tids = {
            {"898310048160001", "10000001"},
            {"898310058120002", "10000002"},
            {"898310070110003", "10000003"},
            {"898310054110004", "10000004"}};
        for (const auto& [mid, tid] : tids) {
            auto t = registerTerminal(rt, mid, tid, std::string("Demo store ") + tid);
            if (!t) {
                std::fprintf(stderr, "yikad: demo terminal failed: %s\n", t.error().detail.c_str());
                return 1;
            }
            terminals << t->tid << ',' << t->mid << ',' << t->tmk_hex << '\n';
        }
    }
    // --- online accounts (issue 4): a web shop of Huamei, signing as its HTTP terminal WEBSHOP1.
    // DATA/demo/shop.csv holds TID,MID,hex HTTP key (the shop's API secret; never printed).
    {
        auto shop = registerTerminal(rt, "898310048160001", "WEBSHOP1", "Demo web shop");
        auto tmk = shop ? crypto::fromHex(shop->tmk_hex) : std::nullopt;
        if (!shop || !tmk) {
            std::fprintf(stderr, "yikad: demo web shop failed\n");
            return 1;
        }
        http::HttpKey key = http::deriveHttpKey(*tmk, shop->tid);
        std::ofstream shops(demo_dir + "/shop.csv");
        shops << shop->tid << ',' << shop->mid << ',' << crypto::toHex(key) << '\n';
    }
    if (Status s = writeDemoCards(rt, *sold, demo_dir + "/cards.csv"); !s) {
        std::fprintf(stderr, "yikad: demo cards file failed: %s\n", s.error().detail.c_str());
        return 1;
    }
    auto report = rt.store->verify();
    std::printf(
        "demo data: 3 products, 4 merchants with a terminal each, 600 cards produced, %zu sold "
        "in 3 orders, %d purchases and 1 refund; ledger invariants %s\n"
        "demo-only files: %s/terminals.csv (TID,MID,master key), %s/cards.csv "
        "(card number,PIN of the sold cards) and shop.csv (web shop TID,MID,HTTP key)\n",
        sold->size(), approved, report.ok() ? "hold" : "VIOLATED", demo_dir.c_str(),
        demo_dir.c_str());
    if (!report.ok()) std::fputs(report.summary().c_str(), stderr);
    return report.ok() ? 0 : 1;
}

}  // namespace yika::server
