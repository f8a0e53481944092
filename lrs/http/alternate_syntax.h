// The xAPI 1.0.3 alternate request syntax (Communication 1.3): a browser that
// cannot send arbitrary methods or headers POSTs a form instead. The real
// method is the only query parameter (method=PUT|GET|...); the form holds the
// headers (Authorization, X-Experience-API-Version, Content-Type, If-Match,
// If-None-Match), the body as "content", and the other query parameters.
// RewriteAlternateRequest turns such a request into the ordinary one it
// stands for, so the rest of the server never sees the difference.
#pragma once

#include "lrs/http/message.h"

namespace lrs::http {

// InvalidArgument when the request misuses the syntax (other query
// parameters beside method, a form that is not form-encoded, an unknown
// method).
Status RewriteAlternateRequest(RequestContext& ctx);

}  // namespace lrs::http
