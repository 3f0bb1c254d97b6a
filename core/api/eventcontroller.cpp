// GET /as/v1/admin/events (ours): the core's event stream, as server-sent events that resume
// with Last-Event-ID, or as JSON pages for clients that poll.
//
// Event ids are "<run>.<sequence>": sequence numbers restart with the core, so an id from an
// earlier run of the server replays everything still in the ring instead of skipping it.

#include "core/api/apierrors.h"
#include "core/api/apiservice.h"
#include "core/api/credentials.h"
#include "core/engine/controlcore.h"
#include "core/util/strings.h"

#include <mutex>
#include <set>

namespace sy::api {

namespace {

using Json = nlohmann::json;

struct EventFilter {
    std::string nodeGroup;
    std::set<std::string> kinds;

    bool accepts(const engine::Event& e) const {
        return (nodeGroup.empty() || e.nodeGroup == nodeGroup) &&
               (kinds.empty() || kinds.contains(std::string(engine::toString(e.kind))));
    }
};

// "run.seq" of this run → seq; anything else (another run, garbage) → 0: replay what is kept.
std::uint64_t afterSequence(const std::string& id, const std::string& runId) {
    const auto dot = id.rfind('.');
    if (dot == std::string::npos || id.substr(0, dot) != runId)
        return 0;
    const auto seq = parseInt(std::string_view(id).substr(dot + 1));
    return seq && *seq > 0 ? static_cast<std::uint64_t>(*seq) : 0;
}

Json eventJson(const engine::Event& e, const std::string& runId) {
    auto j = engine::toJson(e);
    j["id"] = runId + "." + std::to_string(e.sequence);
    return j;
}

std::string sseChunk(const engine::Event& e, const std::string& runId) {
    return "id: " + runId + "." + std::to_string(e.sequence) +
           "\nevent: " + std::string(engine::toString(e.kind)) +
           "\ndata: " + eventJson(e, runId).dump() + "\n\n";
}

// One SSE client. Events that arrive while the backlog is being sent are held, then sent in
// sequence order without duplicates.
class EventSubscription : public std::enable_shared_from_this<EventSubscription> {
public:
    EventSubscription(engine::ControlCore& core, std::shared_ptr<ResponseStream> stream,
                      EventFilter filter, std::string runId,
                      std::shared_ptr<CallerStreams::Slot> slot)
        : core_(core)
        , stream_(std::move(stream))
        , filter_(std::move(filter))
        , runId_(std::move(runId))
        , slot_(std::move(slot)) {}

    // `reset`: the client's last id is from another run of the server; its state is stale.
    void start(std::uint64_t after, bool reset) {
        std::weak_ptr<EventSubscription> weak = weak_from_this();
        listener_ = core_.subscribe([weak](const engine::Event& e) {
            if (auto self = weak.lock())
                self->deliver(e);
        });
        // Unsubscribing on a server thread is safe: the core copies its listeners before calling.
        stream_->onClose([self = shared_from_this()] { self->core_.unsubscribe(self->listener_); });
        const auto backlog = core_.eventsSince(after);
        std::lock_guard lock(mutex_);
        std::string head = "retry: 3000\n\n";
        const bool gap = after > 0 && !backlog.empty() && backlog.front().sequence > after + 1;
        if (reset || gap)
            head += "event: reset\ndata: {\"reason\":\"the events after your last id are gone "
                    "(the server restarted, or you fell too far behind): reload the state\"}\n\n";
        stream_->write(std::move(head));
        lastSent_ = after;
        for (const auto& e : backlog)
            send(e);
        for (const auto& e : held_)
            send(e);
        held_.clear();
        live_ = true;
    }

private:
    void deliver(const engine::Event& e) {
        std::lock_guard lock(mutex_);
        if (live_)
            send(e);
        else
            held_.push_back(e);
    }

    void send(const engine::Event& e) {
        if (e.sequence <= lastSent_)
            return;
        lastSent_ = e.sequence;
        if (filter_.accepts(e))
            stream_->write(sseChunk(e, runId_));
    }

    engine::ControlCore& core_;
    std::shared_ptr<ResponseStream> stream_;
    EventFilter filter_;
    std::string runId_;
    std::shared_ptr<CallerStreams::Slot> slot_; // the caller's place while the stream is open
    int listener_ = -1;
    std::mutex mutex_;
    bool live_ = false;
    std::uint64_t lastSent_ = 0;
    std::vector<engine::Event> held_;
};

HttpResponse events(ApiContext& ctx, const ApiRequest& r) {
    QueryReader q(r.http);
    EventFilter filter;
    filter.nodeGroup = q.text("nodeGroup").value_or("");
    for (auto& k : q.list({"kind"}))
        filter.kinds.insert(k);
    const auto limit = q.integer("limit", 1000, 1, 10000);
    if (auto bad = q.error())
        return *bad;
    const std::string& runId = ctx.options.eventRunId;
    const std::string lastId = r.http.header("Last-Event-ID");
    const std::string from = !lastId.empty() ? lastId : q.text("after").value_or("");
    const std::uint64_t after = afterSequence(from, runId);

    if (r.http.header("Accept").find("text/event-stream") != std::string::npos) {
        auto slot = ctx.streams->reserve(r.caller->subject, r.caller->id,
                                         ctx.options.maxEventStreamsPerUser);
        if (!slot) {
            auto res = HttpResponse::error(
                429, "user " + sy::quoted(r.caller->subject) + " already has " +
                         std::to_string(ctx.options.maxEventStreamsPerUser) +
                         " open event streams, the most allowed: close one, or poll "
                         "GET /as/v1/admin/events without Accept: text/event-stream");
            res.headers.emplace_back("Retry-After", "10");
            return res;
        }
        // Checked again with the slot held: a revocation since the route's check either shows
        // in the store now, or finds the slot and closes the stream.
        auth::Claims caller = *r.caller;
        if (auto refused = checkCredentials(ctx.core.store(), caller))
            return *refused;
        HttpResponse res;
        res.contentType = "text/event-stream";
        res.headers.emplace_back("X-Accel-Buffering", "no");
        auto& core = ctx.core;
        res.stream = [&core, filter, runId, after, reset = !from.empty() && after == 0,
                      slot](std::shared_ptr<ResponseStream> stream) {
            slot->attach(stream);
            auto sub =
                std::make_shared<EventSubscription>(core, std::move(stream), filter, runId, slot);
            sub->start(after, reset);
        };
        return res;
    }

    // Polling: a page of events after `after`, and the id to ask from next time.
    const auto all = ctx.core.eventsSince(after);
    auto list = Json::array();
    std::uint64_t last = after;
    for (const auto& e : all) {
        if (static_cast<long long>(list.size()) >= limit)
            break;
        last = e.sequence;
        if (filter.accepts(e))
            list.push_back(eventJson(e, runId));
    }
    const bool gap = (!from.empty() && after == 0) ||
                     (after > 0 && !all.empty() && all.front().sequence > after + 1);
    return HttpResponse::json(
        200,
        {{"events", list}, {"lastEventId", runId + "." + std::to_string(last)}, {"reset", gap}});
}

} // namespace

void addEventRoutes(ApiContext& ctx, const RouteSink& add) {
    add({"GET",
         "/as/v1/admin/events",
         auth::Role::Viewer,
         "admin",
         "The event stream: server-sent events with Accept: text/event-stream (resume with "
         "Last-Event-ID), else a JSON page",
         {{"after", "string", "an event id: return what came after it"},
          {"nodeGroup", "string", "only this node group's events"},
          {"kind", "string", "only these kinds (CSV)"},
          {"limit", "integer", "JSON page size, 1..10000 (1000)"}},
         "",
         "EventPage",
         200,
         [&ctx](const ApiRequest& r) {
             return events(ctx, r);
         }});
}

} // namespace sy::api
