// The core's one JSON reader (issue 14.1, 14.11): a nesting limit checked before anything deep is
// built, every failure an error naming where (never an exception), and otherwise the same value
// as nlohmann's own parser.

#include "core/model/jsontext.h"

#include "tests/support/jsontest.h"

#include <QElapsedTimer>
#include <QTest>

using sy::model::kMaxJsonDepth;
using sy::model::parseJsonText;
using Json = nlohmann::json;

namespace {

std::string arrays(std::size_t depth, const std::string& inner = {}) {
    return std::string(depth, '[') + inner + std::string(depth, ']');
}

std::string objects(std::size_t depth) {
    std::string out;
    for (std::size_t i = 0; i < depth; ++i)
        out += R"({"a":)";
    return out + "1" + std::string(depth, '}');
}

struct Refused {
    const char* name;
    std::string text;
    std::string mentions;
};

const std::vector<Refused>& refusedRows() {
    static const std::vector<Refused> rows = {
        {"65 arrays", arrays(65), "nests deeper than 64 levels (line 1, column 65)"},
        {"65 objects", objects(65), "nests deeper than 64 levels (line 1, column 321)"},
        {"200000 arrays", arrays(200000), "nests deeper than 64 levels (line 1, column 65)"},
        {"a million unclosed", std::string(1000000, '['), "nests deeper than 64 levels"},
        {"deep on line 3", "{\n\"x\":\n" + arrays(70),
         "nests deeper than 64 levels (line 3, column 64)"},
        {"number overflow", R"({"name":-33E333})",
         "is not valid JSON: line 1, column 16: number overflow parsing '-33E333' (at name)"},
        {"overflow in an array", "[1, 2, 1e999]", "(at [2])"},
        {"overflow deep in a path", R"({"groups":{"e u":{"max":[0, -1E400]}}})",
         R"((at groups["e u"].max[1]))"},
        {"syntax error", "{\n  \"a\": tru }", "is not valid JSON: line 2, column "},
        {"syntax error path", R"({"a":[1,{"b":x}]})", "(at a[1].b)"},
        {"trailing garbage", "{} x", "is not valid JSON: line 1, column 4"},
        {"empty", "", "is not valid JSON"},
        {"bad UTF-8", "[\"\xff\"]", "is not valid JSON"},
        {"unpaired surrogate", R"(["\ud800"])", "is not valid JSON"},
    };
    return rows;
}

} // namespace

class TestJsonText : public QObject {
    Q_OBJECT
private slots:
    void acceptsUpToTheLimit();
    void refused_data();
    void refused();
    void deepRefusalIsFast();
    void bracketsInStringsDoNotCount();
    void sameValueAsNlohmann_data();
    void sameValueAsNlohmann();
    void limitIsAParameter();
};

void TestJsonText::acceptsUpToTheLimit() {
    QCOMPARE(kMaxJsonDepth, 64);
    auto a = parseJsonText(arrays(64));
    QVERIFY2(a.ok(), a.ok() ? "" : a.error().c_str());
    QCOMPARE(a->dump(), arrays(64));
    auto o = parseJsonText(objects(64));
    QVERIFY2(o.ok(), o.ok() ? "" : o.error().c_str());
    QCOMPARE(o->dump(), objects(64));
    // Scalars do not count as a level.
    QVERIFY(parseJsonText("5").ok());
}

void TestJsonText::refused_data() {
    QTest::addColumn<int>("index");
    for (std::size_t i = 0; i < refusedRows().size(); ++i)
        QTest::addRow("%s", refusedRows()[i].name) << int(i);
}

void TestJsonText::refused() {
    QFETCH(int, index);
    const auto& row = refusedRows()[static_cast<std::size_t>(index)];
    const auto r = parseJsonText(row.text);
    QVERIFY2(!r.ok(), "accepted");
    QVERIFY2(r.error().find(row.mentions) != std::string::npos, r.error().c_str());
    QVERIFY2(r.error().find("json.exception") == std::string::npos, r.error().c_str());
}

void TestJsonText::deepRefusalIsFast() {
    // Refused at level 65: nothing past it is read, so ten megabytes of brackets cost nothing.
    const std::string deep(10'000'000, '[');
    QElapsedTimer t;
    t.start();
    QVERIFY(!parseJsonText(deep).ok());
    QVERIFY2(t.elapsed() < 2000, qPrintable(QString::number(t.elapsed())));
}

void TestJsonText::bracketsInStringsDoNotCount() {
    const std::string text = R"(["\"[[[[[[[[[[)" + std::string(200, '[') + R"(", {"k[": "]"}])";
    auto r = parseJsonText(text);
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().c_str());
    QCOMPARE_JSON(*r, Json::parse(text));
}

void TestJsonText::sameValueAsNlohmann_data() {
    QTest::addColumn<QByteArray>("text");
    QTest::addRow("object") << QByteArray(R"({"a": 1, "b": [true, false, null], "c": {"d": "e"}})");
    QTest::addRow("duplicate keys, last wins") << QByteArray(R"({"a": [1], "a": {"b": 2}})");
    QTest::addRow("numbers") << QByteArray(
        R"([0, -0, 1.5e3, -2.25E-2, 9223372036854775807, 18446744073709551615, -9223372036854775808])");
    QTest::addRow("unicode escapes") << QByteArray(R"({"\u00e9\ud83d\ude00": "caf\u00e9\n"})");
    QTest::addRow("empty containers") << QByteArray(R"([{}, [], [[]], {"a": {}}])");
    QTest::addRow("whitespace") << QByteArray(" \n\t[ 1 ,\r\n 2 ] \n");
    QTest::addRow("top-level string") << QByteArray(R"("just a string")");
    QTest::addRow("arrays after objects") << QByteArray(R"([{"a": [1, {"b": [2, 3]}]}, [4], 5])");
}

void TestJsonText::sameValueAsNlohmann() {
    QFETCH(QByteArray, text);
    const std::string s = text.toStdString();
    auto r = parseJsonText(s);
    QVERIFY2(r.ok(), r.ok() ? "" : r.error().c_str());
    const Json expected = Json::parse(s);
    QCOMPARE_JSON(*r, expected);
    QCOMPARE(r->type(), expected.type());
}

void TestJsonText::limitIsAParameter() {
    QVERIFY(parseJsonText(arrays(3), 3).ok());
    const auto r = parseJsonText(R"({"a": [[[1]]]})", 3);
    QVERIFY(!r.ok());
    QVERIFY2(r.error() == "nests deeper than 3 levels (line 1, column 9)", r.error().c_str());
}

QTEST_APPLESS_MAIN(TestJsonText)
#include "tst_jsontext.moc"
