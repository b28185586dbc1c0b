// `yikad bench-setup`: a data folder ready for load tests. Produces and sells N named cards of a
// benchmark product (loaded to 5,000.00 each, limits wide open), registers K terminals of one
// benchmark merchant, and writes the demo-only files the load generator reads:
// DATA/demo/bench-cards.csv (card number,PIN) and DATA/demo/bench-terminals.csv (TID,MID,TMK).
// Needs a folder made with `yikad init --demo` (the demo manufacturer key opens the sealed file).

#include "card_core/domain/issuance.h"
#include "card_core/domain/sales_service.h"
#include "crypto/seal_key.h"
#include "crypto/sealed_file.h"
#include "server/args.h"
#include "server/commands.h"
#include "server/production.h"
#include "server/terminals.h"

#include <sodium.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sstream>

#include <malloc.h>
#include <sys/stat.h>

namespace yika::server {

namespace {

int fail(const std::string& what) {
    std::fprintf(stderr, "yikad bench-setup: %s\n", what.c_str());
    return 1;
}

Status sellAll(Runtime& rt, ProductId product, std::int64_t count, const Clock& clock) {
    constexpr std::int64_t kOrderCards = 50'000;
    Money load = Money::fromMinor(500'000, Currency::Cny);
    for (std::int64_t sold = 0; sold < count; sold += kOrderCards) {
        SalesOrder order;
        order.buyer = {
            BuyerKind::Company, "Benchmark Co.", std::nullopt, "", "91350100M000100Y43", ""};
        order.lines = {
            {product, std::min(kOrderCards, count - sold), std::nullopt, std::nullopt, load}};
        order.location = "BENCH";
        order.payment_method = PaymentMethod::BankTransfer;
        Policies policies = rt.config.policies;
        policies.sale.order_cards_max = kOrderCards;
        auto id = rt.store->writer().run<OrderId>(
            [&](StoreTx& tx) { return createOrder(tx, order, policies, clock.nowMs()); });
        if (!id) return id.error();
        auto pay = rt.store->writer().run<Money>(
            [&](StoreTx& tx) -> Result<Money> { return tx.order(*id)->pay_total; });
        Payment payment{PaymentMethod::BankTransfer, *pay, "Benchmark Co.", "6217000000000000009",
                        "BENCH"};
        Actor seller{ActorKind::Operator, "bench", Channel::Cli};
        YIKA_TRY(rt.store->writer().runStatus([&](StoreTx& tx) {
            return recordPayment(tx, *id, payment, seller, policies, clock.nowMs());
        }));
    }
    return Ok{};
}

Status writeCards(Runtime& rt, const std::string& sealed, const std::string& path) {
    auto pair = crypto::readSealSecretKeyFile(rt.paths.manufacturer_secret_key());
    if (!pair) return pair.error();
    auto reader = crypto::SealedFileReader::open(sealed, pair->public_key, pair->secret_key.span());
    if (!reader) return reader.error();
    std::ofstream out(path);
    std::string chunk;
    std::string carry;
    bool header = true;
    for (;;) {
        auto more = reader->next(chunk);
        if (!more) return more.error();
        if (!*more) break;
        carry += chunk;
        std::size_t start = 0;
        for (std::size_t nl; (nl = carry.find('\n', start)) != std::string::npos; start = nl + 1) {
            std::string_view line(carry.data() + start, nl - start);
            if (header) {
                header = false;
                continue;
            }
            std::size_t c1 = line.find(',');
            std::size_t c3 = line.find(',', line.find(',', c1 + 1) + 1);
            out << line.substr(c1 + 1, c3 - c1 - 1) << '\n';
        }
        carry.erase(0, start);
        sodium_memzero(chunk.data(), chunk.size());
    }
    out.close();
    return out ? Status(Ok{})
               : Status(makeError(ErrorCode::StorageUnavailable, "cannot write " + path));
}

}  // namespace

int runBenchSetup(const std::vector<std::string>& argv) {
    Args args(argv, {"--data", "--cards", "--terminals"}, {});
    if (!args.ok() || !args.value("--data"))
        return fail(args.ok() ? "needs --data DIR" : args.error());
    std::int64_t cards = std::stoll(args.value("--cards").value_or("100000"));
    std::int64_t terminals = std::stoll(args.value("--terminals").value_or("100"));
    if (cards <= 0 || cards > 10'000'000 || terminals <= 0 || terminals > 100'000) {
        return fail("--cards 1-10000000, --terminals 1-100000");
    }
    ::mallopt(M_TRIM_THRESHOLD, 512 << 20);
    auto opened = openRuntime(*args.value("--data"), false, [](Config& c) {
        c.store.cache_pages = std::max(c.store.cache_pages, c.batch_cache_pages);
    });
    if (!opened) return fail(opened.error().detail);
    Runtime& rt = **opened;
    SystemClock clock;
    auto started = std::chrono::steady_clock::now();

    CardProduct product = defaultProduct(true, rt.config.policies.product);
    product.code = "BENCH";
    product.name = "Benchmark named card";
    product.bin = "99000199";
    product.daily_spend_max = product.max_balance;
    product.daily_count_max = 100000;
    product.pin_threshold_daily = product.max_balance;
    auto product_id = rt.store->writer().run<ProductId>(
        [&](StoreTx& tx) { return createProduct(tx, product, rt.config.policies); });
    if (!product_id) return fail(product_id.error().detail);
    auto merchant = rt.store->writer().run<MerchantId>([&](StoreTx& tx) -> Result<MerchantId> {
        Merchant m;
        m.mid = "898310099990001";
        m.name = "Benchmark merchant";
        m.fee_bps = 50;
        return tx.insertMerchant(m);
    });
    if (!merchant) return fail(merchant.error().detail);

    ProduceRequest request{"BENCH", cards, "BENCH", "bench-maker", "bench-checker", {}, true};
    auto produced = produceBatch(rt, request, nullptr);
    if (!produced) return fail(produced.error().detail);
    if (Status sold = sellAll(rt, *product_id, cards, clock); !sold)
        return fail(sold.error().detail);

    std::string demo_dir = rt.paths.dir + "/demo";
    ::mkdir(demo_dir.c_str(), 0700);
    if (Status w = writeCards(rt, produced->sealed_file, demo_dir + "/bench-cards.csv"); !w) {
        return fail(w.error().detail);
    }
    std::ofstream out(demo_dir + "/bench-terminals.csv");
    for (std::int64_t i = 0; i < terminals; ++i) {
        char tid[16];
        std::snprintf(tid, sizeof tid, "B%07lld", static_cast<long long>(i + 1));
        auto t = registerTerminal(rt, "898310099990001", tid, std::nullopt);
        if (!t) return fail(t.error().detail);
        out << t->tid << ',' << t->mid << ',' << t->tmk_hex << '\n';
    }
    out.close();
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    std::printf(
        "bench-setup: %lld cards sold at 5,000.00, %lld terminals, in %.1f s; files "
        "%s/bench-cards.csv "
        "and %s/bench-terminals.csv\n",
        static_cast<long long>(cards), static_cast<long long>(terminals), seconds, demo_dir.c_str(),
        demo_dir.c_str());
    return 0;
}

}  // namespace yika::server
