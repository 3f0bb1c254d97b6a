#include "ui/profiles/credentialstore.h"

#include <qt6keychain/keychain.h>

namespace sy::ui {

KeychainCredentialStore::KeychainCredentialStore(QString service, QObject* parent)
    : CredentialStore(parent)
    , service_(std::move(service)) {}

void KeychainCredentialStore::read(const QString& key, ReadCallback done) {
    auto* job = new QKeychain::ReadPasswordJob(service_, this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false); // plain-text files are not a keychain
    job->setKey(key);
    connect(job, &QKeychain::Job::finished, this, [done = std::move(done)](QKeychain::Job* j) {
        auto* r = static_cast<QKeychain::ReadPasswordJob*>(j);
        if (r->error() == QKeychain::NoError)
            done(r->textData(), {});
        else
            done(std::nullopt, r->errorString());
    });
    job->start();
}

void KeychainCredentialStore::write(const QString& key, const QString& password,
                                    WriteCallback done) {
    auto* job = new QKeychain::WritePasswordJob(service_, this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(key);
    job->setTextData(password);
    connect(job, &QKeychain::Job::finished, this, [done = std::move(done)](QKeychain::Job* j) {
        done(j->error() == QKeychain::NoError, j->errorString());
    });
    job->start();
}

void KeychainCredentialStore::remove(const QString& key, WriteCallback done) {
    auto* job = new QKeychain::DeletePasswordJob(service_, this);
    job->setAutoDelete(true);
    job->setInsecureFallback(false);
    job->setKey(key);
    connect(job, &QKeychain::Job::finished, this, [done = std::move(done)](QKeychain::Job* j) {
        done(j->error() == QKeychain::NoError || j->error() == QKeychain::EntryNotFound,
             j->errorString());
    });
    job->start();
}

} // namespace sy::ui
