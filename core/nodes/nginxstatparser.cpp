#include "core/nodes/nginxstatparser.h"

#include "core/nodes/xmlreader.h"
#include "core/util/strings.h"

#include <optional>

namespace sy::nodes {

namespace {

// nginx-rtmp's NGX_RTMP_RELAY_FLASHVER: what a relay announces when no flashVer= is configured,
// as with the pulls that an on_play 302 redirect creates.
constexpr std::string_view kBuiltinRelayFlashver = "LNX.11,1,102,55";
constexpr std::string_view kConfiguredRelayFlashver = "ngx-relay";
constexpr std::string_view kLocalRelayFlashver = "ngx-local-relay";

long long toInt(std::string_view s) {
    return sy::parseInt(s).value_or(0);
}

double toDouble(std::string_view s) {
    return sy::parseDouble(s).value_or(0);
}

// Builds NginxStat from reader events. Context comes from a bounded stack of element names, so
// unknown elements anywhere are ignored and nothing recurses.
class StatBuilder {
public:
    Result<NginxStat> run(std::string_view xml);

private:
    Result<void> start(std::string_view name);
    void end(std::string_view name);
    void commit(std::string_view parent, std::string_view field, std::string_view value);
    void commitServer(std::string_view field, std::string_view value);
    void commitStream(StreamStat& s, std::string_view field, std::string_view value);
    void commitClient(std::string_view field, std::string_view value);
    std::string_view parent(std::size_t up = 1) const {
        return stack_.size() > up ? stack_[stack_.size() - 1 - up] : std::string_view{};
    }

    NginxStat stat_;
    std::vector<std::string_view> stack_;
    std::string text_;
    std::string app_;
    std::size_t appFirstStream_ = 0;
    bool inStream_ = false;
    std::optional<StatClient> client_;
    bool sawRoot_ = false;
    bool rootClosed_ = false;
};

Result<NginxStat> StatBuilder::run(std::string_view xml) {
    XmlReader reader(xml);
    for (;;) {
        switch (reader.next()) {
        case XmlReader::Token::StartElement:
            if (auto ok = start(reader.name()); !ok)
                return sy::unexpected(ok.error());
            break;
        case XmlReader::Token::EndElement:
            end(reader.name());
            break;
        case XmlReader::Token::Text:
            if (!stack_.empty())
                text_ += reader.text();
            break;
        case XmlReader::Token::Error:
            return fail("bad_stat", "nginx /stat: " + reader.error());
        case XmlReader::Token::End:
            if (!sawRoot_)
                return fail("bad_stat", "nginx /stat: no <rtmp> element");
            if (!rootClosed_)
                return fail("bad_stat", "nginx /stat: document ends inside <rtmp> (truncated)");
            return std::move(stat_);
        }
    }
}

Result<void> StatBuilder::start(std::string_view name) {
    if (stack_.empty()) {
        if (name != "rtmp" || sawRoot_)
            return fail("bad_stat", "nginx /stat: root element is " +
                                        sy::quoted(name.substr(0, 64)) + ", not <rtmp>");
        sawRoot_ = true;
    }
    if (stack_.size() >= NginxStatParser::kMaxDepth)
        return fail("bad_stat", "nginx /stat: elements nested deeper than " +
                                    std::to_string(NginxStatParser::kMaxDepth));
    const auto up = stack_.empty() ? std::string_view{} : stack_.back();
    stack_.push_back(name);
    text_.clear();
    if (name == "application" && up == "server") {
        app_.clear();
        appFirstStream_ = stat_.streams.size();
    } else if (name == "stream" && up == "live") {
        stat_.streams.emplace_back();
        inStream_ = true;
    } else if (name == "client" && up == "stream" && inStream_) {
        client_.emplace();
    } else if (name == "publishing" && up == "client" && client_) {
        client_->publishing = true;
    }
    return {};
}

void StatBuilder::end(std::string_view name) {
    if (stack_.empty() || stack_.back() != name)
        return; // a stray or mismatched end tag: ignore it rather than guess
    commit(parent(), name, sy::trim(text_));
    text_.clear();
    if (name == "client" && client_) {
        if (inStream_)
            stat_.streams.back().clients.push_back(std::move(*client_));
        client_.reset();
    } else if (name == "stream" && parent() == "live") {
        inStream_ = false;
    } else if (name == "application") {
        for (auto i = appFirstStream_; i < stat_.streams.size(); ++i)
            stat_.streams[i].app = app_;
    }
    stack_.pop_back();
    if (stack_.empty())
        rootClosed_ = true;
}

void StatBuilder::commit(std::string_view parent, std::string_view field, std::string_view value) {
    if (parent == "rtmp")
        commitServer(field, value);
    else if (parent == "application" && field == "name")
        app_ = value;
    else if (parent == "stream" && inStream_ && !client_)
        commitStream(stat_.streams.back(), field, value);
    else if (parent == "client" && client_)
        commitClient(field, value);
    else if (parent == "video" && this->parent(2) == "meta" && inStream_) {
        if (field == "width")
            stat_.streams.back().width = static_cast<int>(toInt(value));
        else if (field == "height")
            stat_.streams.back().height = static_cast<int>(toInt(value));
    }
}

void StatBuilder::commitServer(std::string_view field, std::string_view value) {
    if (field == "pid")
        stat_.workerPid = toInt(value);
    else if (field == "uptime")
        stat_.uptimeSec = toInt(value);
    else if (field == "naccepted")
        stat_.accepted = toInt(value);
    else if (field == "bw_in")
        stat_.bwInBitsPerSec = toDouble(value);
    else if (field == "bw_out")
        stat_.bwOutBitsPerSec = toDouble(value);
    else if (field == "bytes_in")
        stat_.bytesIn = toInt(value);
    else if (field == "bytes_out")
        stat_.bytesOut = toInt(value);
}

void StatBuilder::commitStream(StreamStat& s, std::string_view field, std::string_view value) {
    if (field == "name")
        s.name = value;
    else if (field == "time")
        s.uptimeMs = toInt(value);
    else if (field == "bw_in")
        s.bitrateKbps = toDouble(value) / 1000.0;
    else if (field == "bw_out")
        s.egressKbps = toDouble(value) / 1000.0;
}

void StatBuilder::commitClient(std::string_view field, std::string_view value) {
    if (field == "id")
        client_->id = toInt(value);
    else if (field == "address")
        client_->address = value;
    else if (field == "flashver")
        client_->flashver = value;
    else if (field == "time")
        client_->timeMs = toInt(value);
}

void summarize(StreamStat& s) {
    for (auto& c : s.clients) {
        c.kind = NginxStatParser::classify(c.publishing, c.flashver);
        s.hasSource = s.hasSource || c.publishing;
        switch (c.kind) {
        case ClientKind::Publisher:
            ++s.publishers;
            break;
        case ClientKind::Viewer:
            ++s.viewers;
            break;
        case ClientKind::ChildRelay:
            ++s.childRelays;
            break;
        case ClientKind::LocalRelay:
            s.upstream = c.address;
            break;
        }
    }
    s.hasPublisher = s.publishers > 0;
}

template <class F>
int sumOver(const std::vector<StreamStat>& streams, F field) {
    int n = 0;
    for (const auto& s : streams)
        n += field(s);
    return n;
}

} // namespace

int NginxStat::publishers() const {
    return sumOver(streams, [](const StreamStat& s) { return s.publishers; });
}

int NginxStat::viewers() const {
    return sumOver(streams, [](const StreamStat& s) { return s.viewers; });
}

int NginxStat::childRelays() const {
    return sumOver(streams, [](const StreamStat& s) { return s.childRelays; });
}

const StreamStat* NginxStat::find(std::string_view app, std::string_view name) const {
    for (const auto& s : streams)
        if (s.app == app && s.name == name)
            return &s;
    return nullptr;
}

ClientKind NginxStatParser::classify(bool publishing, std::string_view flashver) {
    if (publishing)
        return flashver == kLocalRelayFlashver ? ClientKind::LocalRelay : ClientKind::Publisher;
    if (flashver.starts_with(kConfiguredRelayFlashver) || flashver == kBuiltinRelayFlashver)
        return ClientKind::ChildRelay;
    return ClientKind::Viewer;
}

Result<NginxStat> NginxStatParser::parse(std::string_view xml) {
    auto stat = StatBuilder().run(xml);
    if (stat)
        for (auto& s : stat->streams)
            summarize(s);
    return stat;
}

model::FlatMetrics NginxStatParser::toFlatMetrics(const NginxStat& stat) {
    const int publishers = stat.publishers();
    const int viewers = stat.viewers();
    int live = 0;
    for (const auto& s : stat.streams)
        live += s.hasSource ? 1 : 0;
    return {
        {"connections.publisher", publishers},
        {"connections.subscriber", viewers},
        {"connections.client", publishers + viewers},
        {"connections.clusterchildren", stat.childRelays()},
        {"network.ingress", stat.bwInBitsPerSec / 1000.0},
        {"network.egress", stat.bwOutBitsPerSec / 1000.0},
        {"network.cumulativereceived", static_cast<double>(stat.bytesIn) / 1000.0},
        {"network.cumulativesent", static_cast<double>(stat.bytesOut) / 1000.0},
        {"stream.count", live},
    };
}

model::MetricTree NginxStatParser::toMetricTree(const NginxStat& stat) {
    return model::unflatten(toFlatMetrics(stat));
}

} // namespace sy::nodes
