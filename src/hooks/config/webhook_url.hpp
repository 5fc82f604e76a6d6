// Webhook URLs: validation with libcurl's own parser (so what we accept is what the transport
// connects to) and a display form without credentials.
#pragma once

#include <string>
#include <string_view>

namespace agenthost::hooks {

struct WebhookUrl {
  std::string url;      // as configured, used for the request
  std::string display;  // scheme://host[:port]/path: no user-info, query or fragment
};

// Throws Error(invalid_argument) "<where>: ..." unless `url` is an absolute http/https URL with
// a host. The message shows only the display form, never user-info or a query string.
WebhookUrl parse_webhook_url(std::string_view url, std::string_view where);

}  // namespace agenthost::hooks
