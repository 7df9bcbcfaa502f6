package org.trainguard.session;

import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Reads a model zip in DL4J's {@code ModelSerializer} layout through trainguard's own reader of the
 * entries it knows, so that a model or checkpoint received from someone else cannot run code or
 * exhaust the machine when it is opened:
 * <ul>
 * <li>only {@code configuration.json} (read by DL4J's JSON configuration reader),
 *     {@code coefficients.bin} and {@code updaterState.bin} (ND4J arrays, read by {@code Nd4j.read}
 *     after their headers are checked against the entry's size) and {@code noParams.marker} are
 *     accepted. A zip with any other entry is refused, naming it: in particular
 *     {@code preprocessor.bin} and {@code objects/...}, which DL4J reads with Java deserialization,
 *     and {@code normalizer.bin}. Nothing is ever Java-deserialized;</li>
 * <li>every class the configuration names must belong to DL4J, ND4J or trainguard (or be one the
 *     caller trusts), since DL4J's JSON reader loads the classes a configuration names;</li>
 * <li>the entry count, the declared sizes (against the file's size, deflate's largest possible
 *     ratio and the heap) and every entry's CRC are checked before anything large is allocated.</li>
 * </ul>
 * Errors are {@link ModelFileException}s whose message names the file and what to do.
 */
public final class ModelReader {

    /** The network configuration, JSON. */
    public static final String CONFIGURATION = "configuration.json";
    /** The parameters, an ND4J array. */
    public static final String COEFFICIENTS = "coefficients.bin";
    /** The optimizer state, an ND4J array. */
    public static final String UPDATER_STATE = "updaterState.bin";
    /** DL4J's marker for a network without parameters (empty). */
    public static final String NO_PARAMS_MARKER = "noParams.marker";

    private static final Set<String> KNOWN = Set.of(CONFIGURATION, COEFFICIENTS, UPDATER_STATE, NO_PARAMS_MARKER);
    private static final Map<String, String> REFUSED = Map.of(
            "preprocessor.bin", "a Java-serialized data preprocessor",
            "normalizer.bin", "a data normalizer");

    /** More entries than any model zip DL4J writes holds; a zip with more is not a model. */
    static final int MAX_ENTRIES = 16;
    /** The largest configuration accepted; real ones are a few kB. */
    static final long MAX_CONFIGURATION_BYTES = 16L << 20;
    /** Deflate expands at most about 1032 times; a declared size beyond this is a lie. */
    private static final long MAX_DEFLATE_RATIO = 1100;

    private ModelReader() {}

    /**
     * What a model zip holds, read and checked.
     *
     * @param configurationJson the configuration
     * @param params the parameters; empty for a network without parameters
     * @param updaterState the optimizer state, when asked for and present
     */
    public record Contents(String configurationJson, Optional<INDArray> params, Optional<INDArray> updaterState) {}

    /**
     * Reads a {@link MultiLayerNetwork}.
     *
     * @param zip the model zip
     * @param withUpdater whether to read the optimizer state too
     * @return the network
     * @throws ModelFileException when the file is not a model this reader accepts (the message says why)
     * @throws IOException when the file cannot be read
     */
    public static MultiLayerNetwork readMultiLayerNetwork(Path zip, boolean withUpdater) throws IOException {
        return readMultiLayerNetwork(zip, withUpdater, Set.of());
    }

    /**
     * Reads a {@link MultiLayerNetwork} whose configuration may also name the given classes.
     *
     * @param zip the model zip
     * @param withUpdater whether to read the optimizer state too
     * @param trustedClasses fully qualified names of classes outside DL4J, ND4J and trainguard that
     *     the configuration may name (custom layers of the caller's own network)
     * @return the network
     * @throws ModelFileException when the file is not a model this reader accepts
     * @throws IOException when the file cannot be read
     */
    public static MultiLayerNetwork readMultiLayerNetwork(Path zip, boolean withUpdater, Set<String> trustedClasses)
            throws IOException {
        Contents c = read(zip, withUpdater, trustedClasses);
        MultiLayerConfiguration conf = configuration(zip, c, "MultiLayerNetwork", MultiLayerConfiguration::fromJson);
        return build(zip, c, params -> {
                    params.ifPresent(p -> conf.setDataType(p.dataType()));
                    return NetworkAdapter.MultiLayer.of(conf, params.orElse(null));
                })
                .model();
    }

    /**
     * Reads a {@link ComputationGraph}.
     *
     * @param zip the model zip
     * @param withUpdater whether to read the optimizer state too
     * @return the network
     * @throws ModelFileException when the file is not a model this reader accepts (the message says why)
     * @throws IOException when the file cannot be read
     */
    public static ComputationGraph readComputationGraph(Path zip, boolean withUpdater) throws IOException {
        return readComputationGraph(zip, withUpdater, Set.of());
    }

    /**
     * Reads a {@link ComputationGraph} whose configuration may also name the given classes.
     *
     * @param zip the model zip
     * @param withUpdater whether to read the optimizer state too
     * @param trustedClasses see {@link #readMultiLayerNetwork(Path, boolean, Set)}
     * @return the network
     * @throws ModelFileException when the file is not a model this reader accepts
     * @throws IOException when the file cannot be read
     */
    public static ComputationGraph readComputationGraph(Path zip, boolean withUpdater, Set<String> trustedClasses)
            throws IOException {
        Contents c = read(zip, withUpdater, trustedClasses);
        ComputationGraphConfiguration conf =
                configuration(zip, c, "ComputationGraph", ComputationGraphConfiguration::fromJson);
        if (conf.getNetworkInputs() == null
                || conf.getVertices() == null
                || conf.getVertices().isEmpty()) {
            throw new ModelFileException(
                    zip + ": " + CONFIGURATION + " is not a ComputationGraph configuration (no inputs or vertices)");
        }
        return build(zip, c, params -> {
                    params.ifPresent(p -> conf.setDataType(p.dataType()));
                    return NetworkAdapter.Graph.of(conf, params.orElse(null));
                })
                .model();
    }

    /** Parses the configuration JSON of a network of the given kind. */
    private static <C> C configuration(Path zip, Contents c, String kind, Function<String, C> fromJson)
            throws ModelFileException {
        try {
            return fromJson.apply(c.configurationJson());
        } catch (RuntimeException e) {
            throw new ModelFileException(
                    zip + ": " + CONFIGURATION + " is not a " + kind + " configuration DL4J can read (" + firstLine(e)
                            + ")",
                    e);
        }
    }

    /**
     * Builds the network with the zip's parameters and, when read, its optimizer state.
     *
     * @param create builds and initializes the network from the parameters (empty without any)
     */
    private static <A extends NetworkAdapter> A build(Path zip, Contents c, Function<Optional<INDArray>, A> create)
            throws ModelFileException {
        try {
            A net = create.apply(c.params());
            if (c.updaterState().isPresent()) {
                checkUpdaterLength(zip, net.updaterState(), c.updaterState().get());
                net.setUpdaterState(c.updaterState().get());
            }
            return net;
        } catch (RuntimeException e) {
            throw new ModelFileException(
                    zip + ": its parameters do not fit its configuration (" + firstLine(e) + ")", e);
        }
    }

    private static void checkUpdaterLength(Path zip, INDArray expected, INDArray found) throws ModelFileException {
        long want = expected == null ? 0 : expected.length();
        if (want != found.length()) {
            throw new ModelFileException(zip + ": " + UPDATER_STATE + " holds " + found.length()
                    + " values, its configuration needs " + want);
        }
    }

    /**
     * Reads and checks the entries of a model zip without building a network.
     *
     * @param zip the model zip
     * @param withUpdater whether to read the optimizer state
     * @param trustedClasses see {@link #readMultiLayerNetwork(Path, boolean, Set)}
     * @return what it holds
     * @throws ModelFileException when the file is not a model this reader accepts
     * @throws IOException when the file cannot be read
     */
    public static Contents read(Path zip, boolean withUpdater, Set<String> trustedClasses) throws IOException {
        try (ZipFile file = open(zip)) {
            Map<String, ZipEntry> entries = checkEntries(file, zip);
            ZipEntry conf = entries.get(CONFIGURATION);
            if (conf == null) {
                throw new ModelFileException(zip + ": no " + CONFIGURATION + "; this is not a DL4J model zip");
            }
            String json = readConfiguration(file, conf, zip);
            ModelClassNames.check(json, zip, trustedClasses);
            ZipEntry coefficients = entries.get(COEFFICIENTS);
            Optional<INDArray> params;
            if (coefficients != null && coefficients.getSize() > 0) {
                params = Optional.of(ModelArrays.read(file, coefficients, zip));
            } else if (entries.containsKey(NO_PARAMS_MARKER)) {
                params = Optional.empty();
            } else {
                throw new ModelFileException(
                        zip + ": no " + COEFFICIENTS + " (the parameters); this is not a complete DL4J model zip");
            }
            ZipEntry state = entries.get(UPDATER_STATE);
            Optional<INDArray> updater =
                    withUpdater && state != null ? Optional.of(ModelArrays.read(file, state, zip)) : Optional.empty();
            return new Contents(json, params, updater);
        }
    }

    /**
     * Opens a zip, turning "not a zip" into a message for people.
     *
     * @param zip the file
     * @return the open zip
     * @throws ModelFileException when it is missing, not a file or not a zip
     * @throws IOException when it cannot be read
     */
    static ZipFile open(Path zip) throws IOException {
        if (!Files.exists(zip)) {
            throw new ModelFileException(zip + " does not exist");
        }
        if (!Files.isRegularFile(zip)) {
            throw new ModelFileException(zip + " is not a regular file");
        }
        try {
            return new ZipFile(zip.toFile());
        } catch (ZipException e) {
            throw new ModelFileException(
                    zip + " is not a readable zip archive (truncated, altered or not a model: " + e.getMessage() + ")",
                    e);
        }
    }

    /**
     * Checks a model zip's entry list: known names only, each once, sizes that the file can hold.
     *
     * @param file the open zip
     * @param zip its path, for messages
     * @return the entries by name
     * @throws ModelFileException when an entry is unknown, repeated or of an impossible size
     */
    static Map<String, ZipEntry> checkEntries(ZipFile file, Path zip) throws IOException {
        if (file.size() > MAX_ENTRIES) {
            throw new ModelFileException(zip + " holds " + file.size() + " entries; a model zip holds at most "
                    + KNOWN.size() + " (" + String.join(", ", sortedKnown()) + ")");
        }
        long fileSize = Files.size(zip);
        Map<String, ZipEntry> byName = new LinkedHashMap<>();
        List<String> unknown = new ArrayList<>();
        long arrayBytes = 0;
        for (Enumeration<? extends ZipEntry> en = file.entries(); en.hasMoreElements(); ) {
            ZipEntry e = en.nextElement();
            String name = e.getName();
            if (!KNOWN.contains(name) || e.isDirectory()) {
                unknown.add(name);
                continue;
            }
            if (byName.put(name, e) != null) {
                throw new ModelFileException(
                        zip + " holds " + name + " twice; a model zip holds each entry once (the file was altered)");
            }
            long size = e.getSize();
            long compressed = e.getCompressedSize();
            if (size < 0
                    || compressed < 0
                    || compressed > fileSize
                    || (e.getMethod() == ZipEntry.STORED && size != compressed)
                    || size > compressed * MAX_DEFLATE_RATIO + 65_536) {
                throw new ModelFileException(zip + ": entry " + name + " declares " + size + " bytes from " + compressed
                        + " stored bytes in a file of " + fileSize + "; the file is damaged or was crafted");
            }
            if (name.equals(CONFIGURATION) && size > MAX_CONFIGURATION_BYTES) {
                throw new ModelFileException(zip + ": " + CONFIGURATION + " is " + size + " bytes, more than the "
                        + MAX_CONFIGURATION_BYTES + " a configuration may have");
            }
            if (name.equals(COEFFICIENTS) || name.equals(UPDATER_STATE)) {
                if (size > ModelArrays.MAX_ARRAY_BYTES) {
                    throw new ModelFileException(
                            zip + ": " + name + " is " + size + " bytes; arrays over 2 GB are not supported");
                }
                arrayBytes += size;
            }
        }
        if (!unknown.isEmpty()) {
            throw new ModelFileException(zip + " holds " + describe(unknown) + ", which trainguard does not read"
                    + (unknown.stream().anyMatch(n -> n.equals("preprocessor.bin") || n.startsWith("objects/"))
                            ? " (DL4J would Java-deserialize it, which could run code from the file)"
                            : "")
                    + "; a model zip may hold only " + String.join(", ", sortedKnown())
                    + ". Save the model without a preprocessor, normalizer or extra objects, or do not use this file");
        }
        long heap = Runtime.getRuntime().maxMemory();
        if (heap != Long.MAX_VALUE && arrayBytes > heap) {
            throw new ModelFileException(
                    zip + ": its arrays need " + (arrayBytes >> 20) + " MB, more than this JVM's maximum heap of "
                            + (heap >> 20) + " MB; raise -Xmx if the model is genuine");
        }
        return byName;
    }

    private static List<String> sortedKnown() {
        return KNOWN.stream().sorted().toList();
    }

    private static String describe(List<String> names) {
        List<String> shown = new ArrayList<>();
        for (String n : names.subList(0, Math.min(5, names.size()))) {
            String why = REFUSED.get(n);
            if (n.startsWith("objects/")) {
                why = "a Java-serialized object";
            }
            shown.add(printable(n) + (why == null ? "" : " (" + why + ")"));
        }
        String s = (names.size() == 1 ? "an unknown entry " : names.size() + " unknown entries: ")
                + String.join(", ", shown);
        return names.size() > 5 ? s + ", ..." : s;
    }

    /** Entry names come from the file: keep control characters and endless names out of messages. */
    static String printable(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints()
                .limit(120)
                .forEach(cp -> sb.appendCodePoint(Character.isISOControl(cp) || !Character.isDefined(cp) ? '?' : cp));
        return s.codePointCount(0, s.length()) > 120 ? sb + "..." : sb.toString();
    }

    private static String readConfiguration(ZipFile file, ZipEntry entry, Path zip) throws IOException {
        byte[] bytes = ModelArrays.readEntry(file, entry, zip);
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ModelFileException(zip + ": " + CONFIGURATION + " is not UTF-8 text", e);
        }
    }

    static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        m = nl < 0 ? m : m.substring(0, nl);
        return m.length() > 200 ? m.substring(0, 200) + "..." : m;
    }
}
