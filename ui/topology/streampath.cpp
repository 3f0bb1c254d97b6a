#include "ui/topology/streampath.h"

#include <algorithm>
#include <unordered_map>

namespace sy::ui {

namespace {

using engine::NodeView;

enum class Reach { Unknown, Visiting, Yes, No };

const providers::StreamStats* findStream(const NodeView& n, std::string_view guid) {
    const auto it = std::find_if(n.streams.begin(), n.streams.end(),
                                 [&](const providers::StreamStats& s) { return s.guid == guid; });
    return it == n.streams.end() ? nullptr : &*it;
}

class PathFinder {
public:
    PathFinder(const engine::NodeGroupView& group, std::string_view guid, StreamPath& out)
        : guid_(guid)
        , out_(out) {
        for (const auto& n : group.nodes)
            byId_.emplace(n.nodeId, &n);
    }

    void run() {
        for (const auto& [id, n] : byId_)
            if (findStream(*n, guid_) && out_.nodes.insert(n).second)
                climb(*n);
    }

private:
    // Whether the stream reaches `n` from where it is published.
    bool reaches(const NodeView& n) {
        Reach& r = reach_[&n];
        if (r == Reach::Yes || r == Reach::No)
            return r == Reach::Yes;
        if (r == Reach::Visiting)
            return false; // a parent cycle: no way up through here
        const auto* s = findStream(n, guid_);
        if (s && s->publishing) {
            r = Reach::Yes;
            return true;
        }
        r = Reach::Visiting;
        bool yes = false;
        if (s || n.streams.empty())
            for (const auto& p : n.parents)
                if (const auto it = byId_.find(p); it != byId_.end() && reaches(*it->second)) {
                    yes = true;
                    break;
                }
        reach_[&n] = yes ? Reach::Yes : Reach::No;
        return yes;
    }

    void climb(const NodeView& child) {
        for (const auto& p : child.parents) {
            const auto it = byId_.find(p);
            if (it == byId_.end() || !reaches(*it->second))
                continue;
            out_.links.emplace(&child, it->second);
            if (out_.nodes.insert(it->second).second)
                climb(*it->second);
        }
    }

    std::string_view guid_;
    StreamPath& out_;
    std::unordered_map<std::string_view, const NodeView*> byId_;
    std::unordered_map<const NodeView*, Reach> reach_;
};

} // namespace

StreamPath streamPath(const engine::ClusterSnapshot& snapshot, std::string_view guid) {
    StreamPath out;
    if (guid.empty())
        return out;
    // Parents never cross node groups, and a guid may live in several groups independently.
    for (const auto& [name, group] : snapshot.groups)
        PathFinder(group, guid, out).run();
    return out;
}

} // namespace sy::ui
