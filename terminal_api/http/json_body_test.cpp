#include "terminal_api/http/json_body.h"

#include <gtest/gtest.h>

#include <string>

namespace yika::http {
namespace {

JsonLimits limits() { return JsonLimits{4, 16, 64}; }

std::string errorOf(std::string_view body) {
    auto r = parseFlatObject(body, limits());
    return r ? std::string("ok") : r.error().detail;
}

TEST(JsonBody, ReadsScalarsByType) {
    auto r = parseFlatObject(
        R"({"s":"text","i":-42,"big":18446744073709551615,"f":1.5,"e":1e3,"b":true,"n":null})",
        limits());
    ASSERT_TRUE(r.ok()) << r.error().detail;
    EXPECT_EQ(r->at("s").type, JsonType::String);
    EXPECT_EQ(r->at("s").text, "text");
    EXPECT_EQ(r->at("i").type, JsonType::Integer);
    EXPECT_EQ(r->at("i").integer, -42);
    EXPECT_EQ(r->at("big").type, JsonType::BigInteger);
    EXPECT_EQ(r->at("f").type, JsonType::Fraction);
    EXPECT_EQ(r->at("e").type, JsonType::Fraction);
    EXPECT_EQ(r->at("b").type, JsonType::Bool);
    EXPECT_EQ(r->at("n").type, JsonType::Null);
}

TEST(JsonBody, KeepsNestedMembersOnlyAsTheirType) {
    auto r = parseFlatObject(R"({"o":{"x":{"y":1}},"a":[1,[2]],"k":1})", limits());
    ASSERT_TRUE(r.ok()) << r.error().detail;
    EXPECT_EQ(r->size(), 3u);
    EXPECT_EQ(r->at("o").type, JsonType::Object);
    EXPECT_EQ(r->at("a").type, JsonType::Array);
    EXPECT_EQ(r->at("k").integer, 1);
}

TEST(JsonBody, RefusesWhatIsNotOneFlatObject) {
    EXPECT_EQ(errorOf("[]"), "body: must be a JSON object");
    EXPECT_EQ(errorOf("\"x\""), "body: must be a JSON object");
    EXPECT_EQ(errorOf("12"), "body: must be a JSON object");
    EXPECT_NE(errorOf(""), "ok");
    EXPECT_NE(errorOf("{} {}"), "ok");
    EXPECT_NE(errorOf("{\"a\":1,}"), "ok");
    EXPECT_NE(errorOf("{\"a\":1 // c\n}"), "ok");
    EXPECT_NE(errorOf(std::string("{\"a\":\"x\0y\"}", 11)), "ok");
    EXPECT_EQ(errorOf("{}"), "ok");
}

TEST(JsonBody, RefusesDuplicatesAndTooManyMembers) {
    EXPECT_EQ(errorOf(R"({"a":1,"a":2})"), "a: given twice");
    std::string many = "{";
    for (int i = 0; i < 17; ++i)
        many += (i ? "," : "") + std::string("\"m") + std::to_string(i) + "\":1";
    EXPECT_EQ(errorOf(many + "}"), "body: more than 16 members");
}

TEST(JsonBody, RefusesLongStringsAndDeepNesting) {
    EXPECT_EQ(errorOf("{\"s\":\"" + std::string(65, 'x') + "\"}"), "s: longer than 64 bytes");
    EXPECT_EQ(errorOf("{\"s\":\"" + std::string(64, 'x') + "\"}"), "ok");
    EXPECT_NE(errorOf(R"({"a":{"b":{"c":{"d":{}}}}})"), "ok");
    std::string deep(10'000, '[');
    EXPECT_NE(errorOf("{\"a\":" + deep + "}"), "ok");
}

TEST(JsonBody, MalformedValueNamesItsMember) {
    std::string e = errorOf(R"({"amount_minor":99999999999999999999999})");
    EXPECT_EQ(e.rfind("amount_minor: malformed value", 0), 0u) << e;
    e = errorOf(R"({"amount_minor":1} x)");
    EXPECT_EQ(e.rfind("body: malformed JSON", 0), 0u) << e;
}

TEST(JsonBody, FieldReadersNameTheField) {
    auto obj = *parseFlatObject(R"({"s":"x","i":7,"f":7.0,"big":18446744073709551615})", limits());
    EXPECT_EQ(stringField(obj, "i", true).error().detail, "i: must be a string, not an integer");
    EXPECT_EQ(stringField(obj, "none", true).error().detail, "none: required");
    EXPECT_FALSE(stringField(obj, "none", false)->has_value());
    EXPECT_EQ(**stringField(obj, "s", true), "x");
    EXPECT_EQ(**integerField(obj, "i", 1, 10, true), 7);
    EXPECT_EQ(integerField(obj, "i", 8, 10, true).error().detail, "i: must be in 8..10");
    EXPECT_EQ(integerField(obj, "f", 1, 10, true).error().detail,
              "f: must be an integer, not a fraction");
    EXPECT_EQ(integerField(obj, "s", 1, 10, true).error().detail,
              "s: must be an integer, not a string");
    EXPECT_EQ(integerField(obj, "big", 1, 10, true).error().detail, "big: must be in 1..10");
    EXPECT_EQ(onlyFields(obj, {"s", "i", "f"}).error().detail, "big: unknown field");
    EXPECT_TRUE(onlyFields(obj, {"s", "i", "f", "big"}).ok());
}

TEST(JsonBody, EchoedNamesArePrintableAndShort) {
    auto obj = parseFlatObject(R"({"\u0001x":1})", limits());
    ASSERT_TRUE(obj.ok());
    EXPECT_EQ(onlyFields(*obj, {"a"}).error().detail, "?x: unknown field");
    auto long_name = parseFlatObject("{\"" + std::string(100, 'n') + "\":1}", limits());
    ASSERT_TRUE(long_name.ok());
    EXPECT_EQ(onlyFields(*long_name, {"a"}).error().detail,
              std::string(64, 'n') + "...: unknown field");
}

}  // namespace
}  // namespace yika::http
