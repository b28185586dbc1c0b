#pragma once

// Card numbers (PAN): BIN prefix + random body + Luhn check digit. Numbers are never
// sequential: the body comes from a CSPRNG, so knowing one card does not reveal another.

#include "card_core/domain/result.h"
#include "card_core/domain/secrets.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace yika {

constexpr std::size_t kPanLengthMin = 16;
constexpr std::size_t kPanLengthMax = 19;
constexpr std::size_t kBinLengthMin = 6;
constexpr std::size_t kBinLengthMax = 8;
// The random body must leave room for enough numbers; a BIN of 8 and length 16 leaves 7 digits.
static_assert(kPanLengthMin - kBinLengthMax - 1 >= 7);

bool isAllDigits(std::string_view text);
// The Luhn check digit for `partial` (all digits, no check digit yet).
char luhnCheckDigit(std::string_view partial);
bool luhnValid(std::string_view pan);

// Checks length, digits and Luhn; InvalidCardNumber with a detail that never echoes the number.
Status validatePanFormat(std::string_view pan);
// validatePanFormat plus the product's BIN and length.
Status validatePanForProduct(std::string_view pan, std::string_view bin, std::size_t length);

// A new random card number: `bin` + uniformly random digits + Luhn digit.
std::string generatePan(std::string_view bin, std::size_t length, RandomSource& random);

// The PAN as an unsigned integer (fits: 19 digits < 2^64), for compact uniqueness sets.
std::uint64_t panToU64(std::string_view pan);

// First 6 and last 4 digits, asterisks between: the only form shown by default.
std::string maskPan(std::string_view pan);

}  // namespace yika
