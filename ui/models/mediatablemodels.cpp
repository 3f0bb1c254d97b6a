#include "ui/models/mediatablemodels.h"

#include "ui/models/streamtablemodel.h"
#include "ui/style/statecolors.h"

#include <QDateTime>

#include <algorithm>
#include <set>

namespace sy::ui {

namespace {

using Json = nlohmann::json;

QString qs(const std::string& s) {
    return QString::fromStdString(s);
}

QString formatTime(std::int64_t ms) {
    if (ms <= 0)
        return {};
    return QDateTime::fromMSecsSinceEpoch(ms).toString(QStringLiteral("yyyy-MM-dd HH:mm:ss"));
}

std::string text(const Json& j, const char* key) {
    const auto it = j.find(key);
    return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

bool sameRecording(const store::RecordingRecord& a, const store::RecordingRecord& b) {
    return a.id == b.id && a.nodeGroup == b.nodeGroup && a.streamGuid == b.streamGuid &&
           a.target == b.target && a.state == b.state && a.sizeBytes == b.sizeBytes &&
           a.durationMs == b.durationMs && a.startedMs == b.startedMs && a.error == b.error &&
           a.remoteKey == b.remoteKey && a.localPath == b.localPath;
}

} // namespace

QColor jobStateColor(media::JobState state) {
    // The node palette, so that the colours mean the same on every page.
    switch (state) {
    case media::JobState::Wait:
        return stateColor(model::NodeState::Requested); // grey-blue: on its way
    case media::JobState::Starting:
        return stateColor(model::NodeState::Started); // blue
    case media::JobState::Live:
        return stateColor(model::NodeState::InService); // green
    case media::JobState::Fault:
        return stateColor(model::NodeState::Fault); // red
    }
    return Qt::gray;
}

QColor recordingStateColor(store::RecordingState state) {
    using S = store::RecordingState;
    switch (state) {
    case S::Recording:
        return severityColor(Severity::Info);
    case S::Finalizing:
    case S::Pending:
    case S::Uploading:
        return stateColor(model::NodeState::Requested);
    case S::Uploaded:
    case S::Local:
        return severityColor(Severity::Ok);
    case S::Failed:
        return severityColor(Severity::Critical);
    }
    return Qt::gray;
}

QString formatBytes(std::int64_t bytes) {
    if (bytes <= 0)
        return QStringLiteral("0 B");
    static const char* const units[] = {"B", "kB", "MB", "GB", "TB"};
    double v = static_cast<double>(bytes);
    int unit = 0;
    while (v >= 1000 && unit < 4) {
        v /= 1000;
        ++unit;
    }
    return unit == 0 ? QStringLiteral("%1 B").arg(bytes)
                     : QStringLiteral("%1 %2")
                           .arg(v, 0, 'f', v < 10 ? 1 : 0)
                           .arg(QLatin1String(units[unit]));
}

// --- Jobs --------------------------------------------------------------------------------------

std::vector<MediaJobTableModel::Row> MediaJobTableModel::rowsOf(const MediaSnapshot& media,
                                                                const std::string& nodeGroup) {
    std::vector<Row> rows;
    std::set<std::string> withJobs;
    for (const auto& j : media.jobs) {
        if (j.nodeGroup != nodeGroup)
            continue;
        withJobs.insert(j.provisionGuid);
        Row r;
        r.key = j.id;
        r.nodeGroup = j.nodeGroup;
        r.provisionGuid = j.provisionGuid;
        r.streamGuid = j.streamGuid;
        r.kind = std::string(media::toString(j.kind));
        r.type = j.type;
        r.remote = j.remote;
        r.target = j.target;
        r.nodeId = j.nodeId;
        r.nodeAddress = j.nodeAddress;
        r.state = static_cast<int>(j.state);
        r.waitingFor = j.waitingFor;
        r.lastError = j.lastError;
        r.bitrateKbps = j.bitrateKbps;
        r.uptimeMs = j.uptimeMs;
        r.restarts = j.restarts;
        r.reconnects = j.reconnects;
        r.failures = j.failures;
        r.persist = j.persist;
        rows.push_back(std::move(r));
    }
    // Provisions that run nothing (a transcoding ladder only, or not yet picked up).
    if (const auto it = media.provisions.find(nodeGroup); it != media.provisions.end())
        for (const auto& doc : it->second) {
            const std::string guid = text(doc, "provisionGuid");
            if (guid.empty() || withJobs.count(guid))
                continue;
            Row r;
            r.key = guid + "#";
            r.nodeGroup = nodeGroup;
            r.provisionGuid = guid;
            std::vector<std::string> streams;
            if (const auto s = doc.find("streams"); s != doc.end() && s->is_array())
                for (const auto& stream : *s)
                    if (stream.is_object() && !text(stream, "streamGuid").empty())
                        streams.push_back(text(stream, "streamGuid"));
            for (const auto& s : streams)
                r.streamGuid += (r.streamGuid.empty() ? "" : ", ") + s;
            rows.push_back(std::move(r));
        }
    std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.key < b.key; });
    return rows;
}

void MediaJobTableModel::setMedia(const MediaSnapshot& media, const std::string& nodeGroup) {
    const auto [first, last] = mergeRows(
        rows_, rowsOf(media, nodeGroup), [](const Row& a, const Row& b) { return a.key < b.key; },
        [](const Row& a, const Row& b) { return a == b; });
    if (first >= 0)
        Q_EMIT dataChanged(index(first, 0), index(last, ColumnCount - 1));
}

int MediaJobTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int MediaJobTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant MediaJobTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const Row& r = rows_[static_cast<std::size_t>(index.row())];
    switch (role) {
    case ProvisionRole:
        return qs(r.provisionGuid);
    case NodeGroupRole:
        return qs(r.nodeGroup);
    case StateRole:
        return r.state;
    case Qt::DecorationRole:
        if (index.column() == State && r.state >= 0)
            return jobStateColor(static_cast<media::JobState>(r.state));
        return {};
    case Qt::ForegroundRole:
        if (index.column() == Detail && r.state == static_cast<int>(media::JobState::Fault))
            return jobStateColor(media::JobState::Fault);
        return {};
    case Qt::TextAlignmentRole:
        if (index.column() >= Bitrate && index.column() <= Restarts)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        return {};
    case Qt::ToolTipRole: {
        if (r.state < 0)
            return tr("This provision runs no restreamer, destination or recording");
        QStringList lines;
        lines << QStringLiteral("%1 — %2").arg(qs(r.key), qs(r.kind));
        if (!r.waitingFor.empty())
            lines << tr("Waiting for: %1").arg(qs(r.waitingFor));
        if (!r.lastError.empty())
            lines << tr("Last error: %1").arg(qs(r.lastError));
        if (!r.nodeAddress.empty())
            lines << tr("Node: %1 (%2)").arg(qs(r.nodeId), qs(r.nodeAddress));
        if (r.failures > 0)
            lines << tr("%n consecutive failure(s)", nullptr, r.failures);
        if (r.persist)
            lines << tr("Persistent: retried until its provision is deleted");
        return lines.join(u'\n');
    }
    default:
        break;
    }
    const bool sort = role == SortRole;
    if (role != Qt::DisplayRole && !sort)
        return {};
    switch (index.column()) {
    case Provision:
        return qs(r.provisionGuid);
    case Stream:
        return qs(r.streamGuid);
    case Kind:
        return r.kind.empty() ? QStringLiteral("—") : qs(r.kind);
    case Type:
        return qs(r.type);
    case Remote:
        return r.kind == "record"
                   ? (r.target.empty() ? tr("kept locally") : tr("→ %1").arg(qs(r.target)))
                   : qs(r.remote);
    case Node:
        return qs(r.nodeId);
    case State:
        if (sort)
            return r.state;
        return r.state < 0
                   ? tr("no job")
                   : qs(std::string(media::toString(static_cast<media::JobState>(r.state))));
    case Detail:
        if (!r.lastError.empty() &&
            (r.state == static_cast<int>(media::JobState::Fault) || r.waitingFor.empty()))
            return qs(r.lastError);
        return r.waitingFor.empty() ? QString() : tr("waiting for %1").arg(qs(r.waitingFor));
    case Bitrate:
        if (sort)
            return r.bitrateKbps;
        return r.bitrateKbps > 0 ? formatBitrate(r.bitrateKbps) : QString();
    case Uptime:
        if (sort)
            return qlonglong(r.uptimeMs);
        return r.uptimeMs > 0 ? formatDuration(r.uptimeMs) : QString();
    case Restarts:
        if (sort)
            return r.restarts * 1000 + r.reconnects;
        return r.state < 0 ? QString()
                           : QStringLiteral("%1 / %2").arg(r.restarts).arg(r.reconnects);
    default:
        return {};
    }
}

QVariant MediaJobTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char* const names[] = {"Provision",
                                        "Stream",
                                        "Kind",
                                        "Type",
                                        "Source / destination",
                                        "Node",
                                        "State",
                                        "Bitrate",
                                        "Uptime",
                                        "Restarts / reconn.",
                                        "Waiting for / last error"};
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

// --- Recordings --------------------------------------------------------------------------------

void RecordingTableModel::setMedia(const MediaSnapshot& media, const std::string& nodeGroup) {
    std::vector<store::RecordingRecord> next;
    for (const auto& r : media.recordings)
        if (r.nodeGroup == nodeGroup)
            next.push_back(r);
    const auto byId = [](const store::RecordingRecord& a, const store::RecordingRecord& b) {
        return a.id < b.id;
    };
    std::sort(next.begin(), next.end(), byId);
    const auto [first, last] = mergeRows(rows_, std::move(next), byId, sameRecording);
    if (first >= 0)
        Q_EMIT dataChanged(index(first, 0), index(last, ColumnCount - 1));
}

int RecordingTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int RecordingTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RecordingTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const auto& r = rows_[static_cast<std::size_t>(index.row())];
    switch (role) {
    case IdRole:
        return qlonglong(r.id);
    case NodeGroupRole:
        return qs(r.nodeGroup);
    case Qt::DecorationRole:
        return index.column() == State ? QVariant(recordingStateColor(r.state)) : QVariant();
    case Qt::ForegroundRole:
        return index.column() == Error && !r.error.empty()
                   ? QVariant(recordingStateColor(store::RecordingState::Failed))
                   : QVariant();
    case Qt::ToolTipRole: {
        QStringList lines;
        lines << tr("Recording %1 of %2").arg(r.id).arg(qs(r.streamGuid));
        if (!r.remoteKey.empty())
            lines << tr("Stored as %1").arg(qs(r.remoteKey));
        if (!r.localPath.empty() && !r.localDeleted)
            lines << tr("Local file %1").arg(qs(r.localPath));
        if (r.uploadAttempts > 0)
            lines << tr("%n upload attempt(s)", nullptr, r.uploadAttempts);
        if (!r.error.empty())
            lines << tr("Error: %1").arg(qs(r.error));
        return lines.join(u'\n');
    }
    case Qt::TextAlignmentRole:
        return index.column() == Size || index.column() == Duration
                   ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter))
                   : QVariant();
    default:
        break;
    }
    const bool sort = role == SortRole;
    if (role != Qt::DisplayRole && !sort)
        return {};
    switch (index.column()) {
    case Stream:
        return qs(r.streamGuid);
    case State:
        return qs(std::string(store::toString(r.state)));
    case Size:
        return sort ? QVariant(qlonglong(r.sizeBytes)) : QVariant(formatBytes(r.sizeBytes));
    case Duration:
        return sort ? QVariant(qlonglong(r.durationMs)) : QVariant(formatDuration(r.durationMs));
    case Target:
        return r.target.empty() ? tr("(local)") : qs(r.target);
    case Started:
        return sort ? QVariant(qlonglong(r.startedMs)) : QVariant(formatTime(r.startedMs));
    case Error:
        return qs(r.error);
    default:
        return {};
    }
}

QVariant RecordingTableModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char* const names[] = {"Stream", "State",   "Size", "Duration",
                                        "Target", "Started", "Error"};
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

// --- Storage targets ---------------------------------------------------------------------------

void StorageTargetTableModel::setMedia(const MediaSnapshot& media) {
    std::vector<Row> next;
    for (const auto& t : media.targets)
        next.push_back({text(t, "name"), t});
    const auto byName = [](const Row& a, const Row& b) {
        return a.name < b.name;
    };
    std::sort(next.begin(), next.end(), byName);
    const auto [first, last] = mergeRows(rows_, std::move(next), byName,
                                         [](const Row& a, const Row& b) { return a == b; });
    if (first >= 0)
        Q_EMIT dataChanged(index(first, 0), index(last, ColumnCount - 1));
}

int StorageTargetTableModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(rows_.size());
}

int StorageTargetTableModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant StorageTargetTableModel::data(const QModelIndex& index, int role) const {
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const Row& r = rows_[static_cast<std::size_t>(index.row())];
    if (role == NameRole)
        return qs(r.name);
    if (role != Qt::DisplayRole && role != SortRole && role != Qt::ToolTipRole)
        return {};
    const Json settings = r.doc.value("settings", Json::object());
    const Json retention = r.doc.value("retention", Json::object());
    const std::string kind = text(r.doc, "kind");
    switch (index.column()) {
    case Name:
        return qs(r.name);
    case Kind:
        return qs(kind);
    case Location: {
        if (kind == "folder")
            return qs(text(settings, "path"));
        QString where = qs(text(settings, "bucket"));
        if (const auto prefix = text(settings, "prefix"); !prefix.empty())
            where += u'/' + qs(prefix);
        if (const auto endpoint = text(settings, "endpoint"); !endpoint.empty())
            where += QStringLiteral(" @ ") + qs(endpoint);
        else if (const auto region = text(settings, "region"); !region.empty())
            where += QStringLiteral(" (") + qs(region) + u')';
        return where;
    }
    case Retention: {
        QStringList parts;
        if (const auto d = retention.find("maxAgeDays"); d != retention.end() && d->is_number())
            parts << tr("%n day(s)", nullptr, d->get<int>());
        if (const auto c = retention.find("maxCount"); c != retention.end() && c->is_number())
            parts << tr("newest %1 per stream").arg(c->get<long long>());
        return parts.isEmpty() ? tr("keep all") : parts.join(QStringLiteral(", "));
    }
    case RecordAll: {
        QStringList groups;
        if (const auto g = r.doc.find("recordNodeGroups"); g != r.doc.end() && g->is_array())
            for (const auto& name : *g)
                if (name.is_string())
                    groups << qs(name.get<std::string>());
        return groups.join(QStringLiteral(", "));
    }
    default:
        return {};
    }
}

QVariant StorageTargetTableModel::headerData(int section, Qt::Orientation orientation,
                                             int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    static const char* const names[] = {"Name", "Kind", "Bucket / path", "Retention",
                                        "Records every stream of"};
    return section >= 0 && section < ColumnCount ? tr(names[section]) : QVariant();
}

} // namespace sy::ui
