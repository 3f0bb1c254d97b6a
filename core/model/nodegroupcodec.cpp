#include "core/model/nodegroupcodec.h"

#include "core/model/jsonfields.h"
#include "core/model/validation.h"
#include "core/util/strings.h"

namespace sy::model {

namespace {

// Decodes a JSON object of objects keyed by name, with `decode(value, path)` for each value.
template <class T, class F>
void readMap(ObjectReader& r, std::string_view key, std::optional<std::map<std::string, T>>& out,
             F decode) {
    const Json* v = r.take(key);
    if (!v)
        return;
    if (!v->is_object()) {
        r.problems().push_back(
            {r.pathOf(key), std::string("must be an object keyed by name, got ") + jsonKind(*v)});
        return;
    }
    std::map<std::string, T> items;
    for (const auto& [k, e] : v->items())
        items.emplace(k, decode(e, joinPath(r.pathOf(key), k)));
    out = std::move(items);
}

template <class T, class F>
void readArray(ObjectReader& r, std::string_view key, std::optional<std::vector<T>>& out,
               F decode) {
    const Json* v = r.take(key);
    if (!v)
        return;
    if (!v->is_array()) {
        r.problems().push_back(
            {r.pathOf(key), std::string("must be an array, got ") + jsonKind(*v)});
        return;
    }
    std::vector<T> items;
    for (std::size_t i = 0; i < v->size(); ++i)
        items.push_back(decode((*v)[i], indexPath(r.pathOf(key), i)));
    out = std::move(items);
}

template <class E, class FromString>
void readEnum(ObjectReader& r, std::string_view key, std::optional<E>& out, FromString from,
              std::span<const std::string_view> names) {
    std::optional<std::string> s;
    r.read(key, s);
    if (!s)
        return;
    if (auto e = from(*s))
        out = *e;
    else
        r.problems().push_back(
            {r.pathOf(key), "unknown value " + sy::quoted(*s) + "; expected " + joinNames(names)});
}

PropertyOverride decodeOverride(const Json& j, const std::string& path, Problems& problems) {
    PropertyOverride o;
    ObjectReader r(j, path, problems);
    r.read("fileName", o.fileName);
    r.read("properties", o.properties);
    r.read("blocks", o.blocks);
    o.extra = r.extra();
    return o;
}

Json encodeOverride(const PropertyOverride& o) {
    Json j = Json::object();
    put(j, "fileName", o.fileName);
    put(j, "properties", o.properties);
    put(j, "blocks", o.blocks);
    putExtra(j, o.extra);
    return j;
}

Schedule decodeSchedule(const Json& j, const std::string& path, Problems& problems) {
    Schedule s;
    ObjectReader r(j, path, problems);
    r.read("name", s.name);
    r.read("startAt", s.startAt);
    r.read("durationS", s.durationS);
    s.extra = r.extra();
    return s;
}

Image decodeImage(const Json& j, const std::string& path, Problems& problems) {
    Image im;
    ObjectReader r(j, path, problems);
    r.read("name", im.name);
    r.read("image", im.image);
    r.read("cloudProperties", im.cloudProperties);
    r.read("tags", im.tags);
    im.extra = r.extra();
    return im;
}

StreamAccess decodeStreamAccess(const Json& j, const std::string& path, Problems& problems) {
    StreamAccess a;
    ObjectReader r(j, path, problems);
    r.read("publish", a.publish);
    r.read("play", a.play);
    r.read("subscribeRole", a.subscribeRole);
    r.read("oneTime", a.oneTime);
    r.read("tokenTtlSeconds", a.tokenTtlSeconds);
    r.read("validateUrl", a.validateUrl);
    a.extra = r.extra();
    return a;
}

Json encodeStreamAccess(const StreamAccess& a) {
    Json o = Json::object();
    put(o, "publish", a.publish);
    put(o, "play", a.play);
    put(o, "subscribeRole", a.subscribeRole);
    put(o, "oneTime", a.oneTime);
    put(o, "tokenTtlSeconds", a.tokenTtlSeconds);
    put(o, "validateUrl", a.validateUrl);
    putExtra(o, a.extra);
    return o;
}

HlsSettings decodeHls(const Json& j, const std::string& path, Problems& problems) {
    HlsSettings h;
    ObjectReader r(j, path, problems);
    r.read("enabled", h.enabled);
    r.read("fragmentSeconds", h.fragmentSeconds);
    r.read("playlistSeconds", h.playlistSeconds);
    h.extra = r.extra();
    return h;
}

Json encodeHls(const HlsSettings& h) {
    Json o = Json::object();
    put(o, "enabled", h.enabled);
    put(o, "fragmentSeconds", h.fragmentSeconds);
    put(o, "playlistSeconds", h.playlistSeconds);
    putExtra(o, h.extra);
    return o;
}

void readCapabilities(ObjectReader& r, std::optional<std::vector<Capability>>& out) {
    std::optional<std::vector<std::string>> names;
    const auto before = r.problems().size();
    r.read("capabilities", names);
    if (!names || r.problems().size() != before)
        return;
    std::vector<Capability> caps;
    for (std::size_t i = 0; i < names->size(); ++i) {
        if (auto c = capabilityFromString((*names)[i]))
            caps.push_back(*c);
        else
            r.problems().push_back({indexPath(r.pathOf("capabilities"), i),
                                    "unknown capability " + sy::quoted((*names)[i]) +
                                        "; expected " + joinNames(capabilityNames())});
    }
    out = std::move(caps);
}

NodeRole decodeRole(const Json& j, const std::string& path, Problems& problems) {
    NodeRole role;
    ObjectReader r(j, path, problems);
    r.read("name", role.name);
    r.read("imageName", role.imageName);
    readCapabilities(r, role.capabilities);
    r.read("parentRoleName", role.parentRoleName);
    static constexpr std::string_view kCard[] = {"GLOBAL", "SUBGROUP", "AUTOGROUP"};
    static constexpr std::string_view kLife[] = {"AUTO", "MANUAL"};
    readEnum(r, "parentCardinality", role.parentCardinality, parentCardinalityFromString, kCard);
    readEnum(r, "lifecycle", role.lifecycle, lifecycleFromString, kLife);
    readArray(r, "propertyOverrides", role.propertyOverrides,
              [&](const Json& e, const std::string& p) { return decodeOverride(e, p, problems); });
    r.read("initScripts", role.initScripts);
    r.read("cloudProperties", role.cloudProperties);
    r.read("tags", role.tags);
    role.extra = r.extra();
    return role;
}

Json encodeRole(const NodeRole& role) {
    Json j = Json::object();
    put(j, "name", role.name);
    put(j, "imageName", role.imageName);
    if (role.capabilities) {
        Json caps = Json::array();
        for (auto c : *role.capabilities)
            caps.push_back(std::string(toString(c)));
        j["capabilities"] = std::move(caps);
    }
    put(j, "parentRoleName", role.parentRoleName);
    if (role.parentCardinality)
        j["parentCardinality"] = std::string(toString(*role.parentCardinality));
    if (role.lifecycle)
        j["lifecycle"] = std::string(toString(*role.lifecycle));
    if (role.propertyOverrides) {
        j["propertyOverrides"] = Json::array();
        for (const auto& o : *role.propertyOverrides)
            j["propertyOverrides"].push_back(encodeOverride(o));
    }
    put(j, "initScripts", role.initScripts);
    put(j, "cloudProperties", role.cloudProperties);
    put(j, "tags", role.tags);
    putExtra(j, role.extra);
    return j;
}

void readRules(ObjectReader& r, SubGroupConfig& sg) {
    const Json* v = r.take("rulesByRole");
    if (!v)
        return;
    const std::string base = r.pathOf("rulesByRole");
    std::map<std::string, ScaleRule> rules;
    if (v->is_object()) {
        for (const auto& [k, e] : v->items())
            rules.emplace(k, decodeScaleRule(e, joinPath(base, k), r.problems()));
    } else if (v->is_array()) {
        sg.rulesAsArray = true;
        for (std::size_t i = 0; i < v->size(); ++i) {
            const std::string p = indexPath(base, i);
            ScaleRule rule = decodeScaleRule((*v)[i], p, r.problems());
            if (!rule.nodeRoleName) {
                r.problems().push_back(
                    {joinPath(p, "nodeRoleName"), "is required when rulesByRole is an array"});
                continue;
            }
            if (rules.emplace(*rule.nodeRoleName, rule).second)
                sg.ruleArrayOrder.push_back(*rule.nodeRoleName);
            else
                r.problems().push_back(
                    {joinPath(p, "nodeRoleName"),
                     "duplicate rule for role " + sy::quoted(*rule.nodeRoleName)});
        }
    } else {
        r.problems().push_back(
            {base, std::string("must be an object keyed by role, got ") + jsonKind(*v)});
        return;
    }
    sg.rulesByRole = std::move(rules);
}

SubGroupConfig decodeSubGroup(const Json& j, const std::string& path, Problems& problems) {
    SubGroupConfig sg;
    ObjectReader r(j, path, problems);
    r.read("subGroupName", sg.subGroupName);
    r.read("nodeGroupName", sg.nodeGroupName);
    r.read("groupType", sg.groupType);
    r.read("cloudProperties", sg.cloudProperties);
    r.read("tags", sg.tags);
    readRules(r, sg);
    readArray(r, "childGroups", sg.childGroups,
              [&](const Json& e, const std::string& p) { return decodeSubGroup(e, p, problems); });
    sg.extra = r.extra();
    return sg;
}

Json encodeSubGroup(const SubGroupConfig& sg) {
    Json j = Json::object();
    put(j, "subGroupName", sg.subGroupName);
    put(j, "nodeGroupName", sg.nodeGroupName);
    put(j, "groupType", sg.groupType);
    put(j, "cloudProperties", sg.cloudProperties);
    put(j, "tags", sg.tags);
    if (sg.rulesByRole) {
        Json rules = sg.rulesAsArray ? Json::array() : Json::object();
        for (const auto& role : ruleOrder(sg)) {
            if (sg.rulesAsArray)
                rules.push_back(encodeScaleRule(sg.rulesByRole->at(role)));
            else
                rules[role] = encodeScaleRule(sg.rulesByRole->at(role));
        }
        j["rulesByRole"] = std::move(rules);
    }
    if (sg.childGroups) {
        j["childGroups"] = Json::array();
        for (const auto& c : *sg.childGroups)
            j["childGroups"].push_back(encodeSubGroup(c));
    }
    putExtra(j, sg.extra);
    return j;
}

template <class T, class F>
Json encodeMap(const std::map<std::string, T>& m, F encode) {
    Json j = Json::object();
    for (const auto& [k, v] : m)
        j[k] = encode(v);
    return j;
}

} // namespace

ScaleRule decodeScaleRule(const Json& j, const std::string& path, Problems& problems) {
    ScaleRule rule;
    ObjectReader r(j, path, problems);
    r.read("nodeGroupName", rule.nodeGroupName);
    r.read("subGroupName", rule.subGroupName);
    r.read("nodeRoleName", rule.nodeRoleName);
    r.read("min", rule.min);
    r.read("max", rule.max);
    r.read("increment", rule.increment);
    r.read("outExpression", rule.outExpression);
    r.read("inExpression", rule.inExpression);
    r.read("capacityRankingExpression", rule.capacityRankingExpression);
    r.read("capacityLimitExpression", rule.capacityLimitExpression);
    rule.extra = r.extra();
    return rule;
}

Json encodeScaleRule(const ScaleRule& rule) {
    Json j = Json::object();
    put(j, "nodeGroupName", rule.nodeGroupName);
    put(j, "subGroupName", rule.subGroupName);
    put(j, "nodeRoleName", rule.nodeRoleName);
    put(j, "min", rule.min);
    put(j, "max", rule.max);
    put(j, "increment", rule.increment);
    put(j, "outExpression", rule.outExpression);
    put(j, "inExpression", rule.inExpression);
    put(j, "capacityRankingExpression", rule.capacityRankingExpression);
    put(j, "capacityLimitExpression", rule.capacityLimitExpression);
    putExtra(j, rule.extra);
    return j;
}

NodeGroupConfig decodeNodeGroup(const Json& j, Problems& problems) {
    NodeGroupConfig ng;
    ObjectReader r(j, "", problems);
    r.read("name", ng.name);
    r.read("description", ng.description);
    r.read("isScalingPaused", ng.isScalingPaused);
    r.read("cloudPlatform", ng.cloudPlatform);
    r.read("initScripts", ng.initScripts);
    r.read("cloudProperties", ng.cloudProperties);
    r.read("tags", ng.tags);
    r.read("clusterPassword", ng.clusterPassword);
    r.read("maxPublishers", ng.maxPublishers);
    r.read("maxSubscribers", ng.maxSubscribers);
    r.read("baseNodeGroupName", ng.baseNodeGroupName);
    r.read("shuffleSizeExpression", ng.shuffleSizeExpression);
    auto sub = [&](auto decode) {
        return [&problems, decode](const Json& e, const std::string& p) {
            return decode(e, p, problems);
        };
    };
    readArray(r, "propertyOverrides", ng.propertyOverrides, sub(decodeOverride));
    readMap(r, "schedules", ng.schedules, sub(decodeSchedule));
    readMap(r, "images", ng.images, sub(decodeImage));
    readMap(r, "roles", ng.roles, sub(decodeRole));
    // Tolerance rule 2: read `groups` or `subGroups`; `groups` wins when both are sent.
    if (r.valid() && j.contains("groups"))
        readMap(r, "groups", ng.groups, sub(decodeSubGroup));
    else
        readMap(r, "subGroups", ng.groups, sub(decodeSubGroup));
    if (const Json* a = r.take("streamAccess"))
        ng.streamAccess = decodeStreamAccess(*a, r.pathOf("streamAccess"), problems);
    if (const Json* h = r.take("hls"))
        ng.hls = decodeHls(*h, r.pathOf("hls"), problems);
    ng.extra = r.extra();
    if (ng.extra && ng.extra->contains("subGroups") && ng.groups)
        ng.extra->erase("subGroups"); // both were sent; the alias is not an unknown field
    if (ng.extra && ng.extra->empty())
        ng.extra.reset();
    return ng;
}

Json encodeNodeGroup(const NodeGroupConfig& ng) {
    Json j = Json::object();
    put(j, "name", ng.name);
    put(j, "description", ng.description);
    put(j, "isScalingPaused", ng.isScalingPaused);
    put(j, "cloudPlatform", ng.cloudPlatform);
    put(j, "initScripts", ng.initScripts);
    put(j, "cloudProperties", ng.cloudProperties);
    put(j, "tags", ng.tags);
    put(j, "clusterPassword", ng.clusterPassword);
    put(j, "maxPublishers", ng.maxPublishers);
    put(j, "maxSubscribers", ng.maxSubscribers);
    put(j, "baseNodeGroupName", ng.baseNodeGroupName);
    put(j, "shuffleSizeExpression", ng.shuffleSizeExpression);
    if (ng.propertyOverrides) {
        j["propertyOverrides"] = Json::array();
        for (const auto& o : *ng.propertyOverrides)
            j["propertyOverrides"].push_back(encodeOverride(o));
    }
    if (ng.schedules)
        j["schedules"] = encodeMap(*ng.schedules, [](const Schedule& s) {
            Json o = Json::object();
            put(o, "name", s.name);
            put(o, "startAt", s.startAt);
            put(o, "durationS", s.durationS);
            putExtra(o, s.extra);
            return o;
        });
    if (ng.images)
        j["images"] = encodeMap(*ng.images, [](const Image& im) {
            Json o = Json::object();
            put(o, "name", im.name);
            put(o, "image", im.image);
            put(o, "cloudProperties", im.cloudProperties);
            put(o, "tags", im.tags);
            putExtra(o, im.extra);
            return o;
        });
    if (ng.roles)
        j["roles"] = encodeMap(*ng.roles, encodeRole);
    if (ng.groups)
        j["groups"] = encodeMap(*ng.groups, encodeSubGroup);
    if (ng.streamAccess)
        j["streamAccess"] = encodeStreamAccess(*ng.streamAccess);
    if (ng.hls)
        j["hls"] = encodeHls(*ng.hls);
    putExtra(j, ng.extra);
    return j;
}

Result<NodeGroupConfig, Problems> parseNodeGroup(const Json& j) {
    Problems problems;
    NodeGroupConfig ng = decodeNodeGroup(j, problems);
    if (problems.empty() || j.is_object()) {
        Problems semantic = validateNodeGroup(ng);
        // Type problems already explain a missing value; don't report it twice.
        for (auto& p : semantic) {
            bool dup = false;
            for (const auto& q : problems)
                dup = dup || q.path == p.path;
            if (!dup)
                problems.push_back(std::move(p));
        }
    }
    if (!problems.empty())
        return unexpected(std::move(problems));
    return ng;
}

Result<NodeGroupConfig, Problems> parseNodeGroup(std::string_view text) {
    auto j = parseJsonText(text);
    if (!j)
        return unexpected(Problems{{"", j.error()}});
    return parseNodeGroup(*j);
}

} // namespace sy::model
