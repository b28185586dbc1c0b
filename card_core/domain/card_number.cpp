#include "card_core/domain/card_number.h"

namespace yika {

bool isAllDigits(std::string_view text) {
    if (text.empty()) return false;
    for (char c : text) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

char luhnCheckDigit(std::string_view partial) {
    YIKA_ASSERT(isAllDigits(partial));
    // Double every second digit from the right of the full number, i.e. starting with the
    // rightmost digit of the partial number.
    int sum = 0;
    bool double_it = true;
    for (auto it = partial.rbegin(); it != partial.rend(); ++it) {
        int d = *it - '0';
        if (double_it) {
            d *= 2;
            if (d > 9) d -= 9;
        }
        sum += d;
        double_it = !double_it;
    }
    return static_cast<char>('0' + (10 - sum % 10) % 10);
}

bool luhnValid(std::string_view pan) {
    if (pan.size() < 2 || !isAllDigits(pan)) return false;
    return luhnCheckDigit(pan.substr(0, pan.size() - 1)) == pan.back();
}

Status validatePanFormat(std::string_view pan) {
    if (pan.size() < kPanLengthMin || pan.size() > kPanLengthMax) {
        return makeError(ErrorCode::InvalidCardNumber, "card number must have 16 to 19 digits");
    }
    if (!isAllDigits(pan)) {
        return makeError(ErrorCode::InvalidCardNumber, "card number must be digits only");
    }
    if (!luhnValid(pan)) {
        return makeError(ErrorCode::InvalidCardNumber, "card number check digit is wrong");
    }
    return Ok{};
}

Status validatePanForProduct(std::string_view pan, std::string_view bin, std::size_t length) {
    YIKA_TRY(validatePanFormat(pan));
    if (pan.size() != length || pan.substr(0, bin.size()) != bin) {
        return makeError(ErrorCode::InvalidCardNumber,
                         "card number does not belong to this product");
    }
    return Ok{};
}

std::string generatePan(std::string_view bin, std::size_t length, RandomSource& random) {
    YIKA_ASSERT(isAllDigits(bin) && bin.size() >= kBinLengthMin && bin.size() <= kBinLengthMax);
    YIKA_ASSERT(length >= kPanLengthMin && length <= kPanLengthMax);
    std::string pan(bin);
    pan += random.digits(length - bin.size() - 1);
    pan += luhnCheckDigit(pan);
    return pan;
}

std::uint64_t panToU64(std::string_view pan) {
    YIKA_ASSERT(isAllDigits(pan) && pan.size() <= kPanLengthMax);
    std::uint64_t value = 0;
    for (char c : pan) value = value * 10 + static_cast<std::uint64_t>(c - '0');
    return value;
}

std::string maskPan(std::string_view pan) {
    if (pan.size() < 11) {
        std::string out(pan.size() > 4 ? pan.size() - 4 : 0, '*');
        out += pan.substr(pan.size() > 4 ? pan.size() - 4 : 0);
        return out;
    }
    std::string out(pan.substr(0, 6));
    out.append(pan.size() - 10, '*');
    out += pan.substr(pan.size() - 4);
    return out;
}

}  // namespace yika
