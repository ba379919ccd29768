// An HTTP answer as the AWS client sees it. Requests are sigv4.h's HttpRequest (method, path,
// query, headers with Host, body), so that what is signed is exactly what is sent.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace datamesh::aws {

struct HttpResponse {
  long status = 0;  // 200, 404, ...
  // In the order received; names as the server spelled them.
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // The first header named `name` (case-insensitive), or "" when there is none.
  std::string header(std::string_view name) const;
};

}  // namespace datamesh::aws
