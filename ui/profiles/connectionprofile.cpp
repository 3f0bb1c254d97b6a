#include "ui/profiles/connectionprofile.h"

#include <QCoreApplication>
#include <QSettings>

#include <algorithm>

namespace sy::ui {

namespace {

constexpr auto kGroup = "profiles";
constexpr auto kLastUsed = "profiles/lastUsed";

// Profile names are free text; settings keys are not (a '/' nests groups).
QString keyOf(const QString& name) {
    return QString::fromLatin1(name.toUtf8().toPercentEncoding());
}

} // namespace

QString ConnectionProfile::credentialKey() const {
    return user + u'@' + url.toString(QUrl::RemoveUserInfo | QUrl::StripTrailingSlash);
}

QString ConnectionProfile::problem() const {
    if (name.trimmed().isEmpty())
        return QCoreApplication::translate("sy::ui", "the profile needs a name");
    if (kind == Kind::Embedded)
        return dataDir.trimmed().isEmpty()
                   ? QCoreApplication::translate("sy::ui", "choose a data directory")
                   : QString();
    if (!url.isValid() || url.host().isEmpty() ||
        (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
        return QCoreApplication::translate("sy::ui",
                                           "the URL must be http:// or https:// and name a host");
    if (user.trimmed().isEmpty())
        return QCoreApplication::translate("sy::ui", "enter the user name");
    return {};
}

ProfileStore::ProfileStore(QSettings& settings)
    : settings_(settings) {}

QList<ConnectionProfile> ProfileStore::profiles() const {
    QList<ConnectionProfile> out;
    settings_.beginGroup(QLatin1String(kGroup));
    for (const auto& key : settings_.childGroups()) {
        settings_.beginGroup(key);
        ConnectionProfile p;
        p.name = settings_.value(QStringLiteral("name")).toString();
        p.kind = settings_.value(QStringLiteral("kind")).toString() == QLatin1String("remote")
                     ? ConnectionProfile::Kind::Remote
                     : ConnectionProfile::Kind::Embedded;
        p.dataDir = settings_.value(QStringLiteral("dataDir")).toString();
        p.url = QUrl(settings_.value(QStringLiteral("url")).toString());
        p.user = settings_.value(QStringLiteral("user")).toString();
        settings_.endGroup();
        if (!p.name.isEmpty())
            out.append(p);
    }
    settings_.endGroup();
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return a.name.localeAwareCompare(b.name) < 0; });
    return out;
}

std::optional<ConnectionProfile> ProfileStore::find(const QString& name) const {
    for (const auto& p : profiles())
        if (p.name == name)
            return p;
    return std::nullopt;
}

void ProfileStore::save(const ConnectionProfile& p) {
    settings_.beginGroup(QLatin1String(kGroup));
    settings_.remove(keyOf(p.name));
    settings_.beginGroup(keyOf(p.name));
    settings_.setValue(QStringLiteral("name"), p.name);
    const bool remote = p.kind == ConnectionProfile::Kind::Remote;
    settings_.setValue(QStringLiteral("kind"),
                       remote ? QStringLiteral("remote") : QStringLiteral("embedded"));
    if (remote) {
        settings_.setValue(QStringLiteral("url"), p.url.toString(QUrl::RemoveUserInfo));
        settings_.setValue(QStringLiteral("user"), p.user);
    } else {
        settings_.setValue(QStringLiteral("dataDir"), p.dataDir);
    }
    settings_.endGroup();
    settings_.endGroup();
}

void ProfileStore::remove(const QString& name) {
    settings_.beginGroup(QLatin1String(kGroup));
    settings_.remove(keyOf(name));
    settings_.endGroup();
}

QString ProfileStore::lastUsed() const {
    return settings_.value(QLatin1String(kLastUsed)).toString();
}

void ProfileStore::setLastUsed(const QString& name) {
    settings_.setValue(QLatin1String(kLastUsed), name);
}

} // namespace sy::ui
