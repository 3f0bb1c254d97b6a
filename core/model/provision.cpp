#include "core/model/provision.h"

#include "core/model/jsonfields.h"
#include "core/model/validation.h"
#include "core/util/strings.h"

namespace sy::model {

namespace {

using Json = nlohmann::json;

VideoParams decodeVideo(const Json& j, const std::string& path, Problems& problems) {
    VideoParams v;
    ObjectReader r(j, path, problems);
    for (const auto& f : kVideoIntFields)
        r.read(f.name, v.*f.member);
    r.read("videoProfile", v.videoProfile);
    v.extra = r.extra();
    return v;
}

Json encodeVideo(const VideoParams& v) {
    Json j = Json::object();
    for (const auto& f : kVideoIntFields)
        put(j, f.name, v.*f.member);
    put(j, "videoProfile", v.videoProfile);
    putExtra(j, v.extra);
    return j;
}

StreamProvision decodeStream(const Json& j, const std::string& path, Problems& problems) {
    StreamProvision s;
    ObjectReader r(j, path, problems);
    r.read("streamGuid", s.streamGuid);
    r.read("abrLevel", s.abrLevel);
    r.read("qos", s.qos);
    r.read("destUri", s.destUri);
    if (const Json* v = r.take("videoParams"))
        s.videoParams = decodeVideo(*v, r.pathOf("videoParams"), problems);
    if (const Json* g = r.take("groupParams")) {
        GroupParams gp;
        ObjectReader gr(*g, r.pathOf("groupParams"), problems);
        gr.read("group", gp.group);
        gr.read("core", gp.core);
        gr.read("audioTracks", gp.audioTracks);
        gr.read("videoTracks", gp.videoTracks);
        gp.extra = gr.extra();
        s.groupParams = std::move(gp);
    }
    if (const Json* c = r.take("camParams")) {
        CamParams cp;
        ObjectReader cr(*c, r.pathOf("camParams"), problems);
        std::optional<StringMap> props;
        cr.read("properties", props);
        cp.properties = props.value_or(StringMap{});
        cp.extra = cr.extra();
        s.camParams = std::move(cp);
    }
    if (const Json* c = r.take("cloudParams")) {
        CloudParams cp;
        ObjectReader cr(*c, r.pathOf("cloudParams"), problems);
        cr.read("bucketName", cp.bucketName);
        cr.read("fileStorageName", cp.fileStorageName);
        cp.extra = cr.extra();
        s.cloudParams = std::move(cp);
    }
    s.extra = r.extra();
    return s;
}

Json encodeStream(const StreamProvision& s) {
    Json j = Json::object();
    put(j, "streamGuid", s.streamGuid);
    put(j, "abrLevel", s.abrLevel);
    put(j, "qos", s.qos);
    put(j, "destUri", s.destUri);
    if (s.videoParams)
        j["videoParams"] = encodeVideo(*s.videoParams);
    if (s.groupParams) {
        Json g = Json::object();
        put(g, "group", s.groupParams->group);
        put(g, "core", s.groupParams->core);
        put(g, "audioTracks", s.groupParams->audioTracks);
        put(g, "videoTracks", s.groupParams->videoTracks);
        putExtra(g, s.groupParams->extra);
        j["groupParams"] = std::move(g);
    }
    if (s.camParams) {
        Json c = {{"properties", s.camParams->properties}};
        putExtra(c, s.camParams->extra);
        j["camParams"] = std::move(c);
    }
    if (s.cloudParams) {
        Json c = Json::object();
        put(c, "bucketName", s.cloudParams->bucketName);
        put(c, "fileStorageName", s.cloudParams->fileStorageName);
        putExtra(c, s.cloudParams->extra);
        j["cloudParams"] = std::move(c);
    }
    putExtra(j, s.extra);
    return j;
}

void validateStream(const StreamProvision& s, const std::string& p, Problems& out) {
    if (!s.streamGuid)
        out.push_back({joinPath(p, "streamGuid"), "is required"});
    else if (auto why = checkStreamGuid(*s.streamGuid))
        out.push_back({joinPath(p, "streamGuid"), *why});
    if (s.abrLevel && *s.abrLevel < 0)
        out.push_back({joinPath(p, "abrLevel"), "must be >= 0"});
    if (s.videoParams) {
        const std::string vp = joinPath(p, "videoParams");
        for (const auto& f : kVideoIntFields) {
            const auto& v = (*s.videoParams).*f.member;
            if (v && (*v < f.lo || *v > f.hi))
                out.push_back({joinPath(vp, f.name), "must be between " + std::to_string(f.lo) +
                                                         " and " + std::to_string(f.hi) + ", got " +
                                                         std::to_string(*v)});
        }
        const auto& prof = s.videoParams->videoProfile;
        if (prof && *prof != "baseline" && *prof != "main" && *prof != "high")
            out.push_back({joinPath(vp, "videoProfile"),
                           "must be baseline, main or high, got " + sy::quoted(*prof)});
    }
    if (s.cloudParams) {
        const std::string cp = joinPath(p, "cloudParams");
        const auto& b = s.cloudParams->bucketName;
        if (b && (b->size() < 3 || b->size() > 63))
            out.push_back({joinPath(cp, "bucketName"), "must be 3..63 characters"});
        const auto& f = s.cloudParams->fileStorageName;
        if (f && (f->empty() || f->size() > 1024 || f->find("..") != std::string::npos))
            out.push_back(
                {joinPath(cp, "fileStorageName"), "must be 1..1024 characters without '..'"});
    }
}

} // namespace

std::optional<std::string> checkStreamGuid(std::string_view guid) {
    if (guid.size() < 3 || guid.size() > 1024)
        return "must be 3..1024 characters, got " + std::to_string(guid.size());
    if (guid.find('/') == std::string_view::npos)
        return "must be app/[room/]name, got " + sy::quoted(guid);
    for (auto seg : split(guid, '/'))
        if (!isSafeName(seg))
            return "each part of app/[room/]name must use only letters, digits, '.', '_' and '-' "
                   "and start with a letter or digit, got " +
                   sy::quoted(guid);
    return std::nullopt;
}

Json encodeProvision(const ProvisionRequest& p) {
    Json j = Json::object();
    put(j, "provisionGuid", p.provisionGuid);
    if (p.streams) {
        j["streams"] = Json::array();
        for (const auto& s : *p.streams)
            j["streams"].push_back(encodeStream(s));
    }
    if (p.capabilities) {
        j["capabilities"] = Json::array();
        for (auto c : *p.capabilities)
            j["capabilities"].push_back(std::string(toString(c)));
    }
    if (p.credentials) {
        Json c = Json::object();
        put(c, "username", p.credentials->username);
        put(c, "password", p.credentials->password);
        put(c, "token", p.credentials->token);
        putExtra(c, p.credentials->extra);
        j["credentials"] = std::move(c);
    }
    put(j, "geoRules", p.geoRules);
    putExtra(j, p.extra);
    return j;
}

ProvisionRequest decodeProvision(const Json& j, const std::string& path, Problems& problems) {
    ProvisionRequest p;
    ObjectReader r(j, path, problems);
    r.read("provisionGuid", p.provisionGuid);
    // Red5's Android and iOS testbeds send {"streamGuid":"live/s","messageType":
    // "ProvisionCommand","streams":[…]} without a provisionGuid, then read the provision back by
    // that guid (reference §9.5): it names the provision. Both members stay as sent (extra).
    if (const auto g = j.is_object() ? j.find("streamGuid") : j.end();
        !p.provisionGuid && g != j.end() && g->is_string())
        p.provisionGuid = g->get<std::string>();
    if (const Json* s = r.take("streams")) {
        if (!s->is_array()) {
            problems.push_back({r.pathOf("streams"), "must be an array"});
        } else {
            p.streams.emplace();
            for (std::size_t i = 0; i < s->size(); ++i)
                p.streams->push_back(
                    decodeStream((*s)[i], indexPath(r.pathOf("streams"), i), problems));
        }
    }
    std::optional<std::vector<std::string>> caps;
    r.read("capabilities", caps);
    if (caps) {
        p.capabilities.emplace();
        for (std::size_t i = 0; i < caps->size(); ++i) {
            if (auto c = capabilityFromString((*caps)[i]))
                p.capabilities->push_back(*c);
            else
                problems.push_back({indexPath(r.pathOf("capabilities"), i),
                                    "unknown capability " + sy::quoted((*caps)[i])});
        }
    }
    if (const Json* c = r.take("credentials")) {
        Credentials cr;
        ObjectReader rr(*c, r.pathOf("credentials"), problems);
        rr.read("username", cr.username);
        rr.read("password", cr.password);
        rr.read("token", cr.token);
        cr.extra = rr.extra();
        p.credentials = std::move(cr);
    }
    if (const Json* g = r.take("geoRules"))
        p.geoRules = *g;
    p.extra = r.extra();
    return p;
}

Problems validateProvision(const ProvisionRequest& p, const std::string& path) {
    Problems out;
    if (!p.provisionGuid)
        out.push_back({joinPath(path, "provisionGuid"), "is required (or a top-level streamGuid)"});
    else if (p.provisionGuid->size() < 3 || p.provisionGuid->size() > 256)
        out.push_back({joinPath(path, "provisionGuid"), "must be 3..256 characters"});
    else if (auto why = checkStreamGuid(*p.provisionGuid);
             why && p.provisionGuid->find('/') != std::string::npos)
        out.push_back({joinPath(path, "provisionGuid"), *why});
    else if (p.provisionGuid->find('/') == std::string::npos && !isSafeName(*p.provisionGuid))
        out.push_back({joinPath(path, "provisionGuid"),
                       "must use only letters, digits, '.', '_', '-' and '/'"});
    if (!p.streams || p.streams->empty())
        out.push_back({joinPath(path, "streams"), "needs at least one stream"});
    else
        for (std::size_t i = 0; i < p.streams->size(); ++i)
            validateStream((*p.streams)[i], indexPath(joinPath(path, "streams"), i), out);
    return out;
}

Result<std::vector<ProvisionRequest>, Problems> parseProvisions(const Json& j) {
    Problems problems;
    std::vector<ProvisionRequest> out;
    auto one = [&](const Json& item, const std::string& path) {
        const auto before = problems.size();
        ProvisionRequest p = decodeProvision(item, path, problems);
        if (problems.size() == before)
            for (auto& pr : validateProvision(p, path))
                problems.push_back(std::move(pr));
        out.push_back(std::move(p));
    };
    if (j.is_array()) {
        if (j.empty())
            problems.push_back({"", "needs at least one provision"});
        for (std::size_t i = 0; i < j.size(); ++i)
            one(j[i], indexPath("", i));
    } else {
        one(j, "");
    }
    if (!problems.empty())
        return unexpected(std::move(problems));
    return out;
}

} // namespace sy::model
