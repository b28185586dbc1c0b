// Merchants (特约商户), their stores and terminals, and merchant groups (acceptance scopes).
// A merchant's initial fee terms are set when it is created; later changes go through
// maker-checker (POST /v1/merchants/{id}/fee-change, approvals_api.cpp).

#include "crypto/hex.h"
#include "crypto/terminal_keys.h"

#include "admin_api/admin_http.h"

namespace yika::admin {

namespace {

AdminReply listMerchants(Call& call) {
    auto page = call.page();
    if (!page) return errorReply(page.error());
    auto reader = call.state.readers.acquire();
    auto ids = reader.tx().admin().merchantIds(page->first, page->second);
    std::vector<std::string> items;
    for (MerchantId id : ids) items.push_back(merchantJson(*reader.tx().merchant(id)));
    return jsonReply(200, pageJson(items, ids.empty() ? 0 : ids.back(),
                                   static_cast<std::int64_t>(ids.size()) == page->second));
}

AdminReply getMerchant(Call& call) {
    auto reader = call.state.readers.acquire();
    auto m = reader.tx().merchant(call.param(0));
    if (!m) return errorReply(makeError(ErrorCode::NotFound, "no such merchant"));
    return jsonReply(200, merchantJson(*m));
}

AdminReply createMerchant(Call& call) {
    auto b = call.body();
    if (!b) return errorReply(b.error());
    if (Status s = b->only({"mid", "name", "group_id", "fee_bps", "fee_mode", "settle_days",
                            "bank_name", "bank_account"});
        !s) {
        return errorReply(s.error());
    }
    Merchant m;
    auto text = [&](std::string_view name, std::size_t max, std::string& out) -> Status {
        auto v = b->str(name, max);
        if (!v) return v.error();
        out = *v;
        return Ok{};
    };
    for (auto [name, max, field] :
         {std::tuple{"mid", std::size_t{15}, &m.mid}, std::tuple{"name", std::size_t{100}, &m.name},
          std::tuple{"bank_name", std::size_t{100}, &m.bank_name},
          std::tuple{"bank_account", std::size_t{40}, &m.bank_account}}) {
        if (Status s = text(name, max, *field); !s) return errorReply(s.error());
    }
    auto group = b->optInteger("group_id", 1, INT64_MAX);
    if (!group) return errorReply(group.error());
    auto bps = b->integer("fee_bps", 0, 10'000);
    if (!bps) return errorReply(bps.error());
    auto mode = b->str("fee_mode", 8);
    if (!mode) return errorReply(mode.error());
    if (*mode != "net" && *mode != "gross") {
        return errorReply(
            makeError(ErrorCode::InvalidArgument, "fee_mode: net (内扣) or gross (外收)"));
    }
    auto days = b->optInteger("settle_days", 1, 30);
    if (!days) return errorReply(days.error());
    m.group = *group;
    m.fee_bps = *bps;
    m.fee_mode = *mode == "net" ? FeeMode::Net : FeeMode::Gross;
    m.settle_days = static_cast<int>(days->value_or(1));
    if (Status s = validateMerchant(m); !s) return errorReply(s.error());
    auto id = call.write<MerchantId>([&](StoreTx& tx) -> Result<MerchantId> {
        if (m.group && !tx.admin().merchantGroup(*m.group)) {
            return makeError(ErrorCode::NotFound, "group_id: no such merchant group");
        }
        if (tx.merchantByMid(m.mid)) return makeError(ErrorCode::Duplicate, "mid: already exists");
        MerchantId created = tx.insertMerchant(m);
        call.target = "merchant:" + std::to_string(created);
        return created;
    });
    if (!id) return errorReply(id.error());
    m.id = *id;
    return jsonReply(201, merchantJson(m));
}

AdminReply listStores(Call& call) {
    auto reader = call.state.readers.acquire();
    if (!reader.tx().merchant(call.param(0))) {
        return errorReply(makeError(ErrorCode::NotFound, "no such merchant"));
    }
    std::vector<std::string> items;
    for (const MerchantStore& s : reader.tx().admin().merchantStores(call.param(0))) {
        items.push_back(storeJson(s));
    }
    return jsonReply(200, JsonOut().raw("items", jsonArray(items)).done());
}

AdminReply createStore(Call& call) {
    auto b = call.body();
    if (!b) return errorReply(b.error());
    if (Status s = b->only({"name", "address"}); !s) return errorReply(s.error());
    auto name = b->str("name", 100);
    if (!name) return errorReply(name.error());
    auto address = b->optStr("address", 200);
    if (!address) return errorReply(address.error());
    MerchantStore store{0, call.param(0), *name, *address};
    if (Status s = validateStore(store); !s) return errorReply(s.error());
    auto id = call.write<StoreId>([&](StoreTx& tx) -> Result<StoreId> {
        if (!tx.merchant(store.merchant_id)) {
            return makeError(ErrorCode::NotFound, "no such merchant");
        }
        StoreId created = tx.insertMerchantStore(store);
        call.target = "store:" + std::to_string(created);
        return created;
    });
    if (!id) return errorReply(id.error());
    store.id = *id;
    return jsonReply(201, storeJson(store));
}

AdminReply listTerminals(Call& call) {
    auto page = call.page();
    if (!page) return errorReply(page.error());
    auto merchant = call.queryInt("merchant_id", 1, INT64_MAX, 0);
    if (!merchant) return errorReply(merchant.error());
    auto reader = call.state.readers.acquire();
    auto ids = reader.tx().admin().terminalIds(
        *merchant ? std::optional<MerchantId>(*merchant) : std::nullopt, page->first, page->second);
    std::vector<std::string> items;
    for (TerminalId id : ids) items.push_back(terminalJson(*reader.tx().terminal(id)));
    return jsonReply(200, pageJson(items, ids.empty() ? 0 : ids.back(),
                                   static_cast<std::int64_t>(ids.size()) == page->second));
}

AdminReply getTerminal(Call& call) {
    auto reader = call.state.readers.acquire();
    auto t = reader.tx().terminal(call.param(0));
    if (!t) return errorReply(makeError(ErrorCode::NotFound, "no such terminal"));
    return jsonReply(200, terminalJson(*t));
}

AdminReply createTerminal(Call& call) {
    auto b = call.body();
    if (!b) return errorReply(b.error());
    if (Status s = b->only({"merchant_id", "tid", "store_id"}); !s) return errorReply(s.error());
    auto merchant = b->integer("merchant_id", 1, INT64_MAX);
    if (!merchant) return errorReply(merchant.error());
    auto tid = b->str("tid", 8);
    if (!tid) return errorReply(tid.error());
    auto store = b->optInteger("store_id", 1, INT64_MAX);
    if (!store) return errorReply(store.error());
    if (Status s = validateTid(*tid); !s) return errorReply(s.error());
    crypto::SecureBuffer tmk = crypto::generateTerminalMasterKey();
    Terminal terminal;
    terminal.tid = *tid;
    terminal.merchant_id = *merchant;
    terminal.store_id = *store;
    terminal.tmk_wrapped = crypto::wrapTerminalMasterKey(call.state.deps.keys, tmk.span(), *tid);
    auto id = call.write<TerminalId>([&](StoreTx& tx) -> Result<TerminalId> {
        if (!tx.merchant(*merchant)) {
            return makeError(ErrorCode::NotFound, "merchant_id: no such merchant");
        }
        if (*store) {
            auto s = tx.admin().merchantStore(**store);
            if (!s || s->merchant_id != *merchant) {
                return makeError(ErrorCode::NotFound, "store_id: no such store of this merchant");
            }
        }
        if (tx.terminalByTid(*tid)) return makeError(ErrorCode::Duplicate, "tid: already exists");
        TerminalId created = tx.insertTerminal(terminal);
        call.target = "terminal:" + std::to_string(created);
        call.detail = "tid " + *tid;  // never the key
        return created;
    });
    if (!id) return errorReply(id.error());
    terminal.id = *id;
    if (call.state.options.on_terminal_added) call.state.options.on_terminal_added(*tid);
    // The one answer that carries a key: the terminal master key, for injection into the device.
    // It is not stored in clear, not logged, and cannot be shown again.
    return jsonReply(
        201, JsonOut()
                 .raw("terminal", terminalJson(terminal))
                 .str("terminal_master_key_hex", crypto::toHex(tmk.span()))
                 .str("key_check_value_hex", crypto::toHex(crypto::keyCheckValue(tmk.span())))
                 .done());
}

AdminReply listGroups(Call& call) {
    auto reader = call.state.readers.acquire();
    std::vector<std::string> items;
    for (const MerchantGroup& g : reader.tx().admin().merchantGroups()) {
        items.push_back(groupJson(g));
    }
    return jsonReply(200, JsonOut().raw("items", jsonArray(items)).done());
}

AdminReply createGroup(Call& call) {
    auto b = call.body();
    if (!b) return errorReply(b.error());
    if (Status s = b->only({"code", "name"}); !s) return errorReply(s.error());
    auto code = b->str("code", 32);
    if (!code) return errorReply(code.error());
    auto name = b->str("name", 100);
    if (!name) return errorReply(name.error());
    auto id = call.write<MerchantGroupId>([&](StoreTx& tx) -> Result<MerchantGroupId> {
        for (const MerchantGroup& g : tx.admin().merchantGroups()) {
            if (g.code == *code) return makeError(ErrorCode::Duplicate, "code: already exists");
        }
        MerchantGroupId created = tx.insertMerchantGroup(*code, *name);
        call.target = "merchant_group:" + std::to_string(created);
        return created;
    });
    if (!id) return errorReply(id.error());
    return jsonReply(201, groupJson(MerchantGroup{*id, *code, *name}));
}

}  // namespace

void addMerchantRoutes(std::vector<Route>& r) {
    using P = Permission;
    constexpr Access kP = Access::Permission;
    r.push_back({"GET", "/v1/merchants", kP, P::Read, "merchant.list", listMerchants});
    r.push_back({"POST", "/v1/merchants", kP, P::MerchantWrite, "merchant.create", createMerchant});
    r.push_back({"GET", "/v1/merchants/{id}", kP, P::Read, "merchant.read", getMerchant});
    r.push_back({"GET", "/v1/merchants/{id}/stores", kP, P::Read, "store.list", listStores});
    r.push_back(
        {"POST", "/v1/merchants/{id}/stores", kP, P::MerchantWrite, "store.create", createStore});
    r.push_back({"GET", "/v1/terminals", kP, P::Read, "terminal.list", listTerminals});
    r.push_back({"POST", "/v1/terminals", kP, P::TerminalWrite, "terminal.create", createTerminal});
    r.push_back({"GET", "/v1/terminals/{id}", kP, P::Read, "terminal.read", getTerminal});
    r.push_back({"GET", "/v1/merchant-groups", kP, P::Read, "merchant_group.list", listGroups});
    r.push_back({"POST", "/v1/merchant-groups", kP, P::MerchantWrite, "merchant_group.create",
                 createGroup});
}

}  // namespace yika::admin
