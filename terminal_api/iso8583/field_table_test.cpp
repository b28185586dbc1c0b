#include "terminal_api/iso8583/field_table.h"

#include <gtest/gtest.h>

#include <bit>

namespace yika::iso8583 {
namespace {

TEST(FieldTable, LooksUpEveryDefinedFieldAndNothingElse) {
    int defined = 0;
    for (int number = -1; number <= 70; ++number) {
        const FieldSpec* spec = findFieldSpec(number);
        const bool in_bitmap =
            number >= 1 && number <= 64 && (kDefinedFieldsBitmap & bitmapBit(number)) != 0;
        EXPECT_EQ(spec != nullptr, in_bitmap) << number;
        if (spec != nullptr) {
            EXPECT_EQ(fieldNumber(spec->field), number);
            EXPECT_EQ(&fieldSpec(spec->field), spec);
            ++defined;
        }
    }
    EXPECT_EQ(defined, static_cast<int>(kFieldCount));
    EXPECT_EQ(std::popcount(kDefinedFieldsBitmap), static_cast<int>(kFieldCount));
    EXPECT_EQ(kDefinedFieldsBitmap & bitmapBit(1), 0u) << "no secondary bitmap";
}

TEST(FieldTable, SizesFollowTheType) {
    EXPECT_EQ(valueBytes(fieldSpec(Field::Pan), 19), 10u);
    EXPECT_EQ(valueBytes(fieldSpec(Field::Track2), 37), 19u);
    EXPECT_EQ(valueBytes(fieldSpec(Field::MerchantId), 15), 15u);
    EXPECT_EQ(valueBytes(fieldSpec(Field::Reserved62), 512), 512u);
    EXPECT_EQ(prefixBytes(LengthKind::Fixed), 0u);
    EXPECT_EQ(prefixBytes(LengthKind::LlVar), 1u);
    EXPECT_EQ(prefixBytes(LengthKind::LllVar), 2u);
}

TEST(FieldTable, ValidateValueNamesTheField) {
    const Status status = validateValue(fieldSpec(Field::Track2), "12=34D");
    ASSERT_FALSE(status.ok());
    EXPECT_EQ(status.error().detail, "field 35 (track 2): a character other than 0-9 and '='");
    EXPECT_EQ(
        validateValue(fieldSpec(Field::AdditionalResponse), std::string(26, 'a')).error().detail,
        "field 44 (additional response): length 26 exceeds the maximum 25");
    EXPECT_TRUE(validateValue(fieldSpec(Field::AdditionalResponse), "").ok());
    EXPECT_TRUE(validateValue(fieldSpec(Field::Reserved62), std::string("\0\xff", 2)).ok());
}

}  // namespace
}  // namespace yika::iso8583
