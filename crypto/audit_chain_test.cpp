// The audit chain hash: keyed, bound to the previous hash and the content, verifiable after a
// key rotation only with the key that made it.

#include "crypto/audit_chain.h"

#include <gtest/gtest.h>

namespace yika::crypto {
namespace {

TEST(SodiumAuditChain, LinksVerifyAndAnyChangeBreaksThem) {
    KeyRing keys = KeyRing::generate();
    SodiumAuditChain chain(keys);
    Bytes genesis = auditGenesisHash();
    Bytes h1 = chain.link(genesis, "row one");
    ASSERT_EQ(h1.size(), kAuditHashBytes);
    EXPECT_TRUE(chain.verifyLink(genesis, "row one", h1));
    EXPECT_FALSE(chain.verifyLink(genesis, "row 0ne", h1));  // content changed
    Bytes other_prev = genesis;
    other_prev[0] = 1;
    EXPECT_FALSE(chain.verifyLink(other_prev, "row one", h1));  // previous hash changed
    Bytes forged = h1;
    forged.back() ^= 1;
    EXPECT_FALSE(chain.verifyLink(genesis, "row one", forged));
    EXPECT_FALSE(chain.verifyLink(genesis, "row one", Bytes(3, 0)));  // malformed
    Bytes h2 = chain.link(h1, "row two");
    EXPECT_NE(h1, h2);
    EXPECT_TRUE(chain.verifyLink(h1, "row two", h2));
}

TEST(SodiumAuditChain, AnotherKeyCannotForgeALink) {
    KeyRing keys = KeyRing::generate();
    KeyRing attacker = KeyRing::generate();
    Bytes genesis = auditGenesisHash();
    Bytes forged = SodiumAuditChain(attacker).link(genesis, "row one");
    EXPECT_FALSE(SodiumAuditChain(keys).verifyLink(genesis, "row one", forged));
}

}  // namespace
}  // namespace yika::crypto
