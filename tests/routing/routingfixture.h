#pragma once
// Shared by the routing tests: node groups from tests/data/nodegroups and synthetic nodes built
// from their roles and scale rules, so that each test states only what it varies.

#include "core/model/nodegroup.h"
#include "core/routing/parentassignment.h"
#include "core/routing/routingtable.h"
#include "core/routing/streamrouter.h"

#include <QMetaType>
#include <QStringList>

#include <initializer_list>
#include <memory>
#include <string>
#include <vector>

namespace routingtest {

using sy::model::NodeGroupConfig;
using sy::routing::RoutableNode;
using Nodes = std::vector<RoutableNode>;

// A validated example, loaded once; fails the whole test run when the file does not load.
const NodeGroupConfig& example(const std::string& file);

// An INSERVICE node of `role` in `subGroup` with the role's capabilities and the limit its scale
// rule's capacityLimitExpression gives on an idle node. Address 127.0.0.1 and a port of its own,
// like the LOCAL provider, so that urls.rtmp tells nodes apart.
RoutableNode makeNode(const NodeGroupConfig& ng, const std::string& id, const std::string& subGroup,
                      const std::string& role, double ranking = 0);
RoutableNode withStream(RoutableNode n, const std::string& guid,
                        sy::routing::CarriedAs as = sy::routing::CarriedAs::Publishing,
                        long long viewers = 0);
RoutableNode withState(RoutableNode n, sy::model::NodeState state);
RoutableNode draining(RoutableNode n);

// The table for `nodes`, with the config's shuffleSizeExpression or `shuffleOverride` when given.
std::shared_ptr<const sy::routing::RoutingTable> tableOf(const NodeGroupConfig& ng, Nodes nodes,
                                                         const char* shuffleOverride = nullptr);

// Node ids of the locations of an answer, in answer order (found through urls.rtmp).
QStringList idsOf(const sy::routing::RoutingTable& table, const sy::routing::Locations& answer);

// The answer as node ids, or the error status alone ("404") so that rows compare one list.
QStringList outcomeOf(const sy::routing::RoutingTable& table,
                      const sy::Result<sy::routing::Locations, sy::routing::RoutingError>& r);

// QStringList from literals (QT_NO_CAST_FROM_ASCII forbids the implicit conversion).
QStringList ids(std::initializer_list<const char*> list);

QStringList toQt(const std::vector<std::string>& list);
std::vector<std::string> splitCsv(const QString& csv);

} // namespace routingtest

Q_DECLARE_METATYPE(routingtest::Nodes)
