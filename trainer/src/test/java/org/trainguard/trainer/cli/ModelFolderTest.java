package org.trainguard.trainer.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.trainguard.core.checkpoint.CheckpointManifest;
import org.trainguard.core.checkpoint.CheckpointStore;
import org.trainguard.core.io.Hashing;
import org.trainguard.core.io.Json;
import org.trainguard.trainer.train.FinalBundle;

/**
 * predict and evaluate on model folders that are not what they should be: each ends with exit 2
 * and one line naming the path, and nothing in a model file is ever Java-deserialized.
 */
class ModelFolderTest {

    @TempDir
    static Path shared;

    private static TrainerFixture run;
    private static Path good;

    @BeforeAll
    static void completedRun() throws Exception {
        run = TrainerFixture.create(shared, 1, "", "");
        TrainerFixture.CliRun r = TrainerFixture.cli("--config", run.config.toString());
        assertEquals(0, r.code(), r.err());
        good = run.output.resolve(FinalBundle.DIR_NAME);
        assertEquals(FinalBundle.State.OK, FinalBundle.check(good).state(), () -> FinalBundle.check(good)
                .problem());
    }

    /** A copy of the good bundle to spoil. */
    private static Path copy(Path tmp, String name) throws IOException {
        Path dir = tmp.resolve(name);
        Files.createDirectories(dir);
        try (Stream<Path> s = Files.list(good)) {
            for (Path p : s.toList()) {
                Files.copy(p, dir.resolve(p.getFileName()));
            }
        }
        return dir;
    }

    /** What someone crafting a bundle would do: a manifest that matches the altered files. */
    private static void reseal(Path dir) throws IOException {
        List<CheckpointManifest.FileEntry> entries = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : s.sorted().toList()) {
                if (!p.getFileName().toString().equals(CheckpointManifest.FILE_NAME)) {
                    entries.add(new CheckpointManifest.FileEntry(
                            p.getFileName().toString(), Files.size(p), Hashing.sha256(p)));
                }
            }
        }
        Files.write(
                dir.resolve(CheckpointManifest.FILE_NAME),
                Json.mapper()
                        .writeValueAsBytes(new CheckpointManifest(
                                CheckpointManifest.FORMAT_VERSION, 75, Instant.now(), entries, Map.of())));
    }

    private static void addEntry(Path zip, String name, byte[] content) throws IOException {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try (ZipFile z = new ZipFile(zip.toFile())) {
            for (var en = z.entries(); en.hasMoreElements(); ) {
                ZipEntry e = en.nextElement();
                entries.put(e.getName(), z.getInputStream(e).readAllBytes());
            }
        }
        entries.put(name, content);
        try (OutputStream f = Files.newOutputStream(zip);
                ZipOutputStream out = new ZipOutputStream(f)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
    }

    /** Exit 2, one line on stderr naming {@code path} (no stack trace), nothing on stdout. */
    private static String refused(Path path, String... command) {
        TrainerFixture.CliRun r = TrainerFixture.cli(command);
        assertEquals(2, r.code(), () -> String.join(" ", command) + "\n" + r.err());
        String err = r.err().strip();
        assertFalse(err.contains("\n"), () -> "one line, found:\n" + err);
        assertTrue(err.startsWith("error: ") && err.contains(path.toString()), err);
        assertEquals("", r.out());
        return err;
    }

    private static String predictRefused(Path model, Path named) {
        return refused(named, "predict", "--model", model.toString(), "hello");
    }

    @Test
    void aModelZipWithAJavaSerializedPayloadIsRefusedWithoutDeserializingIt(@TempDir Path tmp) throws IOException {
        Path dir = copy(tmp, "crafted");
        Path marker = tmp.resolve("payload-ran.txt");
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        try (ObjectOutputStream oos = new ObjectOutputStream(payload)) {
            oos.writeObject(new DeserializationProbe(marker));
        }
        addEntry(dir.resolve(FinalBundle.MODEL_ZIP), "preprocessor.bin", payload.toByteArray());
        reseal(dir);
        assertEquals(
                FinalBundle.State.OK, FinalBundle.check(dir).state(), "the crafted bundle passes its own manifest");

        String err = predictRefused(dir, dir.resolve(FinalBundle.MODEL_ZIP));
        assertTrue(err.contains("preprocessor.bin"), err);
        err = refused(
                dir.resolve(FinalBundle.MODEL_ZIP),
                "evaluate",
                "--model",
                dir.toString(),
                "--data",
                run.dir.resolve("val.jsonl").toString());
        assertTrue(err.contains("preprocessor.bin"), err);
        assertFalse(Files.exists(marker), "the payload was deserialized");
    }

    @Test
    void aCheckpointWithAJavaSerializedPayloadIsRefusedOnResume(@TempDir Path tmp) throws IOException {
        Path source = new CheckpointStore(run.output).list().get(0).dir();
        Path dir = Files.createDirectories(tmp.resolve("checkpoint-25"));
        try (Stream<Path> s = Files.list(source)) {
            for (Path p : s.toList()) {
                Files.copy(p, dir.resolve(p.getFileName()));
            }
        }
        Path marker = tmp.resolve("payload-ran.txt");
        ByteArrayOutputStream payload = new ByteArrayOutputStream();
        try (ObjectOutputStream oos = new ObjectOutputStream(payload)) {
            oos.writeObject(new DeserializationProbe(marker));
        }
        addEntry(dir.resolve("model.zip"), "preprocessor.bin", payload.toByteArray());
        reseal(dir);
        TrainerFixture.CliRun r = TrainerFixture.cli("--config", run.config.toString(), "--resume", dir.toString());
        assertEquals(2, r.code(), r.err());
        assertTrue(r.err().contains("preprocessor.bin") && r.err().contains(dir.toString()), r.err());
        assertFalse(Files.exists(marker), "the payload was deserialized");
    }

    @Test
    void foldersThatAreNotModelsAreNamedWithWhatToDo(@TempDir Path tmp) throws IOException {
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertTrue(predictRefused(empty, empty).contains("is empty"));
        Path missing = tmp.resolve("missing");
        assertTrue(predictRefused(missing, missing).contains("does not exist"));
        Path zipFile = good.resolve(FinalBundle.MODEL_ZIP);
        assertTrue(predictRefused(zipFile, zipFile).contains("not a folder"));
    }

    @Test
    void aCheckpointThatDoesNotVerifyIsRefused(@TempDir Path tmp) throws IOException {
        Path source = new CheckpointStore(run.output).list().get(0).dir();
        Path dir = Files.createDirectories(tmp.resolve("checkpoint-25"));
        try (Stream<Path> s = Files.list(source)) {
            for (Path p : s.toList()) {
                Files.copy(p, dir.resolve(p.getFileName()));
            }
        }
        byte[] zip = Files.readAllBytes(dir.resolve(FinalBundle.MODEL_ZIP));
        zip[zip.length / 2] ^= 0x10;
        Files.write(dir.resolve(FinalBundle.MODEL_ZIP), zip);
        String err = predictRefused(dir, dir);
        assertTrue(err.contains("does not verify") && err.contains("model.zip"), err);
        Files.delete(dir.resolve(CheckpointManifest.FILE_NAME));
        err = predictRefused(dir, dir);
        assertTrue(err.contains("not a committed checkpoint"), err);
    }

    @Test
    void truncatedOrAlteredFilesAreRefused(@TempDir Path tmp) throws IOException {
        // altered after writing: the manifest catches it
        Path altered = copy(tmp, "altered");
        byte[] zip = Files.readAllBytes(altered.resolve(FinalBundle.MODEL_ZIP));
        zip[zip.length / 2] ^= 0x10;
        Files.write(altered.resolve(FinalBundle.MODEL_ZIP), zip);
        assertTrue(predictRefused(altered, altered).contains("does not verify"));

        // truncated, with a manifest to match: the reader catches it
        Path truncated = copy(tmp, "truncated");
        Files.write(truncated.resolve(FinalBundle.MODEL_ZIP), java.util.Arrays.copyOf(zip, zip.length / 3));
        reseal(truncated);
        assertTrue(predictRefused(truncated, truncated.resolve(FinalBundle.MODEL_ZIP))
                .contains("not a readable zip"));
    }

    @Test
    void anInvalidOrMismatchedBundleJsonIsRefused(@TempDir Path tmp) throws IOException {
        Path invalid = copy(tmp, "invalid");
        Files.writeString(invalid.resolve(FinalBundle.BUNDLE_JSON), "{\"format_version\": 1, \"labels\": [\"A\",");
        reseal(invalid);
        String err = predictRefused(invalid, invalid.resolve(FinalBundle.BUNDLE_JSON));
        assertTrue(err.contains("not valid JSON"), err);
        assertFalse(err.contains("com.fasterxml") || err.contains("Jackson"), err);

        Path mismatched = copy(tmp, "mismatched");
        Path bundle = mismatched.resolve(FinalBundle.BUNDLE_JSON);
        Files.writeString(bundle, Files.readString(bundle).replace("\"REFUSE\"", "\"REFUSE\", \"OTHER\""));
        reseal(mismatched);
        err = predictRefused(mismatched, bundle);
        assertTrue(err.contains("5 labels") && err.contains("4 outputs"), err);

        Path buckets = copy(tmp, "buckets");
        bundle = buckets.resolve(FinalBundle.BUNDLE_JSON);
        Files.writeString(bundle, Files.readString(bundle).replace("\"buckets\" : 4096", "\"buckets\" : 8192"));
        reseal(buckets);
        err = predictRefused(buckets, bundle);
        assertTrue(err.contains("features.buckets is 8192"), err);
    }

    @Test
    void aBundleWithoutManifestFromAnEarlierVersionStillPredicts(@TempDir Path tmp) throws IOException {
        Path legacy = copy(tmp, "legacy");
        Files.delete(legacy.resolve(CheckpointManifest.FILE_NAME));
        TrainerFixture.CliRun r =
                TrainerFixture.cli("predict", "--model", legacy.toString(), "what time does the library open?");
        assertEquals(0, r.code(), r.err());
        assertEquals(1, r.out().strip().split("\n").length, r.out());
    }

    @Test
    void statusAndVerifyReportFinal() throws IOException {
        TrainerFixture.CliRun st = TrainerFixture.cli("status", "--config", run.config.toString());
        assertTrue(st.out().lines().anyMatch(l -> l.startsWith("final") && l.contains("ok")), st.out());
        TrainerFixture.CliRun v = TrainerFixture.cli("checkpoints", "verify", "--config", run.config.toString());
        assertEquals(0, v.code(), v.out());
        assertTrue(v.out().contains("final/     ok"), v.out());
        TrainerFixture.CliRun js = TrainerFixture.cli("status", "--json", "--config", run.config.toString());
        @SuppressWarnings("unchecked")
        Map<String, Object> fin = (Map<String, Object>)
                Json.mapper().readValue(js.out(), Map.class).get("final");
        assertEquals("ok", fin.get("state"));
        assertEquals(good.toString(), fin.get("path"));
    }

    static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }
}
