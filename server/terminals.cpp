#include "server/terminals.h"

#include "crypto/hex.h"
#include "crypto/terminal_keys.h"
#include "server/args.h"

#include <cstdio>

namespace yika::server {

Result<RegisteredTerminal> registerTerminal(Runtime& rt, const std::string& mid,
                                            const std::string& tid,
                                            const std::optional<std::string>& store_name) {
    YIKA_TRY(validateTid(tid));
    crypto::SecureBuffer tmk = crypto::generateTerminalMasterKey();
    Terminal terminal;
    terminal.tid = tid;
    terminal.tmk_wrapped = crypto::wrapTerminalMasterKey(rt.keys, tmk.span(), tid);
    auto id = rt.store->writer().run<TerminalId>([&](StoreTx& tx) -> Result<TerminalId> {
        auto merchant = tx.merchantByMid(mid);
        if (!merchant) return makeError(ErrorCode::NotFound, "no merchant with MID " + mid);
        if (tx.terminalByTid(tid))
            return makeError(ErrorCode::Duplicate, "terminal " + tid + " exists");
        terminal.merchant_id = merchant->id;
        if (store_name) {
            MerchantStore store{0, merchant->id, *store_name, ""};
            YIKA_TRY(validateStore(store));
            terminal.store_id = tx.insertMerchantStore(store);
        }
        return tx.insertTerminal(terminal);
    });
    if (!id) return id.error();
    auto kcv = crypto::keyCheckValue(tmk.span());
    return RegisteredTerminal{*id, tid, mid, crypto::toHex(tmk.span()), crypto::toHex(kcv)};
}

int runTerminal(const std::vector<std::string>& argv) {
    if (argv.empty() || argv[0] != "add") {
        std::fputs("usage: yikad terminal add --data DIR --mid MID --tid TID [--store NAME]\n",
                   stderr);
        return 2;
    }
    Args args(std::vector<std::string>(argv.begin() + 1, argv.end()),
              {"--data", "--mid", "--tid", "--store"}, {});
    if (!args.ok()) {
        std::fprintf(stderr, "yikad: %s\n", args.error().c_str());
        return 2;
    }
    if (!args.value("--data") || !args.value("--mid") || !args.value("--tid")) {
        std::fputs("yikad: terminal add needs --data, --mid and --tid\n", stderr);
        return 2;
    }
    auto rt = openRuntime(*args.value("--data"));
    if (!rt) {
        std::fprintf(stderr, "yikad: %s\n", rt.error().detail.c_str());
        return 1;
    }
    auto added =
        registerTerminal(**rt, *args.value("--mid"), *args.value("--tid"), args.value("--store"));
    if (!added) {
        std::fprintf(stderr, "yikad: %s: %s\n", std::string(toString(added.code())).c_str(),
                     added.error().detail.c_str());
        return 1;
    }
    std::printf(
        "terminal %s registered for merchant %s\n"
        "terminal master key (shown once, inject it into the device): %s\n"
        "key check value: %s\n",
        added->tid.c_str(), added->mid.c_str(), added->tmk_hex.c_str(), added->kcv_hex.c_str());
    return 0;
}

}  // namespace yika::server
