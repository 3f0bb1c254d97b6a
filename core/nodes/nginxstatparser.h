#pragma once
// Reads nginx-rtmp's /stat XML into per-stream stats and the metric names of reference §3.3 that
// /stat can give. Which client is what was decided from real /stat output (tests/nodes/data/):
//  - a publishing client with flashver "ngx-local-relay" is an edge's pull from its parent: the
//    stream's source, but not a publisher connected by a client;
//  - a playing client whose flashver is "ngx-relay" (our pull lines announce it) or nginx-rtmp's
//    built-in relay flashver "LNX.11,1,102,55" (pulls made by on_play redirects) is a child
//    node's relay: counted as connections.clusterchildren, never as a viewer;
//  - every other publishing client is a publisher, every other playing client a viewer.

#include "core/model/metrictree.h"
#include "core/util/result.h"

#include <string>
#include <string_view>
#include <vector>

namespace sy::nodes {

enum class ClientKind { Publisher, Viewer, LocalRelay, ChildRelay };

struct StatClient {
    long long id = 0;
    std::string address; // for a LocalRelay: the upstream, "127.0.0.1:19350/live[/name]"
    std::string flashver;
    bool publishing = false;
    long long timeMs = 0;
    ClientKind kind = ClientKind::Viewer;
};

struct StreamStat {
    std::string app;
    std::string name;
    bool hasSource = false;    // something publishes into the stream (client or relay)
    bool hasPublisher = false; // ... and it is a client, not a relay from a parent
    std::string upstream;      // the parent a relayed stream is pulled from; empty otherwise
    int publishers = 0;
    int viewers = 0;
    int childRelays = 0;
    double bitrateKbps = 0; // bw_in of the stream
    double egressKbps = 0;  // bw_out of the stream
    long long uptimeMs = 0;
    int width = 0;
    int height = 0;
    std::vector<StatClient> clients;

    std::string guid() const { return app + "/" + name; }
};

struct NginxStat {
    long long workerPid = 0; // the worker that answered: it changes after a reload
    long long uptimeSec = 0;
    long long accepted = 0;
    double bwInBitsPerSec = 0; // nginx averages these over ~10 s windows
    double bwOutBitsPerSec = 0;
    long long bytesIn = 0;
    long long bytesOut = 0;
    std::vector<StreamStat> streams;

    int publishers() const;
    int viewers() const;
    int childRelays() const;
    const StreamStat* find(std::string_view app, std::string_view name) const;
};

class NginxStatParser {
public:
    // Refuses documents whose root is not <rtmp>, malformed markup and nesting deeper than
    // kMaxDepth; tolerates unknown elements and unparsable numbers (they read as 0).
    static Result<NginxStat> parse(std::string_view xml);
    static constexpr std::size_t kMaxDepth = 32;

    // connections.{publisher,subscriber,client,clusterchildren}, network.{ingress,egress} in
    // kbit/s, network.cumulative{received,sent} in kB, stream.count (streams with a source).
    static model::FlatMetrics toFlatMetrics(const NginxStat& stat);
    static model::MetricTree toMetricTree(const NginxStat& stat);

    static ClientKind classify(bool publishing, std::string_view flashver);
};

} // namespace sy::nodes
