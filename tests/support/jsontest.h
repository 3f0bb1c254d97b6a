#pragma once
// QCOMPARE for nlohmann::json values: compares them and prints both as JSON text on failure.

#include <QString>
#include <QTest>

#include <nlohmann/json.hpp>

#define QCOMPARE_JSON(actual, expected)                                                            \
    QCOMPARE(QString::fromStdString(nlohmann::json(actual).dump()),                                \
             QString::fromStdString(nlohmann::json(expected).dump()))
