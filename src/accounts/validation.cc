#include "accounts/validation.h"

#include "base/text.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <filesystem>

namespace starling::accounts {
namespace {

Error Invalid(std::string_view field, std::string message) {
  return Error::InvalidArgument(fmt::format("field `{}`: {}", field, message), std::string(field));
}

bool HasControl(std::string_view s, bool allow_newlines) {
  return std::any_of(s.begin(), s.end(), [&](char c) {
    auto u = static_cast<unsigned char>(c);
    if (allow_newlines && (c == '\n' || c == '\t' || c == '\r')) return false;
    return u < 0x20 || u == 0x7f;
  });
}

// Active ISO 4217 codes.
constexpr std::array<std::string_view, 156> kCurrencies = {
    "AED", "AFN", "ALL", "AMD", "ANG", "AOA", "ARS", "AUD", "AWG", "AZN", "BAM", "BBD", "BDT", "BGN",
    "BHD", "BIF", "BMD", "BND", "BOB", "BRL", "BSD", "BTN", "BWP", "BYN", "BZD", "CAD", "CDF", "CHF",
    "CLP", "CNY", "COP", "CRC", "CUP", "CVE", "CZK", "DJF", "DKK", "DOP", "DZD", "EGP", "ERN", "ETB",
    "EUR", "FJD", "FKP", "GBP", "GEL", "GHS", "GIP", "GMD", "GNF", "GTQ", "GYD", "HKD", "HNL", "HTG",
    "HUF", "IDR", "ILS", "INR", "IQD", "IRR", "ISK", "JMD", "JOD", "JPY", "KES", "KGS", "KHR", "KMF",
    "KPW", "KRW", "KWD", "KYD", "KZT", "LAK", "LBP", "LKR", "LRD", "LSL", "LYD", "MAD", "MDL", "MGA",
    "MKD", "MMK", "MNT", "MOP", "MRU", "MUR", "MVR", "MWK", "MXN", "MYR", "MZN", "NAD", "NGN", "NIO",
    "NOK", "NPR", "NZD", "OMR", "PAB", "PEN", "PGK", "PHP", "PKR", "PLN", "PYG", "QAR", "RON", "RSD",
    "RUB", "RWF", "SAR", "SBD", "SCR", "SDG", "SEK", "SGD", "SHP", "SLE", "SOS", "SRD", "SSP", "STN",
    "SYP", "SZL", "THB", "TJS", "TMT", "TND", "TOP", "TRY", "TTD", "TWD", "TZS", "UAH", "UGX", "USD",
    "UYU", "UZS", "VES", "VND", "VUV", "WST", "XAF", "XCD", "XOF", "XPF", "YER", "ZAR", "ZMW", "ZWL"};

}  // namespace

std::optional<std::string> EmailProblem(std::string_view text, std::string& email) {
  email = AsciiLower(Trim(text));
  if (email.empty()) return "an email address is required";
  size_t at = email.find('@');
  bool ok = email.size() <= 254 && at != std::string::npos && at > 0 && at == email.rfind('@') &&
            at + 1 < email.size() && !HasControl(email, false) &&
            email.find(' ') == std::string::npos;
  if (ok) {
    std::string_view domain = std::string_view(email).substr(at + 1);
    size_t dot = domain.find('.');
    ok = dot != std::string_view::npos && dot > 0 && domain.back() != '.' &&
         domain.find("..") == std::string_view::npos;
  }
  if (!ok) return fmt::format("`{}` is not an email address (name@domain.tld)", Trim(text));
  return std::nullopt;
}

Result<std::string> NormalizeEmail(std::string_view text, std::string_view field) {
  std::string email;
  if (auto problem = EmailProblem(text, email)) return Invalid(field, std::move(*problem));
  return email;
}

Status ValidatePassword(std::string_view password, std::string_view field) {
  if (password.size() < 8) return Invalid(field, "the password must have at least 8 characters");
  if (password.size() > 256) return Invalid(field, "the password must have at most 256 characters");
  return Ok();
}

Result<std::string> ValidateName(std::string_view text, std::string_view field, size_t max_length) {
  std::string_view name = Trim(text);
  if (name.empty()) return Invalid(field, "must not be empty");
  if (name.size() > max_length) return Invalid(field, fmt::format("must have at most {} characters", max_length));
  if (HasControl(name, false)) return Invalid(field, "must not contain control characters");
  return std::string(name);
}

Result<std::string> ValidateText(std::string_view text, std::string_view field, size_t max_length) {
  std::string_view value = Trim(text);
  if (value.size() > max_length) return Invalid(field, fmt::format("must have at most {} characters", max_length));
  if (HasControl(value, true)) return Invalid(field, "must not contain control characters");
  return std::string(value);
}

Result<std::string> ValidateUrl(std::string_view text, std::string_view field, bool allow_empty) {
  std::string_view url = Trim(text);
  if (url.empty()) {
    if (allow_empty) return std::string();
    return Invalid(field, "a URL is required, like https://shop.example");
  }
  std::string lower = AsciiLower(url);
  size_t scheme_end = lower.starts_with("https://") ? 8 : lower.starts_with("http://") ? 7 : 0;
  bool ok = scheme_end > 0 && url.size() <= 2048 && !HasControl(url, false) &&
            url.find(' ') == std::string_view::npos;
  if (ok) {
    std::string_view rest = url.substr(scheme_end);
    size_t host_end = rest.find_first_of("/?#");
    ok = host_end != 0 && !rest.substr(0, host_end).empty();
  }
  if (!ok) {
    return Invalid(field, fmt::format("`{}` is not an absolute http(s) URL like https://shop.example", url));
  }
  return std::string(url);
}

Result<std::string> ValidateLanguage(std::string_view text, std::string_view field) {
  std::string_view value = Trim(text);
  auto alpha = [](std::string_view s, bool upper) {
    return std::all_of(s.begin(), s.end(), [&](char c) {
      return upper ? (c >= 'A' && c <= 'Z') : (c >= 'a' && c <= 'z');
    });
  };
  bool ok = (value.size() == 2 && alpha(value, false)) ||
            (value.size() == 5 && value[2] == '-' && alpha(value.substr(0, 2), false) &&
             alpha(value.substr(3), true));
  if (!ok) {
    return Invalid(field, fmt::format("`{}` is not a language code: use ISO 639-1 like `en` or `fr` "
                                      "(optionally with a region, `en-GB`)", value));
  }
  return std::string(value);
}

Result<std::string> ValidateTimeZone(std::string_view text, std::string_view field) {
  std::string_view value = Trim(text);
  bool shaped = !value.empty() && value.size() <= 64 && value.front() != '/' &&
                value.find("..") == std::string_view::npos &&
                std::all_of(value.begin(), value.end(), [](char c) {
                  return std::isalnum(static_cast<unsigned char>(c)) || c == '/' || c == '_' ||
                         c == '-' || c == '+';
                });
  std::error_code ec;
  if (value == "UTC" ||
      (shaped && std::filesystem::is_regular_file(std::filesystem::path("/usr/share/zoneinfo") / value, ec) &&
       !value.starts_with("posix") && !value.starts_with("right"))) {
    return std::string(value);
  }
  return Invalid(field, fmt::format("`{}` is not an IANA time zone like `Europe/Madrid` or `UTC`", value));
}

Result<std::string> ValidateCurrency(std::string_view text, std::string_view field) {
  std::string value(Trim(text));
  for (char& c : value) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (std::find(kCurrencies.begin(), kCurrencies.end(), value) != kCurrencies.end()) return value;
  return Invalid(field, fmt::format("`{}` is not an ISO 4217 currency code like `EUR` or `USD`", Trim(text)));
}

Result<std::string> NormalizeDomain(std::string_view text, std::string_view field) {
  std::string value = AsciiLower(Trim(text));
  std::string_view host = value;
  if (size_t scheme = host.find("://"); scheme != std::string_view::npos) host = host.substr(scheme + 3);
  if (size_t path = host.find_first_of("/?#"); path != std::string_view::npos) host = host.substr(0, path);
  std::string_view name = host;
  if (size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    std::string_view port = host.substr(colon + 1);
    bool port_ok = !port.empty() && port.size() <= 5 &&
                   std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
                   std::stoi(std::string(port)) <= 65535;
    if (!port_ok) return Invalid(field, fmt::format("`{}` has an invalid port", Trim(text)));
    name = host.substr(0, colon);
  }
  if (name.starts_with("*.")) name.remove_prefix(2);  // every subdomain of `name`
  bool ok = !name.empty() && name.size() <= 253 && name.front() != '.' && name.back() != '.' &&
            name.front() != '-' && name.find("..") == std::string_view::npos &&
            std::all_of(name.begin(), name.end(), [](char c) {
              return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
            });
  if (!ok) {
    return Invalid(field, fmt::format("`{}` is not a domain name like `shop.example` or `localhost:8080`",
                                      Trim(text)));
  }
  return std::string(host);
}

bool HostAuthorized(const std::vector<std::string>& authorized_domains, std::string_view url) {
  // Only the authority is lowered (it is short; a product url is checked at every script request).
  if (url.find("://") == std::string_view::npos) return false;
  std::string lower = AsciiLower(UrlAuthority(url));
  std::string_view host_port = lower;
  if (size_t at = host_port.rfind('@'); at != std::string_view::npos) host_port.remove_prefix(at + 1);
  std::string_view host = host_port;
  if (host.starts_with('[')) {
    host = host.substr(0, host.find(']') + 1);  // an IPv6 literal
  } else if (size_t colon = host.rfind(':'); colon != std::string_view::npos) {
    host = host.substr(0, colon);
  }
  if (host.empty()) return false;
  for (const std::string& domain : authorized_domains) {
    std::string_view want = domain;
    std::string_view got = want.find(':') != std::string_view::npos ? host_port : host;
    if (want.starts_with("*.")) {
      std::string_view base = want.substr(2);
      if (got == base || (got.size() > base.size() && got.ends_with(base) && got[got.size() - base.size() - 1] == '.')) {
        return true;
      }
    } else if (got == want) {
      return true;
    }
  }
  return false;
}

}  // namespace starling::accounts
