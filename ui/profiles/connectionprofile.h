#pragma once
// Connection profiles: where the console connects, remembered across starts. A profile is an
// embedded cluster (a data directory) or a remote Stream Manager (URL + user). Profiles live in
// QSettings; passwords never do: they go to the system keychain (CredentialStore).

#include <QList>
#include <QString>
#include <QUrl>

#include <optional>

class QSettings;

namespace sy::ui {

struct ConnectionProfile {
    enum class Kind { Embedded, Remote };

    QString name;
    Kind kind = Kind::Embedded;
    QString dataDir; // Embedded
    QUrl url;        // Remote: the server's root, e.g. https://sm.example.com
    QString user;    // Remote

    // The keychain entry of this profile's password: "user@url".
    QString credentialKey() const;
    // Empty when usable, else what is wrong ("the URL must be http:// or https://").
    QString problem() const;
    bool operator==(const ConnectionProfile&) const = default;
};

class ProfileStore {
public:
    explicit ProfileStore(QSettings& settings);

    QList<ConnectionProfile> profiles() const; // by name
    std::optional<ConnectionProfile> find(const QString& name) const;
    void save(const ConnectionProfile& profile); // replaces one of the same name
    void remove(const QString& name);
    QString lastUsed() const;
    void setLastUsed(const QString& name);

private:
    QSettings& settings_;
};

} // namespace sy::ui
