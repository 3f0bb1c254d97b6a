#pragma once
// Helpers of the store test: QTest glue for std types and results, raw SQLite access behind the
// store's back, and small fixtures.

#include "core/store/statestore.h"

#include <QByteArray>
#include <QFile>
#include <QString>
#include <QTest>

#include <sqlite3.h>

#include <string>

namespace QTest {
template <>
inline char* toString(const std::string& s) {
    return qstrdup(s.c_str());
}
} // namespace QTest

// The message of a failed result, for QVERIFY2.
#define SY_VERIFY_OK(r) QVERIFY2((r).ok(), (r).ok() ? "" : (r).error().message.c_str())
// QCOMPARE cannot take nlohmann::json (its conversion operator matches every QTest overload).
#define SY_COMPARE_JSON(actual, expected)                                                          \
    do {                                                                                           \
        const nlohmann::json a_ = (actual);                                                        \
        const nlohmann::json e_ = (expected);                                                      \
        QVERIFY2(a_ == e_, (a_.dump() + " != " + e_.dump()).c_str());                              \
    } while (false)
#define SY_VERIFY_ERROR(r, errorCode)                                                              \
    do {                                                                                           \
        QVERIFY2(!(r).ok(), "expected an error");                                                  \
        QCOMPARE((r).error().code, std::string(errorCode));                                        \
    } while (false)

namespace storetest {

// Runs SQL on the file through a connection of its own, behind the store's back.
inline bool rawExec(const std::string& path, const char* sql) {
    sqlite3* db = nullptr;
    bool ok = sqlite3_open(path.c_str(), &db) == SQLITE_OK &&
              sqlite3_exec(db, sql, nullptr, nullptr, nullptr) == SQLITE_OK;
    sqlite3_close(db);
    return ok;
}

// The first column of the first row, or "" on any failure.
inline std::string rawQuery(const std::string& path, const char* sql) {
    sqlite3* db = nullptr;
    sqlite3_stmt* stmt = nullptr;
    std::string value;
    if (sqlite3_open(path.c_str(), &db) == SQLITE_OK &&
        sqlite3_prepare_v2(db, sql, -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW) {
        value = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    sqlite3_close(db);
    return value;
}

// IntentState as text, so QCOMPARE can print it.
inline std::string name(sy::store::IntentState s) {
    return std::string(sy::store::toString(s));
}

// An intent request with fixed node and payload; tests vary token, group and action.
inline sy::store::IntentRequest request(std::string token, std::string group = "eu",
                                        std::string action = "create-node") {
    return {std::move(token), std::move(group), std::move(action), "node-1", {{"size", "m"}}};
}

inline bool writeFile(const std::string& path, const QByteArray& bytes) {
    QFile f(QString::fromStdString(path));
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

} // namespace storetest
