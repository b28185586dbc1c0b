#include "admin_api/bootstrap.h"

#include "card_core/domain/admin_store.h"
#include "crypto/audit_chain.h"

namespace yika::admin {

std::string generateOneTimePassword(RandomSource& random) {
    static constexpr std::string_view kAlphabet =
        "23456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    std::string out;
    for (std::size_t i = 0; i < kOneTimePasswordChars; ++i) {
        out += kAlphabet[random.uniform(static_cast<std::uint32_t>(kAlphabet.size()))];
    }
    return out;
}

Result<FirstAdministrator> createFirstAdministrator(store::CommitQueue& writer,
                                                    const crypto::KeyRing& keys,
                                                    RandomSource& random, const Clock& clock,
                                                    const std::string& name,
                                                    crypto::PasswordCost cost) {
    YIKA_TRY(validateOperatorName(name));
    std::string password = generateOneTimePassword(random);
    Operator op;
    op.name = name;
    op.display_name = "Administrator";
    op.role = Role::Administrator;
    op.password_hash = crypto::hashPassword(password, cost);
    op.must_change_password = true;
    op.created_by = "yikad init";
    op.created_at_ms = clock.nowMs();
    crypto::SodiumAuditChain chain(keys);
    auto id = writer.run<OperatorId>([&](StoreTx& tx) -> Result<OperatorId> {
        if (tx.admin().operatorCount() > 0) {
            return makeError(ErrorCode::NotPermitted, "operators exist already");
        }
        OperatorId created = tx.admin().insertOperator(op);
        AuditRecord record;
        record.at_ms = op.created_at_ms;
        record.actor = "yikad init";
        record.action = "operator.create";
        record.target = "operator:" + std::to_string(created);
        record.outcome = "ok";
        record.detail = "first administrator " + name;
        appendAudit(tx, chain, record);
        return created;
    });
    if (!id) return id.error();
    return FirstAdministrator{name, password};
}

}  // namespace yika::admin
