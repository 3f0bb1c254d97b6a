#pragma once
// Passwords of remote profiles, in the system keychain (Secret Service, KWallet, macOS
// Keychain, Windows Credential Store) through QtKeychain. Never written anywhere in plain text:
// when no keychain is available the console asks for the password each time instead.
// Every call is asynchronous; callbacks run on the GUI thread.

#include <QObject>
#include <QString>

#include <functional>
#include <optional>

namespace sy::ui {

class CredentialStore : public QObject {
    Q_OBJECT
public:
    // A password, or nothing with the reason (no entry, no keychain, access denied).
    using ReadCallback = std::function<void(std::optional<QString> password, QString error)>;
    using WriteCallback = std::function<void(bool ok, QString error)>;

    using QObject::QObject;
    ~CredentialStore() override = default;

    virtual void read(const QString& key, ReadCallback done) = 0;
    virtual void write(const QString& key, const QString& password, WriteCallback done) = 0;
    virtual void remove(const QString& key, WriteCallback done) = 0;
};

class KeychainCredentialStore final : public CredentialStore {
    Q_OBJECT
public:
    // `service` names the entries' owner in the keychain ("switchyard").
    explicit KeychainCredentialStore(QString service = QStringLiteral("switchyard"),
                                     QObject* parent = nullptr);

    void read(const QString& key, ReadCallback done) override;
    void write(const QString& key, const QString& password, WriteCallback done) override;
    void remove(const QString& key, WriteCallback done) override;

private:
    QString service_;
};

} // namespace sy::ui
