#pragma once
// The routing tests, split over three files by concept: publish selection (tst_routing_publish),
// subscribe selection (tst_routing_subscribe) and parent assignment (tst_routing_parents).

#include "routingfixture.h"

#include <QObject>
#include <QtTest>

class TestRouting : public QObject {
    Q_OBJECT

private slots:
    // publish
    void publishFilters_data();
    void publishFilters();
    void relayIsNeverRoutable();
    void subGroupPreference_data();
    void subGroupPreference();
    void strictAndEndpoints_data();
    void strictAndEndpoints();
    void bestSetHoldsOnlyTiedNodes_data();
    void bestSetHoldsOnlyTiedNodes();
    void shuffleSizeCapsTheBestSet();
    void sameSeedSameDecisions();
    void badRequests_data();
    void badRequests();
    void transcode_data();
    void transcode();
    void maxPublishers_data();
    void maxPublishers();
    void locationFields_data();
    void locationFields();
    void errorMessagesNameTheCause();
    // subscribe
    void subscribeCandidates_data();
    void subscribeCandidates();
    void subscribePreference_data();
    void subscribePreference();
    void maxSubscribers_data();
    void maxSubscribers();
    void subscribeSpreadsOverTiedEdges();
    void subscribeAnswersEachNodeOnce();
    void tableIndexes();
    // parents
    void parentsGlobalAndSubGroup_data();
    void parentsGlobalAndSubGroup();
    void autoGroupBalances();
    void autoGroupIsStable_data();
    void autoGroupIsStable();
    void parentsAreDeterministic();
};
