#include "hooks/config/webhook_url.hpp"

#include <curl/curl.h>

#include <agenthost/error.hpp>
#include <cstring>
#include <memory>

namespace agenthost::hooks {

namespace {

struct UrlDeleter {
  void operator()(CURLU *u) const noexcept { curl_url_cleanup(u); }
};
struct PartDeleter {
  void operator()(char *p) const noexcept { curl_free(p); }
};
using Part = std::unique_ptr<char, PartDeleter>;

Part get_part(CURLU *u, CURLUPart what) {
  char *p = nullptr;
  if (curl_url_get(u, what, &p, 0) != CURLUE_OK) return nullptr;
  return Part(p);
}

[[noreturn]] void reject(std::string_view where, const std::string &why) {
  throw Error(Errc::invalid_argument, std::string(where) + ": " + why);
}

}  // namespace

WebhookUrl parse_webhook_url(std::string_view url, std::string_view where) {
  if (url.find_first_of(std::string_view("\0\r\n \t", 5)) != std::string_view::npos) {
    reject(where, "the URL contains whitespace or control characters");
  }
  std::unique_ptr<CURLU, UrlDeleter> u(curl_url());
  if (!u) throw Error(Errc::internal, std::string(where) + ": curl_url() failed");
  const std::string text(url);
  // Without CURLU_GUESS_SCHEME or CURLU_DEFAULT_SCHEME, a relative URL is an error.
  if (curl_url_set(u.get(), CURLUPART_URL, text.c_str(), CURLU_NON_SUPPORT_SCHEME) != CURLUE_OK) {
    reject(where, "the URL is not an absolute http or https URL");
  }
  Part scheme = get_part(u.get(), CURLUPART_SCHEME);
  Part host = get_part(u.get(), CURLUPART_HOST);
  const std::string s = scheme ? scheme.get() : "";
  if (s != "http" && s != "https") {
    reject(where, "the URL scheme \"" + s + "\" is not http or https");
  }
  if (!host || *host.get() == '\0') reject(where, "the URL has no host");
  // No resolvable name is longer (RFC 1035): reject at creation, not at every evaluation.
  if (std::strlen(host.get()) > 253) reject(where, "the URL host is longer than 253 characters");
  Part port = get_part(u.get(), CURLUPART_PORT);
  Part path = get_part(u.get(), CURLUPART_PATH);
  WebhookUrl out;
  out.url = text;
  out.display = s + "://" + host.get() + (port ? std::string(":") + port.get() : "") +
                (path ? path.get() : "/");
  return out;
}

}  // namespace agenthost::hooks
