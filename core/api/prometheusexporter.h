#pragma once
// The body of GET /metrics: the cluster snapshot (and the API's request metrics) in the
// Prometheus text exposition format, version 0.0.4. A pure function of its inputs, so the output
// is deterministic: families in a fixed order, series sorted by their labels.
//
// Families (every one with HELP and TYPE; a family without samples is left out):
//   switchyard_info{version}, switchyard_start_time_seconds, switchyard_snapshot_version,
//   switchyard_snapshot_timestamp_seconds, switchyard_cluster_observed,
//   switchyard_reconcile_tick_seconds
//   streams_node_state{nodegroup,subgroup,role,node,state}: 1 for the node's CURRENT state only.
//     One series per node rather than one per state with zeros keeps 10x fewer series; a state
//     change shows as one series ending and another starting, and `count by (state)` still
//     works (autoscale_nodes has those counts precomputed).
//   streams_streams_number, streams_publishers_number, streams_subscribers_number,
//   streams_connections_number{nodegroup,subgroup,role,node}
//   streams_node_cpu_load_ratio, streams_node_memory_rss_bytes,
//   streams_node_network_ingress_kbps, streams_node_network_egress_kbps (when reported),
//   streams_node_capacity_ranking, streams_node_capacity_limit,
//   streams_node_last_report_timestamp_seconds (once the node has reported)
//   autoscale_nodes{nodegroup,subgroup,role,state} (states with at least one node),
//   autoscale_scaling_paused{nodegroup}, autoscale_min_nodes / autoscale_max_nodes (rules),
//   autoscale_active_nodes / autoscale_desired_nodes / autoscale_last_decision{…,action}
//   (last decisions), autoscale_last_decision_timestamp_seconds{nodegroup}
//   switchyard_http_requests_total{method,route,status},
//   switchyard_http_request_duration_seconds{route} (histogram),
//   switchyard_http_login_failures_total

#include "core/api/requestmetrics.h"
#include "core/engine/clustersnapshot.h"

#include <cstdint>
#include <string>

namespace sy::api {

struct ExporterInfo {
    std::string version;
    std::int64_t startTimeMs = 0; // epoch ms; 0 leaves switchyard_start_time_seconds out
};

// The content type to answer GET /metrics with.
inline constexpr const char* kPrometheusContentType = "text/plain; version=0.0.4; charset=utf-8";

std::string renderPrometheus(const engine::ClusterSnapshot& snapshot,
                             const RequestMetrics* requests = nullptr,
                             const ExporterInfo& info = {});

} // namespace sy::api
