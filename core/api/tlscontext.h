#pragma once
// A server's TLS certificate and key loaded with plain OpenSSL, outside the Beast translation
// unit (httpserver.cpp wraps the result in an asio::ssl::context).

#include "core/util/result.h"

#include <memory>
#include <string>

struct ssl_ctx_st; // OpenSSL's SSL_CTX

namespace sy::api {

struct SslCtxFree {
    void operator()(ssl_ctx_st* ctx) const;
};
using SslCtxPtr = std::unique_ptr<ssl_ctx_st, SslCtxFree>;

// A TLS 1.2+ server context holding the PEM certificate (the file may hold a chain) and key.
// Fails with a message naming the file and the cause: missing or unreadable, not PEM, an
// encrypted key (never prompts for a pass phrase), a key that does not match the certificate.
Result<SslCtxPtr> loadServerTlsContext(const std::string& certFile, const std::string& keyFile);

} // namespace sy::api
