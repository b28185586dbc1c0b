// Known-answer tests: the libsodium primitives under this module reproduce the published
// vectors, so a miscompiled or substituted libsodium is caught before it writes data.

#include "crypto/hex.h"
#include "crypto/random.h"
#include "crypto/test_support.h"

#include <gtest/gtest.h>
#include <sodium.h>

#include <string_view>

namespace yika::crypto {
namespace {

using testing::sequence;

Bytes unhex(std::string_view hex) {
    auto bytes = fromHex(hex);
    EXPECT_TRUE(bytes.has_value()) << hex;
    return bytes.value_or(Bytes{});
}

Bytes keyedBlake2b512(const Bytes& key, const Bytes& input) {
    Bytes out(crypto_generichash_BYTES_MAX);
    EXPECT_EQ(crypto_generichash(out.data(), out.size(), input.data(), input.size(), key.data(),
                                 key.size()),
              0);
    return out;
}

// BLAKE2 reference package, testvectors/blake2b-kat.txt: key 00..3f, inputs "" and "00".
TEST(KnownAnswer, KeyedBlake2bMatchesReferenceKat) {
    ensureSodium();
    const Bytes key = sequence(64);
    EXPECT_EQ(toHex(keyedBlake2b512(key, {})),
              "10ebb67700b1868efb4417987acf4690ae9d972fb7a590c2f02871799aaa4786"
              "b5e996e8f0f4eb981fc214b005f42d2ff4233499391653df7aefcbc13fc51568");
    EXPECT_EQ(toHex(keyedBlake2b512(key, {0x00})),
              "961f6dd1e4dd30f63901690c512e78e4b45e4742ed197c3c5e45c549fd25f2e4"
              "187b0bc9fe30492b16b0d0bc4ef9b0f34c7003fac09a5ef1532e69430234cebd");
}

// draft-irtf-cfrg-xchacha-03, Appendix A.3.1 (AEAD_XChaCha20_Poly1305).
struct XChaChaVector {
    std::string_view plaintext =
        "Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the "
        "future, sunscreen would be it.";
    Bytes aad = unhex("50515253c0c1c2c3c4c5c6c7");
    Bytes key = sequence(32, 0x80);
    Bytes nonce = sequence(24, 0x40);
    std::string ciphertext_and_tag =
        "bd6d179d3e83d43b9576579493c0e939572a1700252bfaccbed2902c21396cbb"
        "731c7f1b0b4aa6440bf3a82f4eda7e39ae64c6708c54c216cb96b72e1213b452"
        "2f8c9ba40db5d945b11b69b982c1bb9e3f3fac2bc369488f76b2383565d3fff9"
        "21f9664c97637da9768812f615c68b13b52e"
        "c0875924c1c7987947deafd8780acf49";
};

TEST(KnownAnswer, XChaCha20Poly1305EncryptMatchesDraftVector) {
    ensureSodium();
    const XChaChaVector v;
    Bytes out(v.plaintext.size() + crypto_aead_xchacha20poly1305_ietf_ABYTES);
    unsigned long long out_bytes = 0;
    ASSERT_EQ(
        crypto_aead_xchacha20poly1305_ietf_encrypt(
            out.data(), &out_bytes, reinterpret_cast<const std::uint8_t*>(v.plaintext.data()),
            v.plaintext.size(), v.aad.data(), v.aad.size(), nullptr, v.nonce.data(), v.key.data()),
        0);
    EXPECT_EQ(out_bytes, out.size());
    EXPECT_EQ(toHex(out), v.ciphertext_and_tag);
}

TEST(KnownAnswer, XChaCha20Poly1305DecryptMatchesDraftVector) {
    ensureSodium();
    const XChaChaVector v;
    const Bytes ciphertext = unhex(v.ciphertext_and_tag);
    std::string plaintext(ciphertext.size() - crypto_aead_xchacha20poly1305_ietf_ABYTES, '\0');
    unsigned long long plaintext_bytes = 0;
    ASSERT_EQ(crypto_aead_xchacha20poly1305_ietf_decrypt(
                  reinterpret_cast<std::uint8_t*>(plaintext.data()), &plaintext_bytes, nullptr,
                  ciphertext.data(), ciphertext.size(), v.aad.data(), v.aad.size(), v.nonce.data(),
                  v.key.data()),
              0);
    EXPECT_EQ(plaintext, v.plaintext);
}

}  // namespace
}  // namespace yika::crypto
