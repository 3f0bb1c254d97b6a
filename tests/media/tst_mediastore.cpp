// MediaStore: storage targets and the recordings journal in a real SQLite file.
#include "core/store/mediastore.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace sy::store;

namespace {

RecordingRecord recording(std::string group, std::string stream, std::int64_t startedMs,
                          RecordingState state) {
    RecordingRecord r;
    r.nodeGroup = std::move(group);
    r.streamGuid = std::move(stream);
    r.provisionGuid = "prov-1";
    r.target = "archive";
    r.localPath = "/data/recordings/" + r.streamGuid + "-" + std::to_string(startedMs) + ".mp4";
    r.remoteKey = "live/" + r.streamGuid + "/" + std::to_string(startedMs) + ".mp4";
    r.state = state;
    r.startedMs = startedMs;
    return r;
}

std::string path(const QTemporaryDir& dir) {
    return dir.filePath(QStringLiteral("media.db")).toStdString();
}

} // namespace

class TestMediaStore : public QObject {
    Q_OBJECT

private slots:
    void stateNames() {
        for (auto s : {RecordingState::Recording, RecordingState::Finalizing,
                       RecordingState::Pending, RecordingState::Uploading, RecordingState::Uploaded,
                       RecordingState::Failed, RecordingState::Local}) {
            const auto parsed = parseRecordingState(toString(s));
            QVERIFY(parsed.has_value());
            QVERIFY(*parsed == s);
        }
        QCOMPARE(toString(RecordingState::Uploading), std::string_view("UPLOADING"));
        QVERIFY(!parseRecordingState("uploading").has_value());
        QVERIFY(!parseRecordingState("").has_value());
    }

    void targetsCrud() {
        QTemporaryDir dir;
        auto store = MediaStore::open(path(dir));
        QVERIFY2(store.ok(), store.ok() ? "" : store.error().message.c_str());
        auto& s = **store;
        auto empty = s.listTargets();
        QVERIFY(empty.ok());
        QVERIFY(empty->empty());

        const nlohmann::json doc{{"name", "archive"},
                                 {"kind", "s3"},
                                 {"settings", {{"bucket", "b"}, {"secretAccessKey", "sy1:abc"}}}};
        QVERIFY(s.putTarget({"archive", doc, 1000}).ok());
        QVERIFY(s.putTarget({"local", {{"name", "local"}, {"kind", "folder"}}, 0}).ok());
        auto got = s.getTarget("archive");
        QVERIFY(got.ok());
        QCOMPARE(got->doc, doc);
        QCOMPARE(got->updatedMs, std::int64_t{1000});
        auto local = s.getTarget("local");
        QVERIFY(local.ok());
        QVERIFY(local->updatedMs > 1000); // 0 means "now"

        auto replaced = doc;
        replaced["settings"]["bucket"] = "other";
        QVERIFY(s.putTarget({"archive", replaced, 2000}).ok());
        got = s.getTarget("archive");
        QVERIFY(got.ok());
        QCOMPARE(got->doc["settings"]["bucket"], nlohmann::json("other"));

        auto all = s.listTargets();
        QVERIFY(all.ok());
        QCOMPARE(all->size(), std::size_t{2});
        QCOMPARE((*all)[0].name, std::string("archive"));
        QCOMPARE((*all)[1].name, std::string("local"));

        QVERIFY(s.deleteTarget("archive").ok());
        auto gone = s.getTarget("archive");
        QVERIFY(!gone.ok());
        QCOMPARE(gone.error().code, std::string("not_found"));
        auto again = s.deleteTarget("archive");
        QVERIFY(!again.ok());
        QCOMPARE(again.error().code, std::string("not_found"));
        QVERIFY(!s.putTarget({"", doc, 0}).ok());
    }

    void recordingsInsertReplaceList() {
        QTemporaryDir dir;
        auto store = MediaStore::open(path(dir));
        QVERIFY(store.ok());
        auto& s = **store;
        auto a = s.putRecording(recording("eu", "cam1", 1000, RecordingState::Recording));
        auto b = s.putRecording(recording("eu", "cam2", 2000, RecordingState::Pending));
        auto c = s.putRecording(recording("us", "cam1", 3000, RecordingState::Local));
        QVERIFY(a.ok() && b.ok() && c.ok());
        QVERIFY(*a > 0 && *b > *a && *c > *b);

        auto got = s.getRecording(*b);
        QVERIFY(got.ok());
        QCOMPARE(got->id, *b);
        QCOMPARE(got->streamGuid, std::string("cam2"));
        QVERIFY(got->state == RecordingState::Pending);
        QCOMPARE(got->provisionGuid, std::string("prov-1"));

        // Replace: every field is written.
        RecordingRecord r = *got;
        r.state = RecordingState::Uploaded;
        r.sizeBytes = 12345;
        r.durationMs = 60000;
        r.md5 = "0123456789abcdef0123456789abcdef";
        r.endedMs = 2500;
        r.uploadedMs = 2600;
        r.localDeleted = true;
        r.uploadAttempts = 3;
        r.error = "previous attempt: InvalidAccessKeyId";
        auto id = s.putRecording(r);
        QVERIFY(id.ok());
        QCOMPARE(*id, *b);
        got = s.getRecording(*b);
        QVERIFY(got.ok());
        QVERIFY(got->state == RecordingState::Uploaded);
        QCOMPARE(got->sizeBytes, std::int64_t{12345});
        QCOMPARE(got->durationMs, std::int64_t{60000});
        QCOMPARE(got->md5, r.md5);
        QCOMPARE(got->endedMs, std::int64_t{2500});
        QCOMPARE(got->uploadedMs, std::int64_t{2600});
        QVERIFY(got->localDeleted);
        QCOMPARE(got->uploadAttempts, 3);
        QCOMPARE(got->error, r.error);

        RecordingRecord missing = r;
        missing.id = 9999;
        auto bad = s.putRecording(missing);
        QVERIFY(!bad.ok());
        QCOMPARE(bad.error().code, std::string("not_found"));

        auto all = s.listRecordings();
        QVERIFY(all.ok());
        QCOMPARE(all->size(), std::size_t{3});
        QCOMPARE((*all)[0].id, *c); // newest first
        QCOMPARE((*all)[2].id, *a);
        auto eu = s.listRecordings("eu");
        QVERIFY(eu.ok());
        QCOMPARE(eu->size(), std::size_t{2});
        auto cam1 = s.listRecordings({}, "cam1");
        QVERIFY(cam1.ok());
        QCOMPARE(cam1->size(), std::size_t{2});
        auto euCam1 = s.listRecordings("eu", "cam1");
        QVERIFY(euCam1.ok());
        QCOMPARE(euCam1->size(), std::size_t{1});
        QCOMPARE(euCam1->front().id, *a);
        auto none = s.listRecordings("asia");
        QVERIFY(none.ok());
        QVERIFY(none->empty());

        QVERIFY(s.deleteRecording(*a).ok());
        auto gone = s.getRecording(*a);
        QVERIFY(!gone.ok());
        QCOMPARE(gone.error().code, std::string("not_found"));
        QCOMPARE(s.deleteRecording(*a).error().code, std::string("not_found"));
        // AUTOINCREMENT: a deleted id is not handed out again.
        auto d = s.putRecording(recording("eu", "cam3", 4000, RecordingState::Recording));
        QVERIFY(d.ok());
        QVERIFY(*d > *c);
    }

    void unfinished() {
        QTemporaryDir dir;
        auto store = MediaStore::open(path(dir));
        QVERIFY(store.ok());
        auto& s = **store;
        struct Row {
            RecordingState state;
            bool localDeleted;
            bool unfinished;
        };
        const Row rows[] = {
            {RecordingState::Recording, false, true}, {RecordingState::Finalizing, false, true},
            {RecordingState::Pending, false, true},   {RecordingState::Uploading, false, true},
            {RecordingState::Uploaded, false, true},  {RecordingState::Uploaded, true, false},
            {RecordingState::Failed, false, false},   {RecordingState::Local, false, false},
        };
        std::vector<std::int64_t> expected;
        // Inserted newest first, so that "oldest first" is the store's doing.
        for (int i = static_cast<int>(std::size(rows)) - 1; i >= 0; --i) {
            auto r = recording("eu", "cam" + std::to_string(i), 1000 + i, rows[i].state);
            r.localDeleted = rows[i].localDeleted;
            auto id = s.putRecording(r);
            QVERIFY(id.ok());
            if (rows[i].unfinished)
                expected.insert(expected.begin(), *id);
        }
        auto open = s.unfinishedRecordings();
        QVERIFY(open.ok());
        std::vector<std::int64_t> ids;
        for (const auto& r : *open)
            ids.push_back(r.id);
        QCOMPARE(ids, expected);
        QVERIFY(open->front().state == RecordingState::Recording);
    }

    void reopenKeepsEverything() {
        QTemporaryDir dir;
        std::int64_t id = 0;
        {
            auto store = MediaStore::open(path(dir));
            QVERIFY(store.ok());
            QVERIFY((*store)->putTarget({"archive", {{"k", "v"}}, 5}).ok());
            auto r = recording("eu", "cam1", 1000, RecordingState::Uploading);
            r.uploadAttempts = 2;
            auto put = (*store)->putRecording(r);
            QVERIFY(put.ok());
            id = *put;
        }
        auto store = MediaStore::open(path(dir));
        QVERIFY(store.ok());
        auto t = (*store)->getTarget("archive");
        QVERIFY(t.ok());
        QCOMPARE(t->doc, nlohmann::json({{"k", "v"}}));
        auto r = (*store)->getRecording(id);
        QVERIFY(r.ok());
        QVERIFY(r->state == RecordingState::Uploading);
        QCOMPARE(r->uploadAttempts, 2);
        auto open = (*store)->unfinishedRecordings();
        QVERIFY(open.ok());
        QCOMPARE(open->size(), std::size_t{1});
    }

    void corruptFileIsAnError() {
        QTemporaryDir dir;
        {
            std::ofstream f(path(dir), std::ios::binary);
            for (int i = 0; i < 8192; ++i)
                f.put(static_cast<char>((i * 31) & 0xFF));
        }
        auto store = MediaStore::open(path(dir));
        QVERIFY(!store.ok());
        QCOMPARE(store.error().code, std::string("corrupt"));
        QVERIFY2(store.error().message.find("media.db") != std::string::npos,
                 store.error().message.c_str());
    }

    void foreignDatabaseFromTheFuture() {
        QTemporaryDir dir;
        {
            auto store = MediaStore::open(path(dir));
            QVERIFY(store.ok());
        }
        // A file written by a newer build is refused, not rewritten.
        {
            std::fstream f(path(dir), std::ios::in | std::ios::out | std::ios::binary);
            f.seekp(60); // user_version, big-endian 32 bits in the header
            const char v[4] = {0, 0, 0, 99};
            f.write(v, 4);
        }
        auto store = MediaStore::open(path(dir));
        QVERIFY(!store.ok());
        QCOMPARE(store.error().code, std::string("schema_too_new"));
    }

    void concurrentWriters() {
        QTemporaryDir dir;
        auto store = MediaStore::open(path(dir));
        QVERIFY(store.ok());
        auto& s = **store;
        std::vector<std::thread> threads;
        std::atomic<int> failures{0};
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&, t] {
                for (int i = 0; i < 25; ++i)
                    if (!s.putRecording(recording("eu", "cam" + std::to_string(t), i,
                                                  RecordingState::Pending))
                             .ok())
                        ++failures;
            });
        for (auto& th : threads)
            th.join();
        QCOMPARE(failures.load(), 0);
        auto all = s.listRecordings();
        QVERIFY(all.ok());
        QCOMPARE(all->size(), std::size_t{100});
    }
};

QTEST_APPLESS_MAIN(TestMediaStore)
#include "tst_mediastore.moc"
