#include "card_core/domain/secrets.h"

namespace yika {

std::string RandomSource::digits(std::size_t count) {
    std::string out(count, '0');
    for (char& c : out) c = static_cast<char>('0' + uniform(10));
    return out;
}

}  // namespace yika
