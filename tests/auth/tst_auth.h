#pragma once
// Tests of core/auth: tokens and roles (tst_auth.cpp); password hashes, the signing key and the
// login rate limiter (tst_authstores.cpp). One class so that one executable runs them all.

#include <QObject>

class TestAuth : public QObject {
    Q_OBJECT
private slots:
    // roles
    void parseRoleSpellings_data();
    void parseRoleSpellings();
    void roleOrderAndClaims();

    // base64url and JWT
    void base64UrlVectors_data();
    void base64UrlVectors();
    void base64UrlRefusesNonCanonical_data();
    void base64UrlRefusesNonCanonical();
    void issueVerifyRoundTrip();
    void tokenHeaderAndPayloadAreSm20Compatible();
    void acceptedTokens_data();
    void acceptedTokens();
    void refusedTokens_data();
    void refusedTokens();
    void tokensOfAnotherTypeDoNotPass();
    void weakSecretRejected_data();
    void weakSecretRejected();

    // password hashes
    void passwordHashVerifies();
    void passwordHashDefaultCost();
    void malformedPasswordHashes_data();
    void malformedPasswordHashes();

    // signing key
    void secretFileCreatedPrivateAndReused();
    void secretSourcesWin();
    void secretRefused_data();
    void secretRefused();

    // login rate limiter
    void rateLimiterScenarios_data();
    void rateLimiterScenarios();
    void rateLimiterKeysAreIndependent();
    void rateLimiterMemoryIsBounded();
    void rateLimiterIsThreadSafe();
};
