#include "ui/shell/consolepages.h"

#include "ui/panels/emptypanel.h"
#include "ui/shell/mainwindow.h"

#include <QObject>

namespace sy::ui {

void addStandardPages(MainWindow& window) {
    struct Page {
        const char* name;
        const char* icon;
        QString title;
        QString explanation;
    };
    const Page pages[] = {
        {"overview", ":/icons/overview.svg", QObject::tr("Overview"),
         QObject::tr("Publishers, viewers, nodes by state, ingress and egress per node group, "
                     "with the latest scaling decisions and the reason for each. Start a cluster "
                     "or attach to a Stream Manager to fill this page.")},
        {"topology", ":/icons/topology.svg", QObject::tr("Topology"),
         QObject::tr("Node groups, regions, origins, relays and edges, coloured by state, with "
                     "load bars and the path each stream takes.")},
        {"charts", ":/icons/charts.svg", QObject::tr("Live Charts"),
         QObject::tr("Viewers, publishers, nodes by state, bandwidth and CPU per role over the "
                     "last five minutes or hour.")},
        {"nodes", ":/icons/nodes.svg", QObject::tr("Nodes"),
         QObject::tr("Every node with its role, region, state and load; drain a node or scale "
                     "a role by hand from here.")},
        {"streams", ":/icons/streams.svg", QObject::tr("Streams"),
         QObject::tr("Live streams with their origin, edges, viewers and bitrate.")},
        {"provisions", ":/icons/provisions.svg", QObject::tr("Provisions"),
         QObject::tr("Transcoding ladders, restreamers, social destinations and recordings.")},
        {"events", ":/icons/events.svg", QObject::tr("Events"),
         QObject::tr("Scaling decisions, node faults, stream starts and stops, and API errors, "
                     "newest first.")},
    };
    for (const auto& p : pages) {
        auto* panel = new EmptyPanel(p.title, QIcon(QString::fromLatin1(p.icon)), p.explanation);
        panel->setObjectName(QLatin1String(p.name) + QLatin1String("Panel"));
        window.addPanel(panel);
    }
}

} // namespace sy::ui
