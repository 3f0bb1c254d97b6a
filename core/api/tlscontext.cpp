#include "core/api/tlscontext.h"

#include "core/util/strings.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstring>
#include <fstream>

namespace sy::api {

namespace {

Result<void> checkReadable(const std::string& path, const char* what) {
    std::ifstream file(path);
    if (!file)
        return fail("tls_file", std::string("cannot read the TLS ") + what + " file " +
                                    sy::quoted(path) + ": " + std::strerror(errno));
    return {};
}

// The first error OpenSSL queued (the cause; later entries only say who called), then clears.
unsigned long takeError() {
    const unsigned long e = ERR_get_error();
    ERR_clear_error();
    return e;
}

std::string reason(unsigned long e) {
    const char* text = ERR_reason_error_string(e);
    return text ? text : "OpenSSL error " + std::to_string(e);
}

// An encrypted key fails to load instead of OpenSSL prompting for a pass phrase on the tty.
int noPassphrase(char*, int, int, void*) {
    return 0;
}

} // namespace

void SslCtxFree::operator()(ssl_ctx_st* ctx) const {
    SSL_CTX_free(ctx);
}

Result<SslCtxPtr> loadServerTlsContext(const std::string& certFile, const std::string& keyFile) {
    if (auto r = checkReadable(certFile, "certificate"); !r)
        return unexpected(r.error());
    if (auto r = checkReadable(keyFile, "key"); !r)
        return unexpected(r.error());
    ERR_clear_error();
    SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
    if (!ctx)
        return fail("tls", "cannot create a TLS context: " + reason(takeError()));
    SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
    SSL_CTX_set_options(ctx.get(), SSL_OP_ALL | SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    SSL_CTX_set_default_passwd_cb(ctx.get(), noPassphrase);
    if (SSL_CTX_use_certificate_chain_file(ctx.get(), certFile.c_str()) != 1)
        return fail("tls_certificate", "cannot use the TLS certificate " + sy::quoted(certFile) +
                                           ": " + reason(takeError()));
    if (SSL_CTX_use_PrivateKey_file(ctx.get(), keyFile.c_str(), SSL_FILETYPE_PEM) != 1) {
        const auto e = takeError();
        if (ERR_GET_REASON(e) == X509_R_KEY_VALUES_MISMATCH)
            return fail("tls_key", "the TLS key " + sy::quoted(keyFile) +
                                       " does not match the certificate " + sy::quoted(certFile));
        return fail("tls_key", "cannot use the TLS key " + sy::quoted(keyFile) + ": " + reason(e));
    }
    if (SSL_CTX_check_private_key(ctx.get()) != 1) {
        ERR_clear_error();
        return fail("tls_key", "the TLS key " + sy::quoted(keyFile) +
                                   " does not match the certificate " + sy::quoted(certFile));
    }
    return ctx;
}

} // namespace sy::api
