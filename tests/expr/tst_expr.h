#pragma once
// Shared by the expression engine tests: the test class (split over two files to keep each small)
// and fixture helpers.

#include "core/expr/expression.h"

#include <QObject>
#include <QtTest>

#include <string_view>

namespace exprtest {

inline std::string_view view(const QByteArray& b) {
    return {b.constData(), static_cast<std::size_t>(b.size())};
}

// The standard catalog's slot of a name the fixtures use.
inline std::size_t slot(const char* name) {
    const auto s = sy::expr::MetricCatalog::standard().slotOf(name);
    if (!s)
        qFatal("test fixture uses unknown metric %s", name);
    return *s;
}

} // namespace exprtest

class TestExpr : public QObject {
    Q_OBJECT

private slots:
    void capacityValues_data();
    void capacityValues();
    void capacityBatchMatchesSingleNode();
    void scaleValues_data();
    void scaleValues();
    void scaleOverNoNodes();
    void scaleFromAggregateSet();
    void red5ScaleDefaults_data();
    void red5ScaleDefaults();
    void red5Routability_data();
    void red5Routability();
    void shuffleSize_data();
    void shuffleSize();
    void invalidCapacity_data();
    void invalidCapacity();
    void invalidScale_data();
    void invalidScale();
    void invalidShuffleAndLimits_data();
    void invalidShuffleAndLimits();
    void errorMessageNamesColumnAndExpectation();
    void unknownMetric_data();
    void unknownMetric();
    void catalogHasReferenceNames();
    void catalogWithExtras();
    void referencedSlots();
    void toStringRoundTrips_data();
    void toStringRoundTrips();
};
