#include "terminal_api/http/request_signature.h"

#include "crypto/hex.h"

#include <Poco/DigestEngine.h>
#include <Poco/HMACEngine.h>
#include <Poco/SHA2Engine.h>
#include <gtest/gtest.h>

#include <cctype>
#include <vector>

namespace yika::http {
namespace {

// The worked example of docs/openapi.yaml ("Signing requests"); change both together.
constexpr std::string_view kExampleTid = "10000001";
constexpr std::string_view kExampleTmkHex = "00112233445566778899aabbccddeeff";
constexpr std::string_view kExampleTimestamp = "1772416800000";
constexpr std::string_view kExampleNonce = "3f9c1b7e2a5d4c8f9e0b1a2c3d4e5f60";
constexpr std::string_view kExamplePath = "/v1/terminal/purchase";
constexpr std::string_view kExampleBody =
    R"({"pan":"6214839000000000017","amount_minor":1250,"currency":"CNY"})";

std::vector<std::uint8_t> exampleTmk() { return *crypto::fromHex(kExampleTmkHex); }

TEST(RequestSignature, WorkedExampleOfTheDocument) {
    HttpKey key = deriveHttpKey(exampleTmk(), kExampleTid);
    std::string canonical =
        canonicalRequest("POST", kExamplePath, kExampleTimestamp, kExampleNonce, kExampleBody);
    std::string signature = signCanonical(key, canonical);
    // The same values come out of `openssl dgst -sha256 -mac HMAC` (the document shows how).
    EXPECT_EQ(crypto::toHex(key),
              "bc498904caba9a4f91b3f7fa8e83a0ed0b189c42a25c2b981a8e319c6a734d41");
    EXPECT_EQ(bodyDigestHex(kExampleBody),
              "26875a88b55ea5a123f1e33c4d519a8a39349020b9b9edbdc921bbaf68a21751");
    EXPECT_EQ(signature, "d77d8f290be9166fbfa58fbf1bf2c04d7a3a9ff8d6e2dcf220bef81c89f53c38");
    EXPECT_TRUE(verifySignature(key, canonical, signature));
}

TEST(RequestSignature, CanonicalStringHasFiveLines) {
    EXPECT_EQ(canonicalRequest("POST", "/p", "1", "n", ""),
              "POST\n/p\n1\nn\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(RequestSignature, BodyDigestIsSha256) {
    EXPECT_EQ(bodyDigestHex("abc"),
              "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

// Cross-checks libsodium against an independent HMAC-SHA256 (Poco's), as a terminal vendor's
// implementation would be.
struct Sha256Engine : Poco::SHA2Engine {
    enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };  // what Poco::HMACEngine needs to know
    Sha256Engine() : Poco::SHA2Engine(Poco::SHA2Engine::SHA_256) {}
};

std::string pocoHmacHex(const std::vector<std::uint8_t>& key, std::string_view input) {
    Poco::HMACEngine<Sha256Engine> hmac(
        std::string(reinterpret_cast<const char*>(key.data()), key.size()));
    hmac.update(input.data(), static_cast<unsigned>(input.size()));
    return Poco::DigestEngine::digestToHex(hmac.digest());
}

TEST(RequestSignature, HttpKeyAndSignatureMatchAnIndependentHmac) {
    std::vector<std::uint8_t> tmk = exampleTmk();
    HttpKey key = deriveHttpKey(tmk, kExampleTid);
    EXPECT_EQ(crypto::toHex(key),
              pocoHmacHex(tmk, std::string(kHttpKeyLabel) + std::string(kExampleTid)));
    std::string canonical = canonicalRequest("POST", "/p", "1", "n", "{}");
    EXPECT_EQ(signCanonical(key, canonical),
              pocoHmacHex(std::vector<std::uint8_t>(key.begin(), key.end()), canonical));
    EXPECT_NE(deriveHttpKey(tmk, "10000001"), deriveHttpKey(tmk, "10000002"));
    std::vector<std::uint8_t> other = tmk;
    other[0] ^= 1;
    EXPECT_NE(deriveHttpKey(tmk, "10000001"), deriveHttpKey(other, "10000001"));
}

TEST(RequestSignature, VerifyAcceptsUpperCaseAndRefusesAnythingElse) {
    HttpKey key = deriveHttpKey(exampleTmk(), kExampleTid);
    std::string canonical = canonicalRequest("POST", "/p", "1", "n", "{}");
    std::string signature = signCanonical(key, canonical);
    std::string upper = signature;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    EXPECT_TRUE(verifySignature(key, canonical, upper));
    std::string flipped = signature;
    flipped[10] = flipped[10] == '0' ? '1' : '0';
    EXPECT_FALSE(verifySignature(key, canonical, flipped));
    EXPECT_FALSE(verifySignature(key, canonical, signature.substr(0, 63)));
    EXPECT_FALSE(verifySignature(key, canonical, signature + "0"));
    EXPECT_FALSE(verifySignature(key, canonical, ""));
    EXPECT_FALSE(verifySignature(key, canonical, std::string(64, 'g')));
    EXPECT_FALSE(verifySignature(key, canonicalRequest("POST", "/p", "1", "n", "{ }"), signature));
    EXPECT_FALSE(verifySignature(key, canonicalRequest("POST", "/p", "2", "n", "{}"), signature));
}

}  // namespace
}  // namespace yika::http
