package org.trainguard.config;

import java.io.IOException;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads a training run's YAML configuration into a checked {@link TrainguardConfig}. Unknown keys, values of the
 * wrong type or out of range, label references that are not labels and missing input files are all
 * {@link ConfigException}s naming the file, line, key and value. Relative paths resolve against the folder of the
 * config file.
 */
public final class ConfigLoader {

    /**
     * The largest config file read, 1 MiB: a configuration is a few kilobytes (10,000 labels fit), and the YAML
     * parser's time grows with the square of a scalar's length: half a second at 1 MB, minutes at 50 MB.
     */
    public static final int MAX_FILE_BYTES = 1 << 20;
    /** The deepest nesting of sections, lists and maps: the schema needs 4. */
    static final int MAX_NESTING = 16;
    /** The most YAML aliases ({@code *name}) that expand into lists or maps; the schema needs none. */
    static final int MAX_ALIASES = 16;

    private ConfigLoader() {}

    /**
     * Loads and checks a config file, including that the training, validation and sound files it names exist.
     *
     * @param file the YAML file; relative paths inside it resolve against its folder
     * @return the configuration, with {@link TrainguardConfig#source()} set and {@link TrainguardConfig#sha256()}
     *         of the file's bytes
     * @throws ConfigException when the file is missing, unreadable, not YAML, or its content is invalid; the
     *                         message starts with the file name and line
     */
    public static TrainguardConfig load(Path file) {
        Path absolute = file.toAbsolutePath().normalize();
        if (!Files.exists(absolute)) {
            throw ConfigException.configFileNotFound(absolute);
        }
        if (Files.isDirectory(absolute)) {
            throw ConfigException.located(absolute, 0, "", "config file is a folder, not a file", null);
        }
        if (!Files.isRegularFile(absolute)) {
            // a FIFO or a device (/dev/zero) would block or never end
            throw ConfigException.located(
                    absolute,
                    0,
                    "",
                    "config file is not a regular file (a pipe or a device); " + "give a YAML file",
                    null);
        }
        byte[] bytes;
        try {
            long size = Files.size(absolute);
            if (size > MAX_FILE_BYTES) {
                throw ConfigException.located(
                        absolute,
                        0,
                        "",
                        "config file is " + size + " bytes, more than the limit of " + MAX_FILE_BYTES
                                + " (1 MiB); a configuration is a few kilobytes",
                        null);
            }
            try (var in = Files.newInputStream(absolute)) {
                bytes = in.readNBytes(MAX_FILE_BYTES + 1);
            }
        } catch (IOException unreadable) {
            throw ConfigException.located(
                    absolute, 0, "", "cannot read config file: " + unreadable.getMessage(), unreadable);
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw ConfigException.located(
                    absolute,
                    0,
                    "",
                    "config file is more than the limit of " + MAX_FILE_BYTES
                            + " bytes (1 MiB); a configuration is a few kilobytes",
                    null);
        }
        String text;
        try {
            text = StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException notUtf8) {
            int at = firstNonUtf8Byte(bytes);
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < at; i++) {
                if (bytes[i] == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            throw ConfigException.located(
                    absolute,
                    line,
                    "",
                    String.format(
                            Locale.ROOT,
                            "config file is not UTF-8 text: byte 0x%02X (byte %d of the line) is not UTF-8; save the file as UTF-8",
                            bytes[at] & 0xFF,
                            at - lineStart + 1),
                    notUtf8);
        }
        return read(text, absolute, absolute.getParent(), TrainguardConfig.sha256Hex(bytes));
    }

    /**
     * Reads a configuration from YAML text, for tests and programs that embed the trainer. Checks the same as
     * {@link #load}, input files included; errors carry the line but no file name.
     *
     * @param yaml    the YAML text
     * @param baseDir the folder relative paths resolve against
     * @return the configuration, without a source, with {@link TrainguardConfig#sha256()} of the text's UTF-8 bytes
     * @throws ConfigException when the text is not YAML or its content is invalid
     */
    public static TrainguardConfig parse(String yaml, Path baseDir) {
        return read(
                yaml,
                null,
                baseDir.toAbsolutePath().normalize(),
                TrainguardConfig.sha256Hex(yaml.getBytes(StandardCharsets.UTF_8)));
    }

    private static TrainguardConfig read(String text, Path file, Path baseDir, String sha256) {
        YamlSection.Lines lines = new YamlSection.Lines(file, baseDir);
        try {
            Node root = compose(text, file);
            TrainguardConfig config =
                    build(YamlSection.root(root, lines, TrainguardConfig.keys()), lines, file, sha256);
            config.requireInputFiles();
            return config;
        } catch (ConfigException invalid) {
            // Records check themselves without knowing the file; place their errors at the key's line here.
            throw invalid.isLocated() ? invalid : invalid.at(file, lines.lineOf(invalid.key()));
        }
    }

    /** @return the offset of the first byte that does not start or continue a valid UTF-8 sequence */
    private static int firstNonUtf8Byte(byte[] bytes) {
        var decoder = StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length + 1);
        var result = decoder.decode(in, out, true);
        return result.isError() ? in.position() : 0;
    }

    private static Node compose(String text, Path file) {
        // A byte order mark is legal at the start of a YAML stream but would otherwise become part of a key.
        String yaml = text.startsWith("\uFEFF") ? text.substring(1) : text;
        requireSmallText(yaml, file);
        LoaderOptions limits = new LoaderOptions();
        limits.setCodePointLimit(MAX_FILE_BYTES);
        limits.setMaxAliasesForCollections(MAX_ALIASES);
        limits.setNestingDepthLimit(MAX_NESTING);
        Node root;
        try {
            root = new Yaml(limits).compose(new StringReader(yaml));
        } catch (MarkedYAMLException malformed) {
            Mark mark = malformed.getProblemMark() != null ? malformed.getProblemMark() : malformed.getContextMark();
            String problem = malformed.getProblem() != null ? malformed.getProblem() : malformed.getMessage();
            // SnakeYAML's context ("while parsing a flow mapping") reads as the start of the problem's sentence.
            String context = malformed.getContext() == null ? "" : malformed.getContext() + ", ";
            throw ConfigException.located(
                    file, mark == null ? 0 : mark.getLine() + 1, "", "malformed YAML: " + context + problem, malformed);
        } catch (YAMLException malformed) {
            throw ConfigException.located(file, 0, "", "malformed YAML: " + malformed.getMessage(), malformed);
        }
        if (root == null || YamlNodes.isNull(root)) {
            throw ConfigException.located(
                    file, 0, "", file == null ? "the configuration is empty" : "config file is empty", null);
        }
        return root;
    }

    private static void requireSmallText(String yaml, Path file) {
        if (yaml.length() > MAX_FILE_BYTES) {
            throw ConfigException.located(
                    file,
                    0,
                    "",
                    "the configuration is " + yaml.length() + " characters, more than the limit of " + MAX_FILE_BYTES
                            + " (1 MiB)",
                    null);
        }
    }

    private static TrainguardConfig build(YamlSection root, YamlSection.Lines lines, Path file, String sha256) {
        List<String> labels = TrainguardConfig.checkedLabels(root.get(TrainguardConfig.LABELS));
        ModelConfig model = ModelConfig.read(root.section(ModelConfig.keys()));
        TrainingConfig training = TrainingConfig.read(root.section(TrainingConfig.KEYS), lines.baseDir());
        DataConfig data = DataConfig.read(root.section(DataConfig.KEYS), training.outputDir(), file);
        CheckpointConfig checkpoint = CheckpointConfig.read(root.section(CheckpointConfig.KEYS));
        SessionConfig session = SessionConfig.read(root.section(SessionConfig.KEYS));
        EvalConfig eval = EvalConfig.read(root.section(EvalConfig.KEYS), labels);
        LossConfig loss = LossConfig.read(root.section(LossConfig.KEYS), labels);
        WatchdogConfig watchdog = WatchdogConfig.read(root.section(WatchdogConfig.KEYS), training.outputDir());
        Map<Section<?>, Object> extras = ExtraSections.read(root, new Section.Context(lines.baseDir(), training));
        return new TrainguardConfig(
                labels,
                model,
                data,
                training,
                checkpoint,
                session,
                eval,
                loss,
                watchdog,
                extras,
                Optional.ofNullable(file),
                sha256);
    }
}
